"""Fixtures for the end-to-end tests: real servers on loopback (see harness.py and bot/servers.py).

Each test module gets its own SQLite database file and a fresh pair of servers
(model load takes about a minute on two cores, so modules are few and full).
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import new_sender, running_coach  # noqa: F401  (new_sender is used by tests)


@pytest.fixture(scope="module")
def coach(tmp_path_factory):
    yield from running_coach(tmp_path_factory)
