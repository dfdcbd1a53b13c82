"""The coach's tracker store: Rasa's conversations in the coach's own table, keyed and redacted.

``endpoints.yml`` names :class:`CoachTrackerStore`. It builds on Rasa's supported extension point,
:class:`rasa.core.tracker_store.TrackerStore` (``save``, ``retrieve``, ``keys`` and
``retrieve_full_tracker``), not on ``SQLTrackerStore``'s internals, so a Rasa upgrade that changes
those cannot silently change what is written. ``tests/test_tracker_store.py`` pins the Rasa
behaviour this relies on.

- **One door.** Events live in ``coach_conversation_events`` behind
  :class:`bot.storage.conversations.ConversationRoom`, on ``COACH_DATABASE_URL`` like every other
  table, migrated by Alembic when the store starts.
- **Keys, not ids.** Each row belongs to ``bot.identity.user_key(sender_id)``; the raw sender id
  is never written.
- **No read before a write.** ``retrieve`` remembers where the conversation stood when it was
  loaded; ``save`` writes only what came after, numbered on from there (see :class:`_Loaded`).
- **One codec.** Every event goes in through :func:`bot.storage.codec.encode_event` (identifiers
  redacted) and out through :func:`~bot.storage.codec.decode_event`; the ``data`` column encrypts
  it (:mod:`bot.crypto`).
- **The same cost in the 300th turn as in the 3rd.** Rasa rebuilds a tracker by replaying every event
  of the session, its policies compute a state for every turn of it, and each action call sends all
  of it to the action server, so a long conversation gets slower with every message. So every
  :data:`CHECKPOINT_EVERY` events ``save`` also writes a checkpoint: the events that set the slots
  and the active form as they stood at the end of that turn (redacted and encrypted like events).
  ``retrieve`` starts a long session from the newest checkpoint at least :data:`WINDOW_EVENTS`
  events back: the checkpoint's events, then the stored events after it (see :func:`_prefix`).
  Rasa's policies look back five turns (``max_history``), rules a few, the coach's actions to the
  person's latest message: all inside the window, so the predictions are the same (tested against
  the whole session's tracker in ``tests/test_tracker_store.py``). ``retrieve_full_tracker`` still
  returns everything.
- **Erased stays erased.** When an action erases the person's data it sets the ``data_erased``
  slot; the save that follows writes nothing of that turn and removes the conversation again, so
  a new message starts from nothing (Rasa saves the tracker after every action).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecutionRejected, ActiveLoop, Event, LoopInterrupted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.identity import user_key
from bot.storage import CoachStore, database_url
from bot.storage.codec import decode_event, encode_event
from bot.storage.conversations import SESSION_START_ACTION, Checkpoint, EventRecord

log = logging.getLogger(__name__)

# Rasa's SQL endpoint keys, accepted and ignored: the URL is COACH_DATABASE_URL. ``host`` is also
# where Rasa passes an endpoint's ``url:`` when it builds a custom tracker store.
IGNORED_ENDPOINT_KEYS = ("host", "dialect", "port", "db", "username", "password", "login_db", "query")

# How many conversations' load positions one process remembers (a few hundred bytes each).
REMEMBERED_CONVERSATIONS = 4096

# A checkpoint about every this many events; a session is loaded from the newest checkpoint at
# least WINDOW_EVENTS events back (so between WINDOW_EVENTS and WINDOW_EVENTS + CHECKPOINT_EVERY
# events, plus the checkpoint's own). A turn of the coach is 5 to 15 events.
CHECKPOINT_EVERY = 20
WINDOW_EVENTS = 40
# The attribute of a retrieved (or saved) tracker that holds its _Loaded.
LOADED_ATTRIBUTE = "_coach_loaded"
# Checkpoints older than this many events before the newest are removed as new ones come.
KEEP_CHECKPOINT_EVENTS = 4 * WINDOW_EVENTS


# --------------------------------------------------------------------------- the codec


def _record(seq: int, event: Event) -> EventRecord:
    """The row for ``event`` at ``seq``: the encoded (encrypted) event plus the columns to query by.

    Only what the store needs is left readable: the event's type, its time (for retention) and
    whether it starts a session. Intent and action names stay inside the encrypted event: in
    plain columns they would tell anyone with the database who had, say, a distress turn, and when.
    """
    data = event.as_dict()
    name = data.get("name") if event.type_name == "action" else None
    return EventRecord(
        seq=seq,
        type_name=event.type_name,
        timestamp=data.get("timestamp"),
        action_name=name if name == SESSION_START_ACTION else None,
        intent_name=None,
        data=encode_event(data),
    )


# The slot an erasing action sets (actions/privacy.py): the turn that erased is not stored.
ERASED_SLOT = "data_erased"


def _erases(event: Event) -> bool:
    return isinstance(event, SlotSet) and event.key == ERASED_SLOT and bool(event.value)


# --------------------------------------------------------------------------- checkpoints


def _checkpoint_events(tracker: DialogueStateTracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The events that bring a fresh tracker's slots, and then its active form, to where ``tracker``
    stands now (slots still at their initial value left out).

    The form's flags (interrupted, rejected) are set by the events Rasa itself uses for them; they
    come after the turn's closing ``action_listen`` in :func:`_prefix`, which would reset them.
    """
    slots = [SlotSet(name, slot.value) for name, slot in tracker.slots.items() if slot.value != slot.initial_value]
    loop: List[Event] = []
    active = tracker.active_loop
    if active is not None and active.name:
        loop.append(ActiveLoop(active.name))
        if active.is_interrupted:
            loop.append(LoopInterrupted(True))
        if active.rejected:
            loop.append(ActionExecutionRejected(active.name))
    return [e.as_dict() for e in slots], [e.as_dict() for e in loop]


def _encode_checkpoint(tracker: DialogueStateTracker) -> str:
    slots, loop = _checkpoint_events(tracker)
    return json.dumps({"slots": [json.loads(encode_event(e)) for e in slots], "loop": loop})


def _prefix(checkpoint: Checkpoint) -> List[Dict[str, Any]]:
    """A session as it stood at a checkpoint, as events: a session start, the checkpoint's slots,
    ``action_listen`` (a checkpoint is written at the end of a turn) and the active form."""
    when = checkpoint.timestamp
    data = json.loads(checkpoint.data)
    return ([{"event": "action", "name": SESSION_START_ACTION, "timestamp": when},
             {"event": "session_started", "timestamp": when}]
            + [{**e, "timestamp": when} for e in data["slots"]]
            + [{"event": "action", "name": ACTION_LISTEN_NAME, "timestamp": when}]
            + [{**e, "timestamp": when} for e in data["loop"]])


# --------------------------------------------------------------------------- where a tracker stands


def _mark(event: Event) -> Tuple[str, Optional[float]]:
    return (event.type_name, event.timestamp)


@dataclass(frozen=True)
class _Loaded:
    """What one process knows about a conversation since it last loaded or saved it.

    ``count`` events of the tracker are stored already, the next one goes to ``next_seq``, and
    the tracker's event at ``count - 1`` is ``last`` (its type and timestamp). ``save`` trusts
    this only when the tracker it is given still has ``last`` at that place; otherwise (a tracker
    this process did not load, say one sent to the HTTP API) it asks the table once.
    """

    count: int
    next_seq: int
    last: Optional[Tuple[str, Optional[float]]]

    def fits(self, events: Sequence[Event]) -> bool:
        if len(events) < self.count:
            return False
        return self.count == 0 or _mark(events[self.count - 1]) == self.last


class _Positions:
    """A bounded map sender id -> :class:`_Loaded`, least recently used out first (in memory only)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: "OrderedDict[str, _Loaded]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender_id: str) -> Optional[_Loaded]:
        with self._lock:
            item = self._items.get(sender_id)
            if item is not None:
                self._items.move_to_end(sender_id)
            return item

    def put(self, sender_id: str, loaded: _Loaded) -> None:
        with self._lock:
            self._items[sender_id] = loaded
            self._items.move_to_end(sender_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._items.pop(sender_id, None)


# --------------------------------------------------------------------------- the store


class CoachTrackerStore(TrackerStore):
    """Rasa's tracker store for the coach (see the module docstring).

    The coroutines below make blocking SQLAlchemy calls, as Rasa's own ``SQLTrackerStore`` does;
    each is one short transaction on a local database. Concurrent messages of one conversation
    are serialised by Rasa's lock store, which this design relies on like Rasa's stores do.
    """

    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 url: Optional[Text] = None, **kwargs: Any) -> None:
        for unused in IGNORED_ENDPOINT_KEYS:
            kwargs.pop(unused, None)
        super().__init__(domain, event_broker, **kwargs)
        from bot.rasa_ext import runtime

        runtime.install()  # the coach's adapters to Rasa itself (bot/rasa_ext/runtime.py)
        # Migrates the schema first, so the Rasa server can start on an empty database.
        self._store = CoachStore(url or database_url())
        self._room = self._store.conversations
        self._positions = _Positions(REMEMBERED_CONVERSATIONS)
        log.info("event=tracker_store_ready dialect=%s", self._store.engine.dialect.name)

    def close(self) -> None:
        self._store.close()

    # ------------------------------------------------------------------ Rasa's interface

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's events that are not stored yet, in one transaction, without reading first.

        Rasa retrieves a tracker before it saves it, so this process knows where the conversation
        stood (:class:`_Loaded`). If it does not, one query for the stored position stands in, and
        the tracker is taken to hold the current session as :meth:`retrieve` returns it (the
        assumption ``SQLTrackerStore`` makes too).
        """
        sender_id = tracker.sender_id
        key = user_key(sender_id)
        events = list(tracker.events)
        # Where the tracker stood when loaded: on the tracker itself (a long session's window starts
        # after a checkpoint, so only this tells how much of it is stored), else this process's memory.
        loaded = getattr(tracker, LOADED_ATTRIBUTE, None)
        if not isinstance(loaded, _Loaded) or not loaded.fits(events):
            loaded = self._positions.get(sender_id)
        if loaded is None or not loaded.fits(events):
            position = self._room.position(key)
            loaded = _Loaded(position.session_length, position.next_seq, None)
        new = events[loaded.count:]
        if any(_erases(event) for event in new):
            # The person's data was just erased (by the action server): keep nothing of this turn,
            # and remove anything of the conversation written since.
            self._positions.forget(sender_id)
            removed = self._room.delete_conversation(key)
            log.info("event=conversation_erased_after_turn events=%d", removed)
            return
        records = [_record(loaded.next_seq + offset, event) for offset, event in enumerate(new)]
        next_seq = loaded.next_seq + len(new)
        checkpoint = keep_after = None
        if records and next_seq // CHECKPOINT_EVERY != loaded.next_seq // CHECKPOINT_EVERY:
            checkpoint = Checkpoint(next_seq - 1, records[-1].timestamp, _encode_checkpoint(tracker))
            keep_after = next_seq - 1 - KEEP_CHECKPOINT_EVENTS
        self._room.append(key, records, checkpoint, keep_after)
        self._remember(sender_id, tracker, _Loaded(len(events), next_seq, _mark(events[-1]) if events else loaded.last))
        self._publish(sender_id, records)
        log.debug("event=tracker_saved new_events=%d", len(records))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the conversation's current session (from its last ``action_session_start``),
        or of its last :data:`WINDOW_EVENTS` events or so when the session is long (module docstring).

        One transaction. Remembers where the conversation stands, for the :meth:`save` that follows.
        """
        checkpoint, records = self._room.recent_session(user_key(sender_id), WINDOW_EVENTS)
        prefix = _prefix(checkpoint) if checkpoint is not None else []
        tracker = self._tracker(sender_id, records, prefix)
        if tracker is None:
            self._positions.put(sender_id, _Loaded(0, 0, None))
        else:
            self._remember(sender_id, tracker, _Loaded(len(tracker.events), records[-1].seq + 1,
                                                       _mark(tracker.events[-1])))
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker with the events of every session of the conversation.

        A read-only view: it does not change what :meth:`save` assumes (Rasa saves the trackers
        that :meth:`retrieve` returns).
        """
        return self._tracker(conversation_id, self._room.all_events(user_key(conversation_id)))

    async def keys(self) -> Iterable[Text]:
        """The conversation KEYS (HMACs of sender ids), not sender ids: no table holds those.

        So ``retrieve(key)`` does not find a conversation; tools that list and then fetch
        conversations (``rasa export``, markers) cannot work from this list.
        """
        return self._room.keys()

    # ------------------------------------------------------------------ the coach's own

    async def erase(self, sender_id: Text) -> int:
        """Remove every event of the sender's conversation; returns how many were removed."""
        self._positions.forget(sender_id)
        removed = self._room.delete_conversation(user_key(sender_id))
        log.info("event=conversation_erased events=%d", removed)
        return removed

    # ------------------------------------------------------------------ helpers

    def _remember(self, sender_id: Text, tracker: DialogueStateTracker, loaded: _Loaded) -> None:
        setattr(tracker, LOADED_ATTRIBUTE, loaded)
        self._positions.put(sender_id, loaded)

    def _tracker(self, sender_id: Text, records: List[EventRecord],
                 prefix: Sequence[Dict[str, Any]] = ()) -> Optional[DialogueStateTracker]:
        if not records:
            return None
        return DialogueStateTracker.from_dict(sender_id, [*prefix, *(decode_event(r.data) for r in records)],
                                              self.domain.slots)

    def _publish(self, sender_id: Text, records: List[EventRecord]) -> None:
        """Hand the new events to the event broker, if one is configured, as they were stored.

        Rasa's ``stream_events`` would retrieve the tracker again to find them; the store already
        knows them, and the broker gets the redacted form, like the table.
        """
        if self.event_broker is None:
            return
        for record in records:
            self.event_broker.publish({"sender_id": sender_id, **decode_event(record.data)})
