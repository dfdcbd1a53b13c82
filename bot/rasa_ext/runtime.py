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

import hashlib
import importlib
import inspect
import logging
import os
import threading
from typing import Any, Callable, List, Optional, Tuple

log = logging.getLogger(__name__)

# Module names, each with an ``install()``, installed in this order.
ADAPTERS: Tuple[str, ...] = ("bot.rasa_ext.fast_action_validation", "bot.rasa_ext.action_trouble",
                              "bot.rasa_ext.event_types")

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


# --------------------------------------------------------------------------- what adapters share


def rasa_version() -> str:
    from rasa.version import __version__

    return __version__


def source_sha256(function: Callable[..., Any]) -> str:
    """SHA-256 of a function's source as installed: the pin an adapter checks before replacing it."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def pin_problem(what: str, written_for: str, expected_sha256: str, version: str, digest: str) -> Optional[str]:
    """Why an adapter must not replace ``what`` on this Rasa, or None when both pins match."""
    if version != written_for:
        return f"Rasa is {version}, the patch was written for {written_for}"
    if digest != expected_sha256:
        return f"source of {what} changed: sha256 {digest}, the patch was written for {expected_sha256}"
    return None


def _remote_action() -> Any:
    from rasa.core.actions.action import RemoteAction

    return RemoteAction


class MethodPatch:
    """One method of a Rasa class (``RemoteAction`` unless ``owner`` says otherwise) replaced once,
    and put back on demand.

    ``original`` is Rasa's method while the patch is in place (the replacement calls it).
    ``wrap`` is how the class holds the method (``staticmethod`` for a static one).
    """

    def __init__(self, adapter: str, attribute: str, replacement: Callable[..., Any], left_as_is: str,
                 owner: Callable[[], Any] = _remote_action, wrap: Callable[[Any], Any] = lambda f: f) -> None:
        self.adapter, self.attribute, self.replacement, self.left_as_is = adapter, attribute, replacement, left_as_is
        self.original: Optional[Callable[..., Any]] = None
        self._mark = f"__coach_{adapter}__"
        self._lock = threading.Lock()
        self._owner, self._wrap = owner, wrap

    def rasa_method(self) -> Callable[..., Any]:
        """Rasa's own method, whether or not the patch is in place."""
        return self.original or getattr(self._owner(), self.attribute)

    def installed(self) -> bool:
        return getattr(getattr(self._owner(), self.attribute), self._mark, False)

    def install(self, problem: Callable[[], Optional[str]]) -> bool:
        """Replace the method once; True if the patch is in place, False if Rasa was left as it is
        (``problem()`` named a reason, which is logged)."""
        with self._lock:
            if self.installed():
                return True
            reason = problem()
            if reason:
                log.warning("event=rasa_adapter_skipped adapter=%s reason=%r: %s", self.adapter, reason,
                            self.left_as_is)
                return False
            self.original = getattr(self._owner(), self.attribute)
            setattr(self.replacement, self._mark, True)
            setattr(self._owner(), self.attribute, self._wrap(self.replacement))
            return True

    def uninstall(self) -> None:
        """Put Rasa's method back (for tests and comparisons)."""
        with self._lock:
            if self.installed() and self.original is not None:
                setattr(self._owner(), self.attribute, self._wrap(self.original))
            self.original = None


class AdapterAPI:
    """What every adapter module offers, made once here: ``source_sha256``, ``rasa_version``,
    ``pinned_problem``, ``installed``, ``install`` and ``uninstall``.

    ``module`` is the adapter's module name; its ``RASA_VERSION`` and ``SOURCE_SHA256`` (and its
    ``rasa_version`` and ``source_sha256``, for tests that stand in another Rasa) are read when
    ``pinned_problem()`` runs, not when the module is imported. ``what`` names the replaced function
    in the reason given when the pins do not match.
    """

    def __init__(self, module: str, what: str, patch: MethodPatch) -> None:
        self._module, self._what, self._patch = module, what, patch

    def _mod(self) -> Any:
        import sys

        return sys.modules[self._module]

    def source_sha256(self) -> str:
        """SHA-256 of the source of Rasa's original function (as installed)."""
        return source_sha256(self._patch.rasa_method())

    @staticmethod
    def rasa_version() -> str:
        return rasa_version()

    def pinned_problem(self) -> Optional[str]:
        """Why the patch must not be applied to this Rasa, or None when it matches the pin."""
        mod = self._mod()
        return pin_problem(self._what, mod.RASA_VERSION, mod.SOURCE_SHA256, mod.rasa_version(), mod.source_sha256())

    def installed(self) -> bool:
        return self._patch.installed()

    def install(self) -> bool:
        """Patch Rasa once; True if the patch is in place, False if Rasa was left as it is."""
        return self._patch.install(self.pinned_problem)

    def uninstall(self) -> None:
        """Put Rasa's function back (for tests and comparisons)."""
        self._patch.uninstall()

