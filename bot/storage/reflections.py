"""Reflections: a person's answers to reflective prompts, kept for them to look back on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import relationship

from bot.crypto import EncryptedText
from bot.storage.engine import RETRY_WINDOW, Base, utcnow
from bot.storage.people import person_row
from bot.storage.room import Room

ANSWER_MAX_CHARS = 4000
SITUATION_MAX_CHARS = 1000


class Reflection(Base):
    __tablename__ = "coach_reflections"

    id = Column(Integer, primary_key=True)
    person_id = Column(Integer, ForeignKey("coach_people.id", ondelete="CASCADE"), nullable=False, index=True)
    dimension_id = Column(String(64), nullable=True)
    prompt_id = Column(String(64), nullable=False)
    prompt_text = Column(EncryptedText, nullable=False)
    answer = Column(EncryptedText, nullable=False)
    # The situation the person described just before reflecting, if they started from one (redacted).
    situation = Column(EncryptedText, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    person = relationship("Person", back_populates="reflections")


@dataclass(frozen=True)
class ReflectionRecord:
    id: int
    dimension_id: Optional[str]
    prompt_id: str
    prompt_text: str
    answer: str
    created_at: datetime
    situation: Optional[str] = None


def _record(r: Reflection) -> ReflectionRecord:
    return ReflectionRecord(r.id, r.dimension_id, r.prompt_id, r.prompt_text, r.answer, r.created_at, r.situation)


class ReflectionRoom(Room):
    def add(self, user_key: str, prompt_id: str, prompt_text: str, answer: str,
            dimension_id: Optional[str] = None, situation: Optional[str] = None) -> ReflectionRecord:
        """Keep an answer. The same answer to the same prompt within
        :data:`~bot.storage.engine.RETRY_WINDOW` is a retried message: the stored one is returned."""
        answer = answer[:ANSWER_MAX_CHARS]
        with self._tx() as s:
            person = person_row(s, user_key)
            recent = s.execute(select(Reflection).where(
                Reflection.person_id == person.id, Reflection.prompt_id == prompt_id,
                Reflection.created_at >= utcnow() - RETRY_WINDOW)).scalars()
            for earlier in recent:  # answers are encrypted with a random IV: compared once decrypted
                if earlier.answer == answer:
                    return _record(earlier)
            row = Reflection(person_id=person.id, dimension_id=dimension_id, prompt_id=prompt_id,
                             prompt_text=prompt_text, answer=answer,
                             situation=situation[:SITUATION_MAX_CHARS] if situation else None)
            s.add(row)
            s.flush()
            return _record(row)

    def recent(self, user_key: str, limit: int = 20) -> List[ReflectionRecord]:
        """The person's reflections, newest first."""
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            if person is None:
                return []
            rows = s.execute(
                select(Reflection)
                .where(Reflection.person_id == person.id)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc())
                .limit(limit)
            ).scalars()
            return [_record(r) for r in rows]

    def counts(self, user_key: str) -> Dict[str, int]:
        """How many reflections the person has written per dimension."""
        with self._tx() as s:
            person = person_row(s, user_key, create=False)
            if person is None:
                return {}
            rows = s.execute(
                select(Reflection.dimension_id, func.count(Reflection.id))
                .where(Reflection.person_id == person.id)
                .group_by(Reflection.dimension_id)
            ).all()
            return {dim: n for dim, n in rows if dim}
