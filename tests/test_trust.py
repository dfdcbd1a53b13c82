"""Trust in the store: unreadable at rest, a person's data as a whole (inventory, export, erasure),
retention, key rotation, the migration that encrypts old rows, and the tracker store after an erasure.

Real databases: a SQLite file and, when COACH_TEST_POSTGRES_URL is set, a throw-away PostgreSQL
schema. "Raw" reads go around the store: the file's bytes, or plain SQL on every text column.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect as sa_inspect, text

from bot import crypto
from bot.identity import user_key
from bot.storage import PERSON_TABLES, CoachStore, migrate
from bot.storage.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "the quokka incident in the sluice room still bothers me"
SENDER = "rest:distinctive-sender-7f3a9c"


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    """Keys in a key file of this test's own (not the run's shared COACH_ENCRYPTION_KEYS)."""
    monkeypatch.delenv("COACH_ENCRYPTION_KEYS", raising=False)
    path = tmp_path / "keys" / "encryption_keys"
    monkeypatch.setenv("COACH_ENCRYPTION_KEY_FILE", str(path))
    crypto.forget_keys()
    yield path
    crypto.forget_keys()


def _fill(store: CoachStore, key: str, words: str = SENTENCE) -> None:
    store.people.record_consent(key, True)
    store.reflections.add(key, "p1", "What happened?", words, dimension_id="leading_with_care",
                          situation=f"situation: {words}")
    store.assessments.start(key)
    store.assessments.save_rating(key, "holding_to_account", "strong")
    store.assessments.save_note(key, "holding_to_account", f"note: {words}")


def _raw_text(url: str) -> str:
    """Every value of every table, as the database holds it (no decryption), as one string."""
    engine = create_engine(url, future=True)
    try:
        parts = []
        with engine.connect() as conn:
            for table in sa_inspect(conn).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    parts.extend(str(v) for v in row)
        return "\n".join(parts)
    finally:
        engine.dispose()


def _file_bytes(url: str) -> bytes:
    path = Path(make_url(url).database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


# --------------------------------------------------------------------------- encryption


def test_a_value_round_trips_and_is_not_readable(own_keys):
    stored = crypto.encrypt(SENTENCE)
    assert stored.startswith(crypto.PREFIX) and "quokka" not in stored
    assert crypto.decrypt(stored) == SENTENCE
    assert crypto.decrypt("written before encryption") == "written before encryption"
    assert crypto.encrypt(None) is None and crypto.decrypt(None) is None


def test_the_key_file_is_made_once_owner_only(own_keys):
    crypto.encrypt("x")
    assert own_keys.exists()
    assert stat.S_IMODE(own_keys.stat().st_mode) == 0o600
    first = own_keys.read_text()
    crypto.forget_keys()
    crypto.encrypt("y")
    assert own_keys.read_text() == first


def test_a_replaced_key_fails_loudly_not_silently(own_keys):
    stored = crypto.encrypt(SENTENCE)
    own_keys.write_text(Fernet.generate_key().decode() + "\n")
    crypto.forget_keys()
    with pytest.raises(crypto.CryptoKeyError, match="replaced instead of rotated"):
        crypto.decrypt(stored)


def test_a_malformed_key_is_named(own_keys, monkeypatch):
    monkeypatch.setenv("COACH_ENCRYPTION_KEYS", "not-a-key")
    crypto.forget_keys()
    with pytest.raises(crypto.CryptoKeyError, match="COACH_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_rotation_keeps_old_rows_readable_and_reencrypts_them(own_keys, isolated_database):
    store = CoachStore(isolated_database)
    key = user_key(SENDER)
    _fill(store, key)
    before = _raw_text(isolated_database)
    old_key = own_keys.read_text().split()[0]

    assert crypto.add_new_key() == 2
    # Readable straight after the new key arrives, before anything is re-encrypted.
    assert store.reflections.recent(key)[0].answer == SENTENCE
    counts = store.lifecycle.reencrypt_all()
    assert counts["reflections"] == 1 and counts["ratings"] == 1
    after = _raw_text(isolated_database)
    assert after != before and "quokka" not in after
    # Everything now opens with the new key alone.
    assert crypto.retire_old_keys() == 1
    assert old_key not in own_keys.read_text()
    crypto.forget_keys()
    assert store.reflections.recent(key)[0].answer == SENTENCE
    assert store.assessments.open(key).rating("holding_to_account").note == f"note: {SENTENCE}"
    store.close()


def test_the_rotate_command_prints_what_it_did(own_keys, isolated_database, capsys):
    from bot.storage.__main__ import main

    store = CoachStore(isolated_database)
    _fill(store, user_key(SENDER))
    assert main(["rotate-key"]) == 0
    out = capsys.readouterr().out
    assert "re-encrypted" in out and "2 keys on the ring" in out
    assert main(["rotate-key", "--retire"]) == 0
    crypto.forget_keys()
    assert store.reflections.recent(user_key(SENDER))[0].answer == SENTENCE
    store.close()


def test_no_free_text_or_sender_id_is_readable_in_the_database(db_url, rasa_domain):
    """A distinctive sentence and sender id, written through the store and the tracker store,
    are in neither the raw tables nor (SQLite) the database file and its write-ahead log."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_ext.tracker_store import CoachTrackerStore

    store = CoachStore(db_url)
    _fill(store, user_key(SENDER))
    ts = CoachTrackerStore(domain=rasa_domain, url=db_url)
    tracker = DialogueStateTracker.from_events(SENDER, [
        ActionExecuted("action_session_start"), ActionExecuted("action_listen"),
        UserUttered(SENTENCE, {"name": "describe_situation", "confidence": 0.9},
                    [{"entity": "dimension", "value": "quokka", "start": 4, "end": 10}]),
        SlotSet("situation_text", SENTENCE), BotUttered(f"You said: {SENTENCE}"),
    ], rasa_domain.slots)
    asyncio.run(ts.save(tracker))
    ts.close()

    raw = _raw_text(db_url)
    assert "quokka" not in raw and SENDER not in raw and "distinctive-sender" not in raw
    assert "describe_situation" not in raw  # not even which intent a message had
    if db_url.startswith("sqlite"):
        data = _file_bytes(db_url)
        assert b"quokka" not in data and b"distinctive-sender" not in data
    # ... and everything reads back through the store.
    assert store.reflections.recent(user_key(SENDER))[0].answer == SENTENCE
    assert SENTENCE in json.dumps(store.lifecycle.gather(user_key(SENDER))["conversation"])
    store.close()


@pytest.fixture(scope="module")
def rasa_domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml"))


# --------------------------------------------------------------------------- a person's data


def test_inventory_export_and_erasure_cover_the_same_rows(db_url):
    store = CoachStore(db_url)
    me, other = user_key("rest:me"), user_key("rest:someone-else")
    _fill(store, me)
    _fill(store, other, "the other person's own words")
    store.exports.create(me, "{}", "<p></p>", hours=1)
    store.conversations.append(me, [_event(0), _event(1)])

    inventory = store.lifecycle.inventory(me)
    assert set(inventory) == set(PERSON_TABLES)
    gathered = store.lifecycle.gather(me)
    assert gathered["rows"] == inventory
    assert inventory == {"people": 1, "consents": 1, "assessments": 1, "ratings": 1, "reflections": 1,
                         "conversation_events": 2, "exports": 1}
    assert "the other person's own words" not in json.dumps(gathered)

    removed = store.lifecycle.erase(me)
    assert removed == inventory
    assert all(v == 0 for v in store.lifecycle.inventory(me).values())
    # The other person is untouched.
    assert store.lifecycle.inventory(other)["reflections"] == 1
    assert store.reflections.recent(other)[0].answer == "the other person's own words"
    store.close()


def _event(seq: int, ts: float = None):
    from bot.storage.conversations import EventRecord

    return EventRecord(seq, "user", ts if ts is not None else datetime.utcnow().timestamp(), None, "greet",
                       json.dumps({"event": "user", "text": f"hello {seq}"}))


def test_erasure_leaves_nothing_in_the_sqlite_file(isolated_database):
    store = CoachStore(isolated_database)
    key = user_key(SENDER)
    _fill(store, key)
    store.lifecycle.erase(key)
    # secure_delete overwrites the deleted rows; the checkpoint empties the WAL of old pages.
    data = _file_bytes(isolated_database)
    assert key.encode() not in data
    store.close()


def test_an_export_link_opens_until_it_expires(isolated_database):
    store = CoachStore(isolated_database)
    key = user_key(SENDER)
    token = store.exports.create(key, '{"a": 1}', "<p>page</p>", hours=1)
    assert len(token) >= 43  # 256 bits
    assert store.exports.open(token).json_text == '{"a": 1}'
    assert store.exports.open(token + "x") is None and store.exports.open("") is None
    # Only the token's hash is stored.
    assert token not in _raw_text(isolated_database)
    expired = store.exports.create(key, "{}", "<p></p>", hours=-1)
    assert store.exports.open(expired) is None
    assert store.exports.open(token) is None  # a new export replaces the earlier ones
    store.close()


def test_purge_counts_first_then_removes_only_what_is_old(db_url):
    from bot.storage.assessments import Assessment
    from bot.storage.people import Consent
    from bot.storage.reflections import Reflection

    store = CoachStore(db_url)
    old, new = user_key("rest:old"), user_key("rest:new")
    _fill(store, old)
    _fill(store, new)
    long_ago = datetime.utcnow() - timedelta(days=400)
    with store.engine.begin() as conn:
        pid = conn.execute(text("SELECT id FROM coach_people WHERE user_key = :k"), {"k": old}).scalar()
        conn.execute(text("UPDATE coach_people SET created_at = :t WHERE id = :p"), {"t": long_ago, "p": pid})
        for table, col in ((Reflection.__tablename__, "created_at"), (Consent.__tablename__, "created_at"),
                           (Assessment.__tablename__, "started_at")):
            conn.execute(text(f"UPDATE {table} SET {col} = :t WHERE person_id = :p"), {"t": long_ago, "p": pid})
    store.conversations.append(old, [_event(0, long_ago.timestamp()), _event(1)])
    # Someone who agreed long ago and reflected yesterday keeps the record that they agreed.
    active = user_key("rest:active")
    _fill(store, active)
    with store.engine.begin() as conn:
        pid = conn.execute(text("SELECT id FROM coach_people WHERE user_key = :k"), {"k": active}).scalar()
        conn.execute(text("UPDATE coach_people SET created_at = :t WHERE id = :p"), {"t": long_ago, "p": pid})
        conn.execute(text("UPDATE coach_consents SET created_at = :t WHERE person_id = :p"), {"t": long_ago, "p": pid})
        conn.execute(text("UPDATE coach_assessments SET started_at = :t WHERE person_id = :p"),
                     {"t": long_ago, "p": pid})

    dry = store.lifecycle.purge(365, dry_run=True)
    assert dry == {"people": 1, "consents": 1, "assessments": 2, "ratings": 2, "reflections": 1,
                   "conversation_events": 1, "exports": 0}
    assert store.lifecycle.inventory(old)["reflections"] == 1  # a dry run removes nothing
    assert store.lifecycle.purge(365) == dry
    assert store.lifecycle.inventory(old) == {**{k: 0 for k in PERSON_TABLES}, "conversation_events": 1}
    assert store.lifecycle.inventory(new)["reflections"] == 1
    assert store.people.has_consent(active) and store.lifecycle.inventory(active)["reflections"] == 1
    store.close()


def test_the_conversation_is_kept_for_less_time_than_reflections(isolated_database):
    store = CoachStore(isolated_database)
    me = user_key("rest:me")
    _fill(store, me)
    store.conversations.append(me, [_event(0, (datetime.utcnow() - timedelta(days=40)).timestamp()), _event(1)])
    assert store.lifecycle.purge(365, conversation_days=30)["conversation_events"] == 1
    assert store.lifecycle.inventory(me)["reflections"] == 1 and store.lifecycle.inventory(me)["conversation_events"] == 1
    store.close()


def test_the_purge_command_dry_runs_and_explains_bad_settings(isolated_database, monkeypatch, capsys):
    from bot.storage.__main__ import main

    CoachStore(isolated_database).close()
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove 0 rows" in out and "older than 365 days (conversation events: 30 days)" in out
    assert "nothing was removed" in out
    monkeypatch.setenv("COACH_RETENTION_DAYS", "a year")
    with pytest.raises(SystemExit, match="must be a number of days"):
        main(["purge"])


# --------------------------------------------------------------------------- migration 0004


@pytest.mark.parametrize("events_since", ["0001", "0003"])
def test_migration_encrypts_old_rows_and_moves_rasas_events_table(isolated_database, events_since):
    """Rasa's own ``events`` table present since revision 0001 (0002 copied it in plain text) or
    appearing after 0003 (never copied), and a plain-text reflection: after the upgrade, every
    conversation is in the coach's table exactly once, encrypted, and ``events`` is gone."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "bot" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", isolated_database)
    engine = create_engine(isolated_database, future=True)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, events_since)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name "
                          "VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), "
                          "data TEXT)"))
        for i, (kind, data) in enumerate([("action", {"event": "action", "name": "action_listen"}),
                                          ("user", {"event": "user", "text": f"{SENTENCE}, call 07700 900123"})]):
            conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                         {"s": "old-raw-sender", "t": kind, "ts": 1.0 + i, "d": json.dumps(data)})
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO coach_people (id, user_key, created_at) VALUES (1, 'k', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO coach_reflections (person_id, prompt_id, prompt_text, answer, created_at) "
                          "VALUES (1, 'p', 'prompt', :a, CURRENT_TIMESTAMP)"), {"a": SENTENCE})
    engine.dispose()

    migrate(isolated_database)
    raw = _raw_text(isolated_database)
    assert "quokka" not in raw and "old-raw-sender" not in raw
    engine = create_engine(isolated_database, future=True)
    with engine.connect() as conn:
        assert "events" not in sa_inspect(conn).get_table_names()
    engine.dispose()
    store = CoachStore(isolated_database)
    assert store.reflections.recent("k")[0].answer == SENTENCE
    moved = store.lifecycle.gather(user_key("old-raw-sender"))["conversation"]
    assert [e["event"] for e in moved] == ["action", "user"]
    if events_since == "0003":  # moved by 0004, which redacts on the way
        assert moved[1]["text"] == f"{SENTENCE}, call [phone number]"
    store.close()


# --------------------------------------------------------------------------- the tracker store after an erasure


def test_the_turn_that_erases_is_not_written_back(isolated_database, rasa_domain):
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    from bot.rasa_ext.tracker_store import CoachTrackerStore

    ts = CoachTrackerStore(domain=rasa_domain, url=isolated_database)
    tracker = asyncio.run(ts.get_or_create_tracker(SENDER))
    tracker.update(UserUttered(SENTENCE, {"name": "describe_situation", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(ts.save(tracker))
    key = user_key(SENDER)
    assert ts._room.position(key).last_seq is not None

    # The next turn: retrieved, "yes" to deleting, the action server erases, Rasa saves again.
    tracker = asyncio.run(ts.retrieve(SENDER))
    tracker.update(UserUttered("yes", {"name": "affirm", "confidence": 1.0}))
    CoachStore(isolated_database).lifecycle.erase(key)
    tracker.update(ActionExecuted("action_delete_data"))
    tracker.update(SlotSet("data_erased", True))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(ts.save(tracker))

    assert ts._room.all_events(key) == []
    assert asyncio.run(ts.retrieve(SENDER)) is None  # the next message starts from nothing
    ts.close()


def test_rotating_keys_held_in_the_environment_says_what_to_run(monkeypatch):
    """With the keys in COACH_ENCRYPTION_KEYS the file cannot be rotated: the error names a real command."""
    from bot.storage.__main__ import build_parser

    monkeypatch.setenv("COACH_ENCRYPTION_KEYS", crypto.new_key())
    crypto.forget_keys()
    with pytest.raises(crypto.CryptoKeyError) as err:
        crypto.add_new_key()
    command = str(err.value).rsplit("python -m bot.storage ", 1)[1].split()
    build_parser().parse_args(command)  # exits (SystemExit) if the command does not exist
    crypto.forget_keys()
