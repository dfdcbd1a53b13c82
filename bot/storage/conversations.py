"""Conversations: the events of each conversation with the coach, in the order they happened.

Rasa's tracker store (:class:`bot.rasa_ext.tracker_store.CoachTrackerStore`) is the only
writer. A conversation is keyed by the same HMAC user key as every other room (see
:mod:`bot.identity`), never by the channel's raw sender id. This room knows nothing about
Rasa beyond one name, the action that opens a session; what an event *is* (and its
redaction, later its encryption) belongs to the tracker store's codec, so ``data`` here is
an opaque string.

Each event has a position, ``seq``, in the whole conversation (0, 1, 2, ...). ``(conversation_key,
seq)`` is unique and writes skip positions already taken, so a save that is retried after an
uncertain failure can never store an event twice.

A long conversation also has **checkpoints** (``coach_conversation_checkpoints``): where it stood
after the event at ``seq``, in whatever form the tracker store wrote (opaque here, like ``data``).
:meth:`ConversationRoom.recent_session` reads the newest checkpoint far enough back and only the
events after it, so reading a conversation costs the same however long it has run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from sqlalchemy import Column, Float, Integer, String, Text, UniqueConstraint, case, delete, func, insert, select
from sqlalchemy.orm import Session

from bot.crypto import EncryptedText
from bot.storage.engine import Base
from bot.storage.room import Room

# Rasa runs this action at the start of every session; a session's events begin with it
# (rasa.shared.core.trackers.get_trackers_for_conversation_sessions splits there too).
SESSION_START_ACTION = "action_session_start"


class ConversationEvent(Base):
    __tablename__ = "coach_conversation_events"
    # The unique constraint's index leads with conversation_key, so it also serves every
    # lookup by conversation; a second index on that column alone would only slow writes.
    __table_args__ = (UniqueConstraint("conversation_key", "seq", name="uq_conversation_event_seq"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_key = Column(String(64), nullable=False)
    seq = Column(Integer, nullable=False)
    type_name = Column(String(255), nullable=False)
    timestamp = Column(Float, nullable=True)
    action_name = Column(String(255), nullable=True)
    intent_name = Column(String(255), nullable=True)
    data = Column(EncryptedText, nullable=False)


class ConversationCheckpoint(Base):
    """Where a conversation stood after its event ``seq`` (written by the tracker store; see 0005)."""

    __tablename__ = "coach_conversation_checkpoints"
    __table_args__ = (UniqueConstraint("conversation_key", "seq", name="uq_conversation_checkpoint_seq"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_key = Column(String(64), nullable=False)
    seq = Column(Integer, nullable=False)
    timestamp = Column(Float, nullable=True)
    data = Column(EncryptedText, nullable=False)


@dataclass(frozen=True)
class Checkpoint:
    """A conversation after its event ``seq``; ``data`` is whatever the tracker store made of it."""

    seq: int
    timestamp: Optional[float]
    data: str


@dataclass(frozen=True)
class EventRecord:
    """One stored event. ``data`` is whatever the tracker store's codec made of it."""

    seq: int
    type_name: str
    timestamp: Optional[float]
    action_name: Optional[str]
    intent_name: Optional[str]
    data: str


@dataclass(frozen=True)
class Position:
    """Where a conversation stands: its last ``seq`` and the ``seq`` its current session starts at."""

    last_seq: Optional[int]  # None: nothing stored yet
    session_start_seq: Optional[int]  # None: no session start stored (the session is everything)

    @property
    def next_seq(self) -> int:
        return 0 if self.last_seq is None else self.last_seq + 1

    @property
    def session_length(self) -> int:
        """How many events ``current_session`` would return."""
        return self.next_seq - (self.session_start_seq or 0)


def _record(r: ConversationEvent) -> EventRecord:
    return EventRecord(r.seq, r.type_name, r.timestamp, r.action_name, r.intent_name, r.data)


def _is_session_start():
    return (ConversationEvent.type_name == "action") & (ConversationEvent.action_name == SESSION_START_ACTION)


def _insert_skipping_taken(session: Session, rows: List[dict], model=ConversationEvent) -> None:
    """INSERT the rows; a row whose (conversation_key, seq) is taken is left out, not an error."""
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert  # SQLite >= 3.24
        stmt = dialect_insert(model).on_conflict_do_nothing(index_elements=["conversation_key", "seq"])
        session.execute(stmt, rows)
        return
    # Any other database: look before writing (one read, same transaction).
    key = rows[0]["conversation_key"]
    taken = set(session.execute(
        select(model.seq).where(model.conversation_key == key, model.seq.in_([r["seq"] for r in rows]))
    ).scalars())
    fresh = [r for r in rows if r["seq"] not in taken]
    if fresh:
        session.execute(insert(model), fresh)


class ConversationRoom(Room):
    """The events of each conversation, keyed by the conversation key (the user key of its sender)."""

    def current_session(self, conversation_key: str) -> List[EventRecord]:
        """The events from the last ``action_session_start`` on (all of them if there is none), in order.

        One query: the session's first ``seq`` is a scalar subquery.
        """
        start = (
            select(func.max(ConversationEvent.seq))
            .where(ConversationEvent.conversation_key == conversation_key, _is_session_start())
            .scalar_subquery()
        )
        with self._tx() as s:
            rows = s.execute(
                select(ConversationEvent)
                .where(ConversationEvent.conversation_key == conversation_key,
                       ConversationEvent.seq >= func.coalesce(start, 0))
                .order_by(ConversationEvent.seq)
            ).scalars()
            return [_record(r) for r in rows]

    def recent_session(self, conversation_key: str, window: int) -> Tuple[Optional[Checkpoint], List[EventRecord]]:
        """The current session's newest checkpoint at least ``window`` events before its end, and the
        events after it; with no such checkpoint, ``(None, <the current session's events>)``.

        One query (the checkpoint's position is a subquery), and a second one for the checkpoint
        itself when there is one.
        """
        key_is = ConversationEvent.conversation_key == conversation_key
        start = func.coalesce(select(func.max(ConversationEvent.seq)).where(key_is, _is_session_start())
                              .scalar_subquery(), 0)
        last = select(func.max(ConversationEvent.seq)).where(key_is).scalar_subquery()
        checkpoint_seq = (select(func.max(ConversationCheckpoint.seq))
                          .where(ConversationCheckpoint.conversation_key == conversation_key,
                                 ConversationCheckpoint.seq >= start, ConversationCheckpoint.seq <= last - window)
                          .scalar_subquery())
        with self._tx() as s:
            records = [_record(r) for r in s.execute(
                select(ConversationEvent).where(key_is, ConversationEvent.seq >= func.coalesce(checkpoint_seq + 1, start))
                .order_by(ConversationEvent.seq)).scalars()]
            # A session begins with its start action, or at 0 when none is stored: anything else
            # begins right after a checkpoint.
            first = records[0] if records else None
            if first is None or first.seq == 0 or (first.type_name == "action"
                                                   and first.action_name == SESSION_START_ACTION):
                return None, records
            row = s.execute(select(ConversationCheckpoint).where(
                ConversationCheckpoint.conversation_key == conversation_key,
                ConversationCheckpoint.seq == first.seq - 1)).scalar_one_or_none()
            if row is None:  # removed in between (a purge): the whole session, then
                return None, [_record(r) for r in s.execute(
                    select(ConversationEvent).where(key_is, ConversationEvent.seq >= start)
                    .order_by(ConversationEvent.seq)).scalars()]
            return Checkpoint(row.seq, row.timestamp, row.data), records

    def all_events(self, conversation_key: str) -> List[EventRecord]:
        """Every event of the conversation, across sessions, in order."""
        with self._tx() as s:
            rows = s.execute(
                select(ConversationEvent)
                .where(ConversationEvent.conversation_key == conversation_key)
                .order_by(ConversationEvent.seq)
            ).scalars()
            return [_record(r) for r in rows]

    def position(self, conversation_key: str) -> Position:
        """The conversation's last ``seq`` and the start of its current session, in one query."""
        with self._tx() as s:
            last, start = s.execute(
                select(func.max(ConversationEvent.seq),
                       func.max(case((_is_session_start(), ConversationEvent.seq), else_=None)))
                .where(ConversationEvent.conversation_key == conversation_key)
            ).one()
            return Position(last, start)

    def append(self, conversation_key: str, events: Sequence[EventRecord], checkpoint: Optional[Checkpoint] = None,
               keep_checkpoints_after: Optional[int] = None) -> None:
        """Store the events at their ``seq``, in one transaction, skipping any ``seq`` already stored.

        Does not read the table first (on SQLite and PostgreSQL): the caller numbers the events.
        With ``checkpoint``, it is stored in the same transaction (unless one is stored at its
        ``seq`` already), and the conversation's checkpoints before ``keep_checkpoints_after`` go.
        """
        if not events:
            return
        rows = [
            {"conversation_key": conversation_key, "seq": e.seq, "type_name": e.type_name,
             "timestamp": e.timestamp, "action_name": e.action_name, "intent_name": e.intent_name,
             "data": e.data}
            for e in events
        ]
        with self._tx() as s:
            _insert_skipping_taken(s, rows)
            if checkpoint is not None:
                _insert_skipping_taken(s, [{"conversation_key": conversation_key, "seq": checkpoint.seq,
                                            "timestamp": checkpoint.timestamp, "data": checkpoint.data}],
                                       ConversationCheckpoint)
                if keep_checkpoints_after is not None:
                    s.execute(delete(ConversationCheckpoint).where(
                        ConversationCheckpoint.conversation_key == conversation_key,
                        ConversationCheckpoint.seq < keep_checkpoints_after))

    def keys(self) -> List[str]:
        """The conversation keys (HMACs of sender ids, not the sender ids themselves)."""
        with self._tx() as s:
            return list(s.execute(
                select(ConversationEvent.conversation_key).distinct().order_by(ConversationEvent.conversation_key)
            ).scalars())

    def delete_conversation(self, conversation_key: str) -> int:
        """Remove every event (and checkpoint) of the conversation; returns how many events there were."""
        with self._tx() as s:
            s.execute(delete(ConversationCheckpoint).where(ConversationCheckpoint.conversation_key == conversation_key))
            result = s.execute(delete(ConversationEvent).where(ConversationEvent.conversation_key == conversation_key))
            return int(result.rowcount or 0)

