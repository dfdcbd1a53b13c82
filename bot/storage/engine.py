"""Where the database is and how to reach it: the URL, the engine, the schema migrations."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import declarative_base
from sqlalchemy.pool import QueuePool

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'coach.db'}"

# Every table of the coach hangs off this one metadata, so Alembic sees them all.
Base = declarative_base()


class StorageError(RuntimeError):
    """The database could not be reached or refused a write."""


# A write that repeats one made this recently (the same answer to the same question) is taken for
# a retry of the same message (after a server was killed mid-turn, or a client sent it again) and
# not stored a second time.
RETRY_WINDOW = timedelta(minutes=10)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def database_url() -> str:
    return os.environ.get("COACH_DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a long busy timeout so two servers can share the file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool of open connections (SQLAlchemy 1.4 opens a new one per transaction for a SQLite
        # file, and runs the pragmas below each time: about 2% of the Rasa server's time under load).
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, future=True,
                               poolclass=QueuePool, pool_size=5, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            # Deleted rows are overwritten, not left in free pages (erasure must mean erasure).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def migrate(url: str) -> None:
    """Bring the schema at ``url`` up to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parents[1] / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
