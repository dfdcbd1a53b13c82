"""People and their consent: the row every other room's rows belong to."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Session, relationship

from bot.storage.engine import RETRY_WINDOW, Base, utcnow
from bot.storage.room import Room

# Bump when what the coach keeps changes: earlier consent then no longer counts.
CONSENT_VERSION = "2026-11"


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


def person_row(session: Session, user_key: str, create: bool = True) -> Optional[Person]:
    """The person's row, created on first need unless ``create`` is False."""
    person = session.execute(select(Person).where(Person.user_key == user_key)).scalar_one_or_none()
    if person is None and create:
        person = Person(user_key=user_key)
        session.add(person)
        session.flush()
    return person


class PeopleRoom(Room):
    """Consent and the few facts about a person the coach keeps (their career stage)."""

    def has_consent(self, user_key: str) -> bool:
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            if person is None:
                return False
            latest = s.execute(
                select(Consent).where(Consent.person_id == person.id).order_by(Consent.id.desc()).limit(1)
            ).scalar_one_or_none()
            return bool(latest and latest.given and latest.version == CONSENT_VERSION)

    def record_consent(self, user_key: str, given: bool) -> bool:
        """Record the person's answer; False (nothing written) when it repeats their latest answer,
        given within :data:`~bot.storage.engine.RETRY_WINDOW` (a retried message)."""
        with self._tx() as s:
            person = person_row(s, user_key)
            latest = s.execute(select(Consent).where(Consent.person_id == person.id)
                               .order_by(Consent.id.desc()).limit(1)).scalar_one_or_none()
            if (latest is not None and latest.given == given and latest.version == CONSENT_VERSION
                    and latest.created_at >= utcnow() - RETRY_WINDOW):
                return False
            s.add(Consent(person_id=person.id, given=given, version=CONSENT_VERSION))
            return True

    def career_stage(self, user_key: str) -> Optional[str]:
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            return person.career_stage if person else None

    def set_career_stage(self, user_key: str, stage: str) -> None:
        with self._tx() as s:
            person_row(s, user_key).career_stage = stage
