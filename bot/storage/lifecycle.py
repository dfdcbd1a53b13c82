"""A person's data as a whole: what there is, a copy of all of it, erasing it; retention; re-encryption.

The rooms each own one aggregate; these operations cross all of them, so they live here, and
they share one list of what "everything about a person" is (:data:`PERSON_TABLES`), so the
inventory shown before an erasure, the export and the erasure itself always cover the same rows.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy import Table, delete, func, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.crypto import EncryptedText
from bot.storage.assessments import Assessment, Rating
from bot.storage.codec import decode_event
from bot.storage.conversations import ConversationCheckpoint, ConversationEvent
from bot.storage.engine import Base, utcnow
from bot.storage.exports import ExportFile
from bot.storage.people import Consent, Person
from bot.storage.reflections import Reflection

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 365
# The conversation itself is kept for less time: it is how the coach follows a chat, not a record
# the person asked to keep (it is kept whether or not they agreed to storage).
DEFAULT_CONVERSATION_DAYS = 30


def _days(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        days = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of days, not {raw!r}") from None
    if not days > 0:
        raise ValueError(f"{name} must be more than 0")
    return days


def configured_retention_days() -> float:
    """``COACH_RETENTION_DAYS`` (365 when unset); ValueError, saying why, when it is not a positive number."""
    return _days("COACH_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def configured_conversation_days() -> float:
    """``COACH_CONVERSATION_DAYS`` (30 when unset), never longer than the retention period."""
    return min(_days("COACH_CONVERSATION_DAYS", DEFAULT_CONVERSATION_DAYS), configured_retention_days())


# Everything the coach keeps about a person, in the order an export lists it.
PERSON_TABLES = ("people", "consents", "assessments", "ratings", "reflections", "conversation_events", "exports")


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="seconds") + "Z" if value else None


@dataclass(frozen=True)
class _Selection:
    """The person's rows, table by table, as SQL conditions (one place, used by every operation)."""

    person_id: Optional[int]
    key: str

    def conditions(self) -> Dict[str, Any]:
        pid = self.person_id if self.person_id is not None else -1
        return {
            "people": (Person, Person.id == pid),
            "consents": (Consent, Consent.person_id == pid),
            "assessments": (Assessment, Assessment.person_id == pid),
            "ratings": (Rating, Rating.assessment_id.in_(select(Assessment.id).where(Assessment.person_id == pid))),
            "reflections": (Reflection, Reflection.person_id == pid),
            "conversation_events": (ConversationEvent, ConversationEvent.conversation_key == self.key),
            "exports": (ExportFile, ExportFile.user_key == self.key),
        }


def _encrypted_columns() -> List[Tuple[str, Table, Tuple[str, ...]]]:
    """Every table with encrypted columns, named as in :data:`PERSON_TABLES`, read off the column
    types, so a new :class:`~bot.crypto.EncryptedText` column is re-encrypted without a list to update."""
    found = []
    for table in Base.metadata.sorted_tables:
        fields = tuple(c.name for c in table.columns if isinstance(c.type, EncryptedText))
        if fields:
            found.append((table.name.removeprefix("coach_"), table, fields))
    return found


class DataLifecycle:
    """Cross-room operations on one database (see the module docstring)."""

    def __init__(self, sessions: sessionmaker, engine: Engine) -> None:
        self._sessions = sessions
        self._engine = engine

    def _session(self) -> Session:
        return self._sessions()

    def _selection(self, s: Session, user_key: str) -> _Selection:
        pid = s.execute(select(Person.id).where(Person.user_key == user_key)).scalar_one_or_none()
        return _Selection(pid, user_key)

    # ------------------------------------------------------------------ one person

    def inventory(self, user_key: str) -> Dict[str, int]:
        """How many rows of each kind the coach holds about the person."""
        with self._session() as s:
            sel = self._selection(s, user_key)
            return {name: int(s.execute(select(func.count()).select_from(model).where(cond)).scalar() or 0)
                    for name, (model, cond) in sel.conditions().items()}

    def gather(self, user_key: str) -> Dict[str, Any]:
        """Everything about the person, decrypted, as plain data (an export's content).

        ``rows`` counts the same rows :meth:`inventory` counts and :meth:`erase` removes (the
        export being made is not among them yet).
        """
        with self._session() as s:
            sel = self._selection(s, user_key)
            cond = sel.conditions()
            person = s.execute(select(Person).where(cond["people"][1])).scalar_one_or_none()
            consents = s.execute(select(Consent).where(cond["consents"][1]).order_by(Consent.id)).scalars().all()
            assessments = s.execute(select(Assessment).where(cond["assessments"][1])
                                    .order_by(Assessment.id)).scalars().all()
            ratings = s.execute(select(Rating).where(cond["ratings"][1]).order_by(Rating.id)).scalars().all()
            reflections = s.execute(select(Reflection).where(cond["reflections"][1])
                                    .order_by(Reflection.id)).scalars().all()
            events = s.execute(select(ConversationEvent).where(cond["conversation_events"][1])
                               .order_by(ConversationEvent.seq)).scalars().all()
            exports = int(s.execute(select(func.count()).select_from(ExportFile)
                                    .where(cond["exports"][1])).scalar() or 0)
            by_assessment: Dict[int, List[Rating]] = {}
            for r in ratings:
                by_assessment.setdefault(r.assessment_id, []).append(r)
            return {
                "rows": {"people": 1 if person else 0, "consents": len(consents), "assessments": len(assessments),
                         "ratings": len(ratings), "reflections": len(reflections),
                         "conversation_events": len(events), "exports": exports},
                "person": None if person is None else {
                    "career_stage": person.career_stage, "first_seen": _iso(person.created_at)},
                "consents": [{"given": c.given, "version": c.version, "at": _iso(c.created_at)} for c in consents],
                "assessments": [{
                    "status": a.status, "started": _iso(a.started_at), "completed": _iso(a.completed_at),
                    "ratings": [{"dimension": r.dimension_id, "level": r.level, "skipped": r.skipped,
                                 "note": r.note, "at": _iso(r.created_at)} for r in by_assessment.get(a.id, [])],
                } for a in assessments],
                "reflections": [{
                    "dimension": r.dimension_id, "prompt": r.prompt_text, "answer": r.answer,
                    "situation": r.situation, "at": _iso(r.created_at)} for r in reflections],
                "conversation": [decode_event(e.data) for e in events],
            }

    def erase(self, user_key: str) -> Dict[str, int]:
        """Remove every row about the person, in one transaction; returns what was removed, by table."""
        with self._session() as s, s.begin():
            sel = self._selection(s, user_key)
            removed: Dict[str, int] = {}
            # Children first, so the counts are right whatever the database does about cascades.
            for name in ("ratings", "assessments", "consents", "reflections", "conversation_events", "exports",
                         "people"):
                model, cond = sel.conditions()[name]
                removed[name] = int(s.execute(delete(model).where(cond).execution_options(
                    synchronize_session=False)).rowcount or 0)
            # The conversation's checkpoints are made from its events: they go with them.
            s.execute(delete(ConversationCheckpoint).where(ConversationCheckpoint.conversation_key == user_key)
                      .execution_options(synchronize_session=False))
        self.scrub()
        log.info("event=person_erased rows=%d", sum(removed.values()))
        return {name: removed[name] for name in PERSON_TABLES}

    def scrub(self) -> None:
        """Make deleted rows unrecoverable from the database file where the database allows it.

        SQLite runs with ``secure_delete`` (deleted content is overwritten); checkpointing the
        write-ahead log removes the old pages it still holds. PostgreSQL keeps dead rows until
        VACUUM (autovacuum, or a scheduled VACUUM: see SECURITY.md).
        """
        if self._engine.dialect.name != "sqlite":
            return
        try:
            with self._engine.connect() as conn:
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        except Exception as exc:  # a busy reader: the next checkpoint will do it
            log.warning("event=wal_checkpoint_skipped reason=%s", type(exc).__name__)

    # ------------------------------------------------------------------ everyone

    def purge(self, days: float, dry_run: bool = False, now: Optional[datetime] = None,
              conversation_days: Optional[float] = None) -> Dict[str, int]:
        """Remove what is older than ``days`` (conversation events: ``conversation_days``, by default
        the same) and expired exports; returns the counts, by table. With ``dry_run`` nothing goes.

        Ratings go with their assessment. A person's latest consent stays while anything of theirs
        stays (it is the record that they agreed); once nothing is left and the person's row is
        itself older than the cut-off, the row and its consents go too.
        """
        now = now or utcnow()
        cutoff = now - timedelta(days=days)
        talk_cutoff = now - timedelta(days=conversation_days if conversation_days is not None else days)
        talk_ts = (talk_cutoff - datetime(1970, 1, 1)).total_seconds()
        old_assessments = select(Assessment.id).where(
            func.coalesce(Assessment.completed_at, Assessment.started_at) < cutoff)
        latest_consents = select(func.max(Consent.id)).group_by(Consent.person_id)
        # People who will have nothing left: no assessment or reflection newer than the cut-off,
        # no consent newer than it, and their own row older than it.
        gone_people = select(Person.id).where(
            Person.created_at < cutoff,
            ~Person.id.in_(select(Assessment.person_id).where(~Assessment.id.in_(old_assessments))),
            ~Person.id.in_(select(Reflection.person_id).where(Reflection.created_at >= cutoff)),
            ~Person.id.in_(select(Consent.person_id).where(Consent.created_at >= cutoff)))
        plan: List[tuple] = [
            ("ratings", Rating, Rating.assessment_id.in_(old_assessments)),
            ("assessments", Assessment, Assessment.id.in_(old_assessments)),
            ("reflections", Reflection, Reflection.created_at < cutoff),
            ("consents", Consent, (Consent.created_at < cutoff)
             & (~Consent.id.in_(latest_consents) | Consent.person_id.in_(gone_people))),
            ("conversation_events", ConversationEvent, ConversationEvent.timestamp < talk_ts),
            ("conversation_checkpoints", ConversationCheckpoint, ConversationCheckpoint.timestamp < talk_ts),
            ("exports", ExportFile, ExportFile.expires_at <= now),
        ]
        counts: Dict[str, int] = {}
        with self._session() as s, s.begin():
            # Which people go is decided before anything is deleted (the same set either way).
            people = [row[0] for row in s.execute(gone_people).all()]
            for name, model, cond in plan:
                if dry_run:
                    counts[name] = int(s.execute(select(func.count()).select_from(model).where(cond)).scalar() or 0)
                else:
                    counts[name] = int(s.execute(delete(model).where(cond).execution_options(
                        synchronize_session=False)).rowcount or 0)
            counts["people"] = len(people)
            if people and not dry_run:
                s.execute(delete(Person).where(Person.id.in_(people)).execution_options(synchronize_session=False))
        if not dry_run:
            self.scrub()
            log.info("event=purged rows=%d days=%s", sum(counts.values()), days)
        return {name: counts.get(name, 0) for name in PERSON_TABLES}

    def reencrypt_all(self, progress: Optional[Callable[[str, int], None]] = None,
                      batch: int = 500) -> Dict[str, int]:
        """Re-encrypt every encrypted column with the newest key (plain values get encrypted).

        In batches of ``batch`` rows, one transaction each, so a long run can be stopped and run
        again (every row is readable throughout: old keys stay on the ring until retired).
        """
        counts: Dict[str, int] = {}
        for name, table, fields in _encrypted_columns():
            done = 0
            last_id = 0
            while True:
                with self._engine.begin() as conn:
                    # Read through the column type (decrypted with whichever key on the ring opens
                    # it; a value stored before encryption reads as it is) and write back through
                    # it: encrypted with the newest key.
                    rows = conn.execute(select(table.c.id, *[table.c[f] for f in fields])
                                        .where(table.c.id > last_id).order_by(table.c.id).limit(batch)).all()
                    if not rows:
                        break
                    for row in rows:
                        conn.execute(update(table).where(table.c.id == row[0])
                                     .values(**{f: row[i + 1] for i, f in enumerate(fields)}))
                    last_id = rows[-1][0]
                    done += len(rows)
                if progress:
                    progress(name, done)
            counts[name] = done
        return counts
