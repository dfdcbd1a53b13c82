"""Adapter: Rasa finds an event's class by its name once, not once per event.

Why. Every event Rasa reads back (each event of a tracker the tracker store returns, each event an
action server answers with) goes through ``Event.resolve_by_type(type_name)``, which walks the whole
tree of ``Event`` subclasses (``rasa.shared.utils.common.all_subclasses``: recursive, with an
``inspect.isabstract`` check per class) and returns the first class whose ``type_name`` matches.
A tracker of 100 events walks that tree 100 times. In a sampling profile of a long conversation
it was about 11% of the Rasa server's time (``scripts/speed.py``, the 300-turn run).

What changes. :func:`resolve_by_type` remembers the class found for each name; a name seen before
costs a dictionary lookup. A name not seen before goes to Rasa's own function, so unknown names,
``"topic"`` and ``default`` behave exactly as Rasa's (only found classes are remembered). Event
classes are defined when ``rasa.shared.core.events`` is imported; a subclass defined later with
the same ``type_name`` as one already remembered would not be found (none exists in Rasa 3.6 or
the coach).

Pinned. Installed only on Rasa ``3.6.21`` whose ``Event.resolve_by_type`` source has the SHA-256
below; otherwise logged and left alone. ``tests/test_rasa_adapters.py`` checks the pin and that
every event class of Rasa resolves to the same class either way.

How to remove it. Delete ``"bot.rasa_ext.event_types"`` from ``ADAPTERS`` in
``bot/rasa_ext/runtime.py``, this file and its tests.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from bot.rasa_ext import runtime

RASA_VERSION = "3.6.21"
SOURCE_SHA256 = "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968"

_found: Dict[str, Any] = {}


def resolve_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
    """``Event.resolve_by_type`` with the classes found remembered by name."""
    cls = _found.get(type_name)
    if cls is not None:
        return cls
    cls = _PATCH.rasa_method()(type_name, default)
    if cls is not None and cls is not default:
        _found[type_name] = cls
    return cls


def _event() -> Any:
    from rasa.shared.core.events import Event

    return Event


_PATCH = runtime.MethodPatch(__name__.rsplit(".", 1)[-1], "resolve_by_type", resolve_by_type,
                             "event classes looked up the slow way", owner=_event, wrap=staticmethod)
_API = runtime.AdapterAPI(__name__, "Event.resolve_by_type", _PATCH)
source_sha256 = _API.source_sha256
rasa_version = _API.rasa_version
pinned_problem = _API.pinned_problem
installed = _API.installed
install = _API.install


def uninstall() -> None:
    """Put Rasa's function back and forget the classes found (for tests and comparisons)."""
    _API.uninstall()
    _found.clear()
