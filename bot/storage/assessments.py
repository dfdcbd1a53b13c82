"""Self-assessments: one open at a time per person, a rating (and optional note) per dimension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Session, relationship

from bot.crypto import EncryptedText
from bot.storage.engine import Base, utcnow
from bot.storage.people import Person, person_row
from bot.storage.room import Room

NOTE_MAX_CHARS = 2000


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
    note = Column(EncryptedText, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    assessment = relationship("Assessment", back_populates="ratings")


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

    @property
    def last(self) -> Optional[RatingRecord]:
        """The most recent answer: the one a note belongs to."""
        return self.ratings[-1] if self.ratings else None


def _record(a: Assessment) -> AssessmentRecord:
    ratings = sorted(a.ratings, key=lambda r: (r.created_at, r.id))
    return AssessmentRecord(
        id=a.id,
        status=a.status,
        started_at=a.started_at,
        completed_at=a.completed_at,
        ratings=tuple(RatingRecord(r.dimension_id, r.level, r.skipped, r.note) for r in ratings),
    )


def _open(session: Session, person: Person) -> Optional[Assessment]:
    return session.execute(
        select(Assessment)
        .where(Assessment.person_id == person.id, Assessment.status == "in_progress")
        .order_by(Assessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _open_or_new(session: Session, person: Person) -> Assessment:
    a = _open(session, person)
    if a is None:
        a = Assessment(person_id=person.id)
        session.add(a)
        session.flush()
    return a


class AssessmentRoom(Room):
    def open(self, user_key: str) -> Optional[AssessmentRecord]:
        """The assessment in progress, or None."""
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            if person is None:
                return None
            a = _open(s, person)
            return _record(a) if a else None

    def start(self, user_key: str) -> AssessmentRecord:
        """The person's assessment in progress, or a new one."""
        with self._tx() as s:
            return _record(_open_or_new(s, person_row(s, user_key)))

    def save_rating(self, user_key: str, dimension_id: str, level: Optional[str],
                    skipped: bool = False) -> AssessmentRecord:
        """Record (or replace) the rating for one dimension in the open assessment."""
        with self._tx() as s:
            a = _open_or_new(s, person_row(s, user_key))
            existing = next((r for r in a.ratings if r.dimension_id == dimension_id), None)
            if existing is None:
                a.ratings.append(Rating(dimension_id=dimension_id, level=None if skipped else level, skipped=skipped))
            else:  # a changed answer becomes the latest, so a note that follows belongs to it
                existing.level, existing.skipped = (None if skipped else level), skipped
                existing.created_at = utcnow()
            s.flush()
            return _record(a)

    def revise(self, user_key: str) -> AssessmentRecord:
        """An assessment to change answers in: the one in progress, or else a new one that starts
        from the latest completed assessment's answers (so finishing it records what changed)."""
        with self._tx() as s:
            person = person_row(s, user_key)
            a = _open(s, person)
            if a is not None:
                return _record(a)
            latest = s.execute(
                select(Assessment)
                .where(Assessment.person_id == person.id, Assessment.status == "completed")
                .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            a = _open_or_new(s, person)
            if latest is not None:
                for r in sorted(latest.ratings, key=lambda r: (r.created_at, r.id)):
                    a.ratings.append(Rating(dimension_id=r.dimension_id, level=r.level, skipped=r.skipped,
                                            note=r.note, created_at=r.created_at))
                s.flush()
            return _record(a)

    def save_note(self, user_key: str, dimension_id: str, note: str) -> bool:
        """Attach a note to a rating in the open assessment. False if there is no such rating."""
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            a = _open(s, person) if person else None
            rating = next((r for r in a.ratings if r.dimension_id == dimension_id), None) if a else None
            if rating is None:
                return False
            rating.note = note[:NOTE_MAX_CHARS]
            return True

    def complete(self, user_key: str) -> Optional[AssessmentRecord]:
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            a = _open(s, person) if person else None
            if a is None:
                return None
            a.status, a.completed_at = "completed", utcnow()
            s.flush()
            return _record(a)

    def restart(self, user_key: str) -> AssessmentRecord:
        """Drop the unfinished assessment's answers and start again (completed ones stay)."""
        with self._tx() as s:
            person = person_row(s, user_key)
            a = _open(s, person)
            if a is not None:
                s.delete(a)
                s.flush()
            return _record(_open_or_new(s, person))

    def completed(self, user_key: str, limit: int = 10) -> List[AssessmentRecord]:
        """Completed assessments, newest first."""
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            if person is None:
                return []
            rows = s.execute(
                select(Assessment)
                .where(Assessment.person_id == person.id, Assessment.status == "completed")
                .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
                .limit(limit)
            ).scalars()
            return [_record(a) for a in rows]
