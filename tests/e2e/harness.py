"""Test helpers for the end-to-end tests, on top of :mod:`bot.servers`.

``bot.servers`` starts and stops the real servers and sends messages (it is shared
with ``make bench``). What only tests need is here: ``say`` asserting a 200 and a
list, reading stored rows straight from the SQLite file, the user key a sender is
stored under, and fresh sender ids.
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

from bot.crypto import decrypt
from bot.servers import DEFAULT_MODEL, RASA, ROOT, CoachServers, free_port, wait_until  # noqa: F401  (re-exported)

MODEL = DEFAULT_MODEL
SECRET = "e2e-test-secret"
WEB_SESSION_SECRET = "e2e-web-session-secret"


class Coach(CoachServers):
    """The two servers on a fresh SQLite file in ``workdir``, plus helpers to talk and look at stored rows."""

    def __init__(self, workdir: Path, extra_env: Optional[Dict[str, str]] = None) -> None:
        self.db_path = Path(workdir) / "coach.db"
        # The conversations here are scripted and fast: the per-sender rate limit is tested on
        # its own (tests/e2e/test_trust.py), not tripped by accident.
        env = {"COACH_RATE_LIMIT_PER_MINUTE": "100000", "COACH_WEB_SESSION_SECRET": WEB_SESSION_SECRET,
               **(extra_env or {})}
        super().__init__(workdir, f"sqlite:///{self.db_path}", SECRET, MODEL, extra_env=env)

    # ------------------------------------------------------------ talking

    def say(self, sender: str, message: str) -> List[Dict]:
        r = self.send_raw(sender, message)
        assert r.status_code == 200, f"{r.status_code}: {r.text[:500]}"
        replies = r.json()
        assert isinstance(replies, list), replies
        return replies

    @staticmethod
    def text(replies: List[Dict]) -> str:
        return "\n".join(m.get("text", "") for m in replies)

    @staticmethod
    def payloads(replies: List[Dict]) -> List[str]:
        return [b["payload"] for m in replies for b in m.get("buttons", [])]

    # ------------------------------------------------------------ stored rows

    def user_key(self, sender: str, channel: str = "rest") -> str:
        """The key a sender's rows are filed under: the HMAC of the channel's namespaced identity."""
        return hmac.new(SECRET.encode(), f"{channel}:{sender}".encode(), hashlib.sha256).hexdigest()

    def rows(self, sql: str, *params) -> List[tuple]:
        with sqlite3.connect(self.db_path, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def decrypted(self, sql: str, *params) -> List[tuple]:
        """Rows as :meth:`rows` reads them, with every encrypted value decrypted (same key as the servers)."""
        return [tuple(decrypt(v) if isinstance(v, str) else v for v in row) for row in self.rows(sql, *params)]

    def ratings(self, sender: str, status: Optional[str] = None) -> List[tuple]:
        sql = ("SELECT r.dimension_id, r.level, r.skipped, r.note, a.status FROM coach_ratings r "
               "JOIN coach_assessments a ON a.id = r.assessment_id JOIN coach_people p ON p.id = a.person_id "
               "WHERE p.user_key = ?")
        params = [self.user_key(sender)]
        if status:
            sql += " AND a.status = ?"
            params.append(status)
        return self.decrypted(sql + " ORDER BY r.id", *params)

    def assessments(self, sender: str) -> List[tuple]:
        return self.rows("SELECT a.id, a.status FROM coach_assessments a JOIN coach_people p ON p.id = a.person_id "
                         "WHERE p.user_key = ? ORDER BY a.id", self.user_key(sender))

    def reflections(self, sender: str) -> List[tuple]:
        return self.decrypted("SELECT r.prompt_id, r.dimension_id, r.answer FROM coach_reflections r "
                         "JOIN coach_people p ON p.id = r.person_id WHERE p.user_key = ? ORDER BY r.id",
                         self.user_key(sender))


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex}"


def running_coach(tmp_path_factory, name: str = "coach", extra_env: Optional[Dict[str, str]] = None) -> Iterator[Coach]:
    """The body of a module-scoped ``coach`` fixture (``yield from running_coach(...)``): a fresh pair
    of servers on their own database, stopped afterwards; a log with a traceback is kept in results/.

    Skips rather than fails without a trained model, and only here, during the fixture: a module-level
    skip in a conftest.py aborts pytest when tests/e2e (or a file in it) is named on the command line.
    """
    if not MODEL.exists():
        pytest.skip("no trained model: run `make train`")
    workdir = tmp_path_factory.mktemp(name)
    c = Coach(workdir, extra_env=extra_env)
    try:
        c.start()
        yield c
    finally:
        c.stop()
        for log in ("rasa.log", "actions.log"):
            path = workdir / log
            if path.exists() and "Traceback" in path.read_text(errors="replace") and (ROOT / "results").exists():
                shutil.copy(path, ROOT / "results" / f"e2e-{name}-{log}")
