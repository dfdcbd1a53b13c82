"""Export files: a person's copy of everything the coach keeps, until its link expires.

Kept in the database (encrypted, like all free text), not on a disk of one server, so that a
link works whichever server of a cluster serves it. A link carries a random token of 256 bits;
only its SHA-256 is stored, so the table cannot be used to open anyone's export.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint, delete, select

from bot.crypto import EncryptedText
from bot.storage.engine import Base, utcnow
from bot.storage.room import Room

TOKEN_BYTES = 32


class ExportFile(Base):
    __tablename__ = "coach_exports"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_export_token"),)

    id = Column(Integer, primary_key=True)
    user_key = Column(String(64), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    json_text = Column(EncryptedText, nullable=False)
    html_text = Column(EncryptedText, nullable=False)


@dataclass(frozen=True)
class ExportRecord:
    json_text: str
    html_text: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ExportRoom(Room):
    def create(self, user_key: str, json_text: str, html_text: str, hours: float) -> str:
        """Store a new export (replacing the person's earlier ones); returns the link's token."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._tx() as s:
            s.execute(delete(ExportFile).where(ExportFile.user_key == user_key))
            s.add(ExportFile(user_key=user_key, token_hash=token_hash(token), json_text=json_text,
                             html_text=html_text, expires_at=utcnow() + timedelta(hours=hours)))
        return token

    def open(self, token: str) -> Optional[ExportRecord]:
        """The export behind ``token``, or None when there is none or it has expired."""
        if not token or len(token) > 100:
            return None
        with self._tx() as s:
            row = s.execute(select(ExportFile).where(ExportFile.token_hash == token_hash(token))).scalar_one_or_none()
            if row is None or row.expires_at <= utcnow():
                return None
            return ExportRecord(row.json_text, row.html_text, row.expires_at)
