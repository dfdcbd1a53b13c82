"""The one door to the database.

Owns the SQLAlchemy models, the engine (``COACH_DATABASE_URL``; a SQLite file
under ``var/`` by default, PostgreSQL in production) and the Alembic
migrations. Every public method takes the person's ``user_key`` (see
:mod:`bot.identity`) and only ever reads or writes that person's rows.

Methods return plain frozen dataclasses, never live ORM objects, so callers
cannot write to the database behind this module's back.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'coach.db'}"
CONSENT_VERSION = "2026-11"
NOTE_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 4000

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# --------------------------------------------------------------------------- models


class Person(Base):
    __tablename__ = "coach_people"

    id = Column(Integer, primary_key=True)
    user_key = Column(String(64), nullable=False, unique=True, index=True)
    career_stage = Column(String(32), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    consents = relationship("Consent", back_populates="person", cascade="all, delete-orphan")
    assessments = relationship("Assessment", back_populates="person", cascade="all, delete-orphan")
    reflections = relationship("Reflection", back_populates="person", cascade="all, delete-orphan")


class Consent(Base):
    """Each answer a person gave to "may I keep this?", newest last."""

    __tablename__ = "coach_consents"

    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False, index=True)
    given = Column(Boolean, nullable=False)
    version = Column(String(32), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    person = relationship("Person", back_populates="consents")


class Assessment(Base):
    __tablename__ = "coach_assessments"

    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="in_progress")  # in_progress | completed
    started_at = Column(DateTime, nullable=False, default=utcnow)
    completed_at = Column(DateTime, nullable=True)

    person = relationship("Person", back_populates="assessments")
    ratings = relationship("Rating", back_populates="assessment", cascade="all, delete-orphan")


class Rating(Base):
    __tablename__ = "coach_ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "dimension_id", name="uq_rating_dimension"),)

    id = Column(Integer, primary_key=True)
    assessment_id = Column(Integer, ForeignKey("coach_assessments.id", ondelete="CASCADE"), nullable=False, index=True)
    dimension_id = Column(String(64), nullable=False)
    level = Column(String(16), nullable=True)  # essential..exemplary, not_sure; None when skipped
    skipped = Column(Boolean, nullable=False, default=False)
    note = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    assessment = relationship("Assessment", back_populates="ratings")


class Reflection(Base):
    __tablename__ = "coach_reflections"

    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False, index=True)
    dimension_id = Column(String(64), nullable=True)
    prompt_id = Column(String(64), nullable=False)
    prompt_text = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    person = relationship("Person", back_populates="reflections")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RatingRecord:
    dimension_id: str
    level: Optional[str]
    skipped: bool
    note: Optional[str]


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    status: str
    started_at: datetime
    completed_at: Optional[datetime]
    ratings: Tuple[RatingRecord, ...]

    def rating(self, dimension_id: str) -> Optional[RatingRecord]:
        for r in self.ratings:
            if r.dimension_id == dimension_id:
                return r
        return None

    @property
    def levels(self) -> Dict[str, Optional[str]]:
        return {r.dimension_id: r.level for r in self.ratings if not r.skipped}

    @property
    def answered(self) -> Tuple[str, ...]:
        """Dimensions rated or skipped, in the order they were answered."""
        return tuple(r.dimension_id for r in self.ratings)


@dataclass(frozen=True)
class ReflectionRecord:
    id: int
    dimension_id: Optional[str]
    prompt_id: str
    prompt_text: str
    answer: str
    created_at: datetime


# --------------------------------------------------------------------------- engine


def database_url() -> str:
    return os.environ.get("COACH_DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, future=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def migrate(url: str) -> None:
    """Bring the schema at ``url`` up to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


class StorageError(RuntimeError):
    """The database could not be reached or refused a write."""


class CoachStore:
    """All reads and writes of the coach's own tables."""

    def __init__(self, url: Optional[str] = None, *, run_migrations: bool = True) -> None:
        self.url = url or database_url()
        if run_migrations:
            migrate(self.url)
        self.engine = make_engine(self.url)
        self._session = sessionmaker(bind=self.engine, expire_on_commit=False, future=True)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator:
        session = self._session()
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()

    # ------------------------------------------------------------- people

    @staticmethod
    def _person(session, user_key: str, create: bool = True) -> Optional[Person]:
        person = session.execute(select(Person).where(Person.user_key == user_key)).scalar_one_or_none()
        if person is None and create:
            person = Person(user_key=user_key)
            session.add(person)
            session.flush()
        return person

    def has_consent(self, user_key: str) -> bool:
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            if person is None:
                return False
            latest = s.execute(
                select(Consent).where(Consent.person_id == person.id).order_by(Consent.id.desc()).limit(1)
            ).scalar_one_or_none()
            return bool(latest and latest.given and latest.version == CONSENT_VERSION)

    def record_consent(self, user_key: str, given: bool) -> None:
        with self._tx() as s:
            person = self._person(s, user_key)
            s.add(Consent(person_id=person.id, given=given, version=CONSENT_VERSION))

    def career_stage(self, user_key: str) -> Optional[str]:
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            return person.career_stage if person else None

    def set_career_stage(self, user_key: str, stage: str) -> None:
        with self._tx() as s:
            self._person(s, user_key).career_stage = stage

    # ------------------------------------------------------------- assessments

    @staticmethod
    def _record(a: Assessment) -> AssessmentRecord:
        ratings = sorted(a.ratings, key=lambda r: (r.created_at, r.id))
        return AssessmentRecord(
            id=a.id,
            status=a.status,
            started_at=a.started_at,
            completed_at=a.completed_at,
            ratings=tuple(RatingRecord(r.dimension_id, r.level, r.skipped, r.note) for r in ratings),
        )

    @staticmethod
    def _open(session, person: Person) -> Optional[Assessment]:
        return session.execute(
            select(Assessment)
            .where(Assessment.person_id == person.id, Assessment.status == "in_progress")
            .order_by(Assessment.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def open_assessment(self, user_key: str) -> Optional[AssessmentRecord]:
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            if person is None:
                return None
            a = self._open(s, person)
            return self._record(a) if a else None

    def start_assessment(self, user_key: str) -> AssessmentRecord:
        """The person's assessment in progress, or a new one."""
        with self._tx() as s:
            person = self._person(s, user_key)
            a = self._open(s, person)
            if a is None:
                a = Assessment(person_id=person.id)
                s.add(a)
                s.flush()
            return self._record(a)

    def save_rating(self, user_key: str, dimension_id: str, level: Optional[str], skipped: bool = False) -> AssessmentRecord:
        """Record (or replace) the rating for one dimension in the open assessment."""
        with self._tx() as s:
            person = self._person(s, user_key)
            a = self._open(s, person)
            if a is None:
                a = Assessment(person_id=person.id)
                s.add(a)
                s.flush()
            existing = next((r for r in a.ratings if r.dimension_id == dimension_id), None)
            if existing is None:
                a.ratings.append(Rating(dimension_id=dimension_id, level=None if skipped else level, skipped=skipped))
            else:
                existing.level, existing.skipped = (None if skipped else level), skipped
            s.flush()
            return self._record(a)

    def save_note(self, user_key: str, dimension_id: str, note: str) -> bool:
        """Attach a note to a rating in the open assessment. False if there is no such rating."""
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            a = self._open(s, person) if person else None
            rating = next((r for r in a.ratings if r.dimension_id == dimension_id), None) if a else None
            if rating is None:
                return False
            rating.note = note[:NOTE_MAX_CHARS]
            return True

    def complete_assessment(self, user_key: str) -> Optional[AssessmentRecord]:
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            a = self._open(s, person) if person else None
            if a is None:
                return None
            a.status, a.completed_at = "completed", utcnow()
            s.flush()
            return self._record(a)

    def restart_assessment(self, user_key: str) -> AssessmentRecord:
        """Drop the unfinished assessment's answers and start again (completed ones stay)."""
        with self._tx() as s:
            person = self._person(s, user_key)
            a = self._open(s, person)
            if a is not None:
                s.delete(a)
                s.flush()
            a = Assessment(person_id=person.id)
            s.add(a)
            s.flush()
            return self._record(a)

    def completed_assessments(self, user_key: str, limit: int = 10) -> List[AssessmentRecord]:
        """Completed assessments, newest first."""
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            if person is None:
                return []
            rows = s.execute(
                select(Assessment)
                .where(Assessment.person_id == person.id, Assessment.status == "completed")
                .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
                .limit(limit)
            ).scalars()
            return [self._record(a) for a in rows]

    # ------------------------------------------------------------- reflections

    def add_reflection(
        self, user_key: str, prompt_id: str, prompt_text: str, answer: str, dimension_id: Optional[str] = None
    ) -> ReflectionRecord:
        with self._tx() as s:
            person = self._person(s, user_key)
            row = Reflection(
                person_id=person.id,
                dimension_id=dimension_id,
                prompt_id=prompt_id,
                prompt_text=prompt_text,
                answer=answer[:ANSWER_MAX_CHARS],
            )
            s.add(row)
            s.flush()
            return ReflectionRecord(row.id, row.dimension_id, row.prompt_id, row.prompt_text, row.answer, row.created_at)

    def reflections(self, user_key: str, limit: int = 20) -> List[ReflectionRecord]:
        """The person's reflections, newest first."""
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            if person is None:
                return []
            rows = s.execute(
                select(Reflection)
                .where(Reflection.person_id == person.id)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc())
                .limit(limit)
            ).scalars()
            return [ReflectionRecord(r.id, r.dimension_id, r.prompt_id, r.prompt_text, r.answer, r.created_at) for r in rows]

    def reflection_counts(self, user_key: str) -> Dict[str, int]:
        """How many reflections the person has written per dimension."""
        with self._tx() as s:
            person = self._person(s, user_key, create=False)
            if person is None:
                return {}
            rows = s.execute(
                select(Reflection.dimension_id, func.count(Reflection.id))
                .where(Reflection.person_id == person.id)
                .group_by(Reflection.dimension_id)
            ).all()
            return {dim: n for dim, n in rows if dim}


_store: Optional[CoachStore] = None
_store_lock = threading.Lock()


def get_store() -> CoachStore:
    """The process-wide store for ``COACH_DATABASE_URL``, migrated on first use."""
    global _store
    with _store_lock:
        if _store is None or _store.url != database_url():
            _store = CoachStore(database_url())
            log.info("coach store ready", extra={"dialect": make_url(_store.url).get_backend_name()})
        return _store


def reset_store() -> None:
    """Forget the process-wide store (tests that switch databases use this)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.close()
        _store = None


if __name__ == "__main__":  # python -m bot.storage upgrade
    import sys

    if sys.argv[1:] != ["upgrade"]:
        sys.exit("usage: python -m bot.storage upgrade")
    migrate(database_url())
    print(f"database schema is up to date ({make_url(database_url()).render_as_string(hide_password=True)})")
