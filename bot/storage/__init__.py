"""The one door to the database.

Everything the coach keeps goes through :class:`CoachStore`, which owns the
engine (``COACH_DATABASE_URL``; a SQLite file under ``var/`` by default,
PostgreSQL in production), the Alembic migrations and one *room* per
aggregate:

    store.people        consent and career stage        (people.py)
    store.assessments   self-assessments and ratings    (assessments.py)
    store.reflections   answers to reflective prompts   (reflections.py)
    store.conversations Rasa's conversation events      (conversations.py)
    store.exports       export files until they expire  (exports.py)

and the operations that cross them all: a person's inventory, export and
erasure, retention and re-encryption (``store.lifecycle``, lifecycle.py).
Free text is encrypted by its column type (:class:`bot.crypto.EncryptedText`).

A new flow adds a room (a module with its tables, its frozen records and a
:class:`~bot.storage.room.Room` subclass) and a migration; it does not add
methods to the store. Every room method takes the person's ``user_key`` (see
:mod:`bot.identity`), is one transaction, touches only that person's rows and
returns frozen records, never live ORM objects.

Rasa's conversation events are kept by the tracker store in
``bot/rasa_ext/tracker_store.py``, on the same database.
"""

from __future__ import annotations

import logging
import threading
from typing import Optional

from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.storage.assessments import NOTE_MAX_CHARS, AssessmentRecord, AssessmentRoom, RatingRecord
from bot.storage.conversations import ConversationRoom
from bot.storage.engine import (DEFAULT_DATABASE_URL, Base, StorageError, database_url, make_engine, migrate,
                                utcnow)
from bot.storage.exports import ExportRoom
from bot.storage.lifecycle import PERSON_TABLES, DataLifecycle
from bot.storage.people import CONSENT_VERSION, PeopleRoom
from bot.storage.reflections import ANSWER_MAX_CHARS, SITUATION_MAX_CHARS, ReflectionRecord, ReflectionRoom

__all__ = [
    "ANSWER_MAX_CHARS", "AssessmentRecord", "Base", "CONSENT_VERSION", "CoachStore", "DEFAULT_DATABASE_URL",
    "NOTE_MAX_CHARS", "PERSON_TABLES", "RatingRecord", "ReflectionRecord", "SITUATION_MAX_CHARS", "StorageError", "database_url", "get_store",
    "make_engine", "migrate", "reset_store", "utcnow",
]

log = logging.getLogger(__name__)


class CoachStore:
    """The engine, the session factory and the rooms, for one database."""

    def __init__(self, url: Optional[str] = None, *, run_migrations: bool = True) -> None:
        self.url = url or database_url()
        if run_migrations:
            migrate(self.url)
        self.engine = make_engine(self.url)
        sessions = sessionmaker(bind=self.engine, expire_on_commit=False, future=True)
        self.people = PeopleRoom(sessions)
        self.assessments = AssessmentRoom(sessions)
        self.reflections = ReflectionRoom(sessions)
        self.conversations = ConversationRoom(sessions)
        self.exports = ExportRoom(sessions)
        self.lifecycle = DataLifecycle(sessions, self.engine)

    def close(self) -> None:
        self.engine.dispose()


_store: Optional[CoachStore] = None
_store_lock = threading.Lock()


def get_store() -> CoachStore:
    """The process-wide store for ``COACH_DATABASE_URL``, migrated on first use."""
    global _store
    with _store_lock:
        if _store is None or _store.url != database_url():
            _store = CoachStore(database_url())
            log.info("event=store_ready dialect=%s", make_url(_store.url).get_backend_name())
        return _store


def reset_store() -> None:
    """Forget the process-wide store (tests that switch databases use this)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.close()
        _store = None
