"""Shared fixtures: a fresh SQLite file per test, the real domain, real rasa_sdk trackers.

Nothing here stands in for the product: the store is the real :class:`bot.storage.CoachStore`
on a real database file, the domain is ``domain.yml`` and trackers are ``rasa_sdk.Tracker``.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# One encryption key for the whole run, shared with the servers the end-to-end tests start, so
# tests can read what they stored (and nothing writes the project's var/encryption_keys).
os.environ.setdefault("COACH_ENCRYPTION_KEYS", __import__("cryptography.fernet").fernet.Fernet.generate_key().decode())

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-user-key-secret-0123456789"


@pytest.fixture(autouse=True)
def isolated_database(tmp_path, monkeypatch):
    """Every test gets its own SQLite file, a fixed user-key secret and a fresh store."""
    import bot.identity
    import bot.storage

    url = f"sqlite:///{tmp_path}/coach.db"
    monkeypatch.setenv("COACH_DATABASE_URL", url)
    monkeypatch.setenv("COACH_USER_KEY_SECRET", TEST_SECRET)
    monkeypatch.delenv("COACH_CONTENT_DIR", raising=False)
    bot.storage.reset_store()
    bot.identity._secret.cache_clear()
    yield url
    bot.storage.reset_store()
    bot.identity._secret.cache_clear()


@pytest.fixture
def store():
    from bot.storage import get_store

    return get_store()


@pytest.fixture
def content():
    from bot.content import get_content

    return get_content()


@lru_cache(maxsize=1)
def _domain_dict() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def domain() -> Dict[str, Any]:
    import copy

    return copy.deepcopy(_domain_dict())


def make_tracker(
    sender_id: str = "test-user",
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    events: Optional[List[Dict[str, Any]]] = None,
):
    """A real ``rasa_sdk.Tracker`` with every domain slot present (None unless given)."""
    from rasa_sdk import Tracker

    all_slots: Dict[str, Any] = {name: None for name in _domain_dict()["slots"]}
    all_slots.update(slots or {})
    return Tracker(
        sender_id,
        all_slots,
        {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        events or [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


@pytest.fixture
def postgres_url():
    """A throwaway schema on the PostgreSQL server named by COACH_TEST_POSTGRES_URL."""
    base = os.environ.get("COACH_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    from sqlalchemy import create_engine, text

    schema = f"coach_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base, future=True)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, isolated_database):
    """The test's SQLite file, then a PostgreSQL schema (skipped without COACH_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        return isolated_database
    return request.getfixturevalue("postgres_url")
