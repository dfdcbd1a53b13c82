"""Fixtures for the end-to-end tests: real servers on loopback (see harness.py and bot/servers.py).

Each test module gets its own SQLite database file and a fresh pair of servers
(model load takes about a minute on two cores, so modules are few and full).
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.harness import MODEL, ROOT, Coach, new_sender  # noqa: F401  (new_sender is used by tests)


@pytest.fixture(scope="module")
def coach(tmp_path_factory):
    # Skipped here rather than at import: a module-level skip in a conftest.py aborts
    # pytest when tests/e2e (or a file in it) is named on the command line.
    if not MODEL.exists():
        pytest.skip("no trained model: run `make train`")
    workdir = tmp_path_factory.mktemp("coach")
    c = Coach(workdir)
    try:
        c.start()
        yield c
    finally:
        c.stop()
        for log in ("rasa.log", "actions.log"):
            p = workdir / log
            if p.exists() and "Traceback" in p.read_text(errors="replace"):
                shutil.copy(p, ROOT / "results" / f"e2e-{log}") if (ROOT / "results").exists() else None
