"""What every room of the store shares: one transaction per call."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.orm import Session, sessionmaker


class Room:
    """A part of the store that owns one aggregate (people, assessments, reflections, ...).

    Rooms share the store's session factory. Each public method is one
    transaction, takes the person's user key, touches only that person's rows
    and returns frozen records, never live ORM objects.
    """

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()
