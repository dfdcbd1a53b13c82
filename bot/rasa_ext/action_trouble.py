"""Adapter: a short, kind reply instead of silence when the action server cannot be reached.

Why. Every custom action, a form's validation (``validate_<form>``) and its questions
(``action_ask_<slot>``) are calls to the action server through ``RemoteAction.run``. When that
server is down, Rasa 3.6 turns the failed call into a ``RasaException``;
``MessageProcessor._run_action`` logs it and carries on as if the action had returned nothing, and
a form's call fails the whole form run the same way. The person hears nothing, and what the
message had already done to the conversation (a slot filled from it, a form rejected) stays.

What counts as "cannot be reached" (:func:`failure_reason`), precisely:

- **no connection**: ``aiohttp.ClientConnectionError`` (connection refused, reset, the server going
  away mid-answer). Rasa raises a ``RasaException`` while handling it; the reason is ``connection``;
- **a timeout**: ``asyncio.TimeoutError`` (the coach's limit per call, below, or Rasa's own 5-minute
  one, which Rasa does not catch; aiohttp's ``ServerTimeoutError`` is one too); the reason is ``timeout``;
- **an HTTP 5xx answer**: the server (or a proxy in front of it) is there but failed, e.g. an action
  that raised, or a 502/503 while it restarts. Rasa raises a ``RasaException`` from its
  ``ClientResponseError``; the reason is ``http_<status>``.

Everything else propagates exactly as before: ``ActionExecutionRejection`` (the HTTP 400 a form's
validation uses to step aside for a digression; forms rely on it), any other 4xx (a wrong secret,
an unknown action: a configuration mistake, not an outage, which must stay loud), an answer Rasa's
schema rejects, a missing endpoint.

How long a call may take. Rasa 3.6 waits up to 5 minutes (``DEFAULT_REQUEST_TIMEOUT``) for the
action server, holding the conversation's lock all that time. The wrapper bounds each call with
``asyncio.wait_for`` to ``COACH_ACTION_TIMEOUT_SECONDS`` (default :data:`DEFAULT_ACTION_TIMEOUT_SECONDS`,
10 s): a call still running then is cancelled and counts as a timeout. With several Rasa servers behind a proxy this bounds a
turn, so the proxy's timeouts and the lock's can be set around it (``docs/cluster.md``). An action
cut off this way may still finish on the action server: what it wrote stays written, as with a
crash in the middle of a turn (see Limits), while the person gets the trouble reply and sends the
message again.

What the person gets. ``install()`` wraps ``RemoteAction.run``. When a call cannot reach the server
it logs ``event=action_server_unreachable action=<name> reason=<reason>`` and returns, instead of
raising, the events of :func:`trouble_events`:

1. the message ``trouble.action_server`` from ``bot/content/messages.yml`` as a ``BotUttered`` -
   once per message: when the tracker the call is given already holds it after the latest user
   message (a form that failed to validate then asks its next question; the policies predict
   another custom action), nothing more is said;
2. ``SlotSet`` back to the value it had when the person's latest message arrived, for every slot
   that has changed since (what ``action_extract_slots`` took from the message, the candidates a
   form hands to its validation, ``requested_slot``), and ``ActiveLoop(<the form active then>)``
   when the active form has changed or was rejected since. The form stays active, asking the same
   question, and the person's next answer is extracted and validated afresh, as if this message
   had not come (storing a rating again replaces it: ``bot.storage``'s ``save_rating``);
3. ``FollowupAction("action_listen")``: the next action Rasa runs is ``action_listen``, so the turn
   ends there - one trouble reply per message, no further predictions failing one after another.
   (Inside a form the events are part of the form's own; the form still returns normally and
   the follow-up is honoured after it. Inside ``action_extract_slots``, which keeps only slots
   and utterances from a custom action, the next action predicted gets the follow-up.)

Limits. The slots go back to where they were when the message arrived even if an action earlier in
the same turn succeeded before the server went away (a crash in the middle of a turn); what that
action wrote to the database stays, and the person's repeated message does it again. A form first
activated in that same turn stays active. Both need the server to die between two calls of one turn.

What the person typed is kept: the ``UserUttered`` event is on the tracker before any action runs,
and since the turn now ends normally the tracker store saves it with the rest of the turn. The
reply asks them to send it again in a minute, when the supervisor (``bot/supervise.py``) has
restarted the action server.

Pinned. ``install()`` patches only Rasa ``3.6.21`` whose ``RemoteAction.run`` source has the SHA-256
recorded below; otherwise it logs a warning and leaves Rasa as it is. ``tests/test_action_trouble.py``
fails in that case, telling the upgrader what to re-check.

How to remove it. Delete ``"bot.rasa_ext.action_trouble"`` from ``ADAPTERS`` in
``bot/rasa_ext/runtime.py``, this file, its tests and the ``trouble:`` block in ``messages.yml``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any, List, Optional

from bot.rasa_ext import runtime

if TYPE_CHECKING:  # Rasa is imported when the adapter is installed, not when this module is read
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
# SHA-256 of inspect.getsource(RemoteAction.run) in Rasa 3.6.21.
SOURCE_SHA256 = "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e"
MESSAGE_KEY = "trouble.action_server"
ACTION_LISTEN = "action_listen"
DEFAULT_ACTION_TIMEOUT_SECONDS = 10.0


def action_timeout() -> float:
    """Seconds one call to the action server may take: ``COACH_ACTION_TIMEOUT_SECONDS``, else 10."""
    raw = os.environ.get("COACH_ACTION_TIMEOUT_SECONDS", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_ACTION_TIMEOUT_SECONDS
    except ValueError:
        log.warning("event=bad_setting name=COACH_ACTION_TIMEOUT_SECONDS using=%g", DEFAULT_ACTION_TIMEOUT_SECONDS)
        return DEFAULT_ACTION_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_ACTION_TIMEOUT_SECONDS


# --------------------------------------------------------------------------- what failed


def failure_reason(exc: BaseException) -> Optional[str]:
    """``connection``, ``timeout`` or ``http_<5xx status>`` when ``exc`` from ``RemoteAction.run``
    means the action server could not be reached; None for anything else (which must propagate)."""
    import aiohttp
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.exceptions import RasaException

    if isinstance(exc, ActionExecutionRejection) or not isinstance(
            exc, (RasaException, asyncio.TimeoutError, aiohttp.ClientError)):
        return None
    seen = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:  # Rasa's exception, then what it was raised from
        seen.add(id(current))
        if isinstance(current, asyncio.TimeoutError):
            return "timeout"
        if isinstance(current, aiohttp.ClientConnectionError):
            return "connection"
        status = getattr(current, "status", None)
        if isinstance(current, aiohttp.ClientError) and isinstance(status, int):
            return f"http_{status}" if status >= 500 else None
        current = current.__cause__ or current.__context__
    return None


# --------------------------------------------------------------------------- what to answer


def trouble_text() -> str:
    from bot.content import get_content  # the content files are read once, on first use

    return get_content().say(MESSAGE_KEY)


def _latest_user_message(events: List["Event"]) -> Optional[int]:
    from rasa.shared.core.events import UserUttered

    return next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)


def trouble_events(tracker: "DialogueStateTracker", domain: Optional["Domain"] = None) -> List["Event"]:
    """The events that answer a turn the action server could not serve (see the module docstring):
    the trouble message unless already said this turn, the slots and form as they were when the
    person's latest message arrived, and ``action_listen`` next."""
    from rasa.shared.core.events import ActiveLoop, BotUttered, FollowupAction, SlotSet

    text = trouble_text()
    events = list(tracker.events)
    index = _latest_user_message(events)
    result: List[Event] = []
    if index is None or not any(isinstance(e, BotUttered) and e.text == text for e in events[index:]):
        result.append(BotUttered(text))
    if index is not None:
        before = tracker.init_copy()
        for event in events[:index]:
            before.update(event, domain)
        now = tracker.current_slot_values()
        for name, value in before.current_slot_values().items():
            if name in now and now[name] != value:
                result.append(SlotSet(name, value))
        was = before.active_loop_name
        if was != tracker.active_loop_name or (tracker.active_loop is not None and tracker.active_loop.rejected):
            result.append(ActiveLoop(was))
    result.append(FollowupAction(ACTION_LISTEN))
    return result


async def _run(self: Any, output_channel: Any, nlg: Any, tracker: "DialogueStateTracker",
               domain: "Domain") -> List["Event"]:
    """Drop-in for ``RemoteAction.run``: Rasa's own, at most :func:`action_timeout` seconds, or the trouble
    events when the server cannot be reached."""
    try:
        return await asyncio.wait_for(_PATCH.rasa_method()(self, output_channel, nlg, tracker, domain),  # type: ignore[misc]
                                      action_timeout())
    except Exception as exc:  # noqa: BLE001 - classified below; anything else is re-raised untouched
        reason = failure_reason(exc)
        if reason is None:
            raise
        log.warning("event=action_server_unreachable action=%s reason=%s", self.name(), reason)
        return trouble_events(tracker, domain)


# --------------------------------------------------------------------------- install


_PATCH = runtime.MethodPatch(__name__.rsplit(".", 1)[-1], "run", _run, "a failed action call stays silent")
_API = runtime.AdapterAPI(__name__, "RemoteAction.run", _PATCH)
source_sha256 = _API.source_sha256
rasa_version = _API.rasa_version
pinned_problem = _API.pinned_problem
installed = _API.installed
install = _API.install
uninstall = _API.uninstall
