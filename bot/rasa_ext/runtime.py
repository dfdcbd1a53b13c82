"""Small, documented adapters to Rasa 3.6 itself, installed once in each Rasa process.

Some costs and gaps are inside Rasa with no extension point (issue 10: the action server's
answer is re-validated against a JSON schema on every call; a failed action call is swallowed
without a word to the person). Each adapter is a module here with an ``install()`` that changes
one Rasa function, checks first that Rasa is the version it was written for (so an upgrade fails
loudly in the tests rather than silently changing behaviour), and is pinned by its own test.

They are installed when Rasa builds the coach's tracker store (``endpoints.yml``), the one coach
class every Rasa process (``rasa run``, ``rasa shell``, the test servers) loads before it handles
a message. ``install()`` is idempotent.

``COACH_RASA_ADAPTERS=off`` in a process's environment installs none of them (Rasa runs exactly
as shipped): for comparing with and without (``scripts/bench_adapters.py``) or ruling them out
while chasing a problem.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from typing import List, Tuple

log = logging.getLogger(__name__)

# Module names, each with an ``install()``, installed in this order.
ADAPTERS: Tuple[str, ...] = ("bot.rasa_ext.fast_action_validation", "bot.rasa_ext.action_trouble")

_installed: List[str] = []
_lock = threading.Lock()


def install() -> List[str]:
    """Install every adapter once; returns the names installed in this process."""
    if os.environ.get("COACH_RASA_ADAPTERS", "").strip().lower() == "off":
        log.info("event=rasa_adapters_off reason=COACH_RASA_ADAPTERS")
        return []
    with _lock:
        for name in ADAPTERS:
            if name not in _installed:
                importlib.import_module(name).install()
                _installed.append(name)
                log.info("event=rasa_adapter_installed adapter=%s", name.rsplit(".", 1)[-1])
        return list(_installed)
