"""The coach's tracker store: its own table behind the storage door, keyed by user key, redacted.

Every store test runs on a real SQLite file and, when COACH_TEST_POSTGRES_URL is set, on a
throw-away PostgreSQL schema. Rows are read back with plain SQL, not through the store.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from pathlib import Path
from typing import List

import pytest
import rasa
from rasa.core.brokers.broker import EventBroker
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import TrackerStore, check_if_tracker_store_async
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, LoopInterrupted, SessionStarted, SlotSet,
                                      UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, event, inspect as sa_inspect, text

import bot.rasa_ext.tracker_store as ts
from bot import crypto
from bot.identity import user_key
from bot.rasa_ext.tracker_store import CoachTrackerStore
from bot.storage.codec import decode_event, encode_event, redact_event
from bot.storage import CoachStore, migrate

ROOT = Path(__file__).resolve().parent.parent
NHS = "943 476 5919"
TABLE = "coach_conversation_events"


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def stores(db_url, rasa_domain):
    """Make tracker stores on the test database (each one as a separate server process would)."""
    made: List[CoachTrackerStore] = []

    def make(**kwargs) -> CoachTrackerStore:
        s = CoachTrackerStore(domain=rasa_domain, url=db_url, **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def run(coro):
    return asyncio.run(coro)


def rows(url: str, sql: str = f"select * from {TABLE} order by conversation_key, seq", **params):
    """Rows read with plain SQL; the encrypted ``data`` column decrypted (and checked to be encrypted)."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            out = [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()
    for r in out:
        if isinstance(r.get("data"), str):
            assert r["data"].startswith(crypto.PREFIX), "a conversation event is stored unencrypted"
            r["raw_data"], r["data"] = r["data"], crypto.decrypt(r["data"])
    return out


def conversation(url: str, sender: str):
    return rows(url, f"select * from {TABLE} where conversation_key = :k order by seq", k=user_key(sender))


# --------------------------------------------------------------------------- redact_event (the codec's rule)


def test_redact_user_event_text_parse_data_and_entities():
    data = {
        "event": "user",
        "timestamp": 1.0,
        "text": f"patient NHS number {NHS}, call 07700 900123",
        "parse_data": {
            "text": f"patient NHS number {NHS}, call 07700 900123",
            "intent": {"name": "greet", "confidence": 0.9},
            "entities": [
                {"entity": "dimension", "value": "leading with care", "start": 0, "end": 5},
                {"entity": "note", "value": "Mrs Jones 9434765919"},
                "not-a-dict",
            ],
        },
    }
    out = redact_event(data)
    assert out["text"] == "patient NHS number [NHS number], call [phone number]"
    assert out["parse_data"]["text"] == "patient NHS number [NHS number], call [phone number]"
    assert out["parse_data"]["entities"][0]["value"] == "leading with care"
    assert out["parse_data"]["entities"][1]["value"] == "[name] [NHS number]"
    assert out["parse_data"]["entities"][2] == "not-a-dict"
    assert out["parse_data"]["intent"] == {"name": "greet", "confidence": 0.9}
    # the input is not changed in place
    assert NHS in data["text"] and NHS in data["parse_data"]["text"]
    assert data["parse_data"]["entities"][1]["value"] == "Mrs Jones 9434765919"


def test_redact_slot_event():
    out = redact_event({"event": "slot", "name": "assessment_note", "value": "Dr Who emailed me at who@tardis.org"})
    assert out == {"event": "slot", "name": "assessment_note", "value": "[name] emailed me at [email]"}


@pytest.mark.parametrize("value", [None, True, 3.0, ["receiving_end", "leading_with_care_1"], "/choose_level"])
def test_redact_slot_event_leaves_non_text_and_payloads(value):
    assert redact_event({"event": "slot", "name": "x", "value": value}) == {"event": "slot", "name": "x", "value": value}


def test_redact_button_payload_is_left_alone():
    payload = '/choose_level{"level":"strong"}'
    out = redact_event({"event": "user", "text": payload, "parse_data": {"text": payload, "entities": []}})
    assert out["text"] == payload


@pytest.mark.parametrize(
    "data",
    [
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": "Here is 9434765919"},  # the coach's own words are not user input
        {"event": "active_loop", "name": "assessment_form"},
    ],
)
def test_other_events_untouched(data):
    assert redact_event(data) == data


def test_codec_round_trip_is_redaction_only():
    user = UserUttered(f"my NHS number is {NHS}", {"name": "greet", "confidence": 1.0}).as_dict()
    assert decode_event(encode_event(user)) == redact_event(user)
    action = ActionExecuted("action_listen").as_dict()
    assert decode_event(encode_event(action)) == action


# --------------------------------------------------------------------------- trackers


def _tracker(rasa_domain: Domain, sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered(
                f"My patient's NHS number is {NHS} and she was born 12/03/1985",
                {"name": "out_of_scope", "confidence": 0.8},
                entities=[],
            ),
            ActionExecuted("utter_default"),
            BotUttered("Sorry, I didn't quite follow that."),
            SlotSet("assessment_note", "Mr Patel rang from 07700 900123"),
            SlotSet("reflection_queue", ["receiving_end", "leading_with_care_1"]),
            ActionExecuted("action_listen"),
        ],
        slots=rasa_domain.slots,
    )


def _new_session(tracker: DialogueStateTracker, text_: str) -> None:
    """What Rasa's processor adds when a session has expired and the person writes again."""
    for e in (ActionExecuted("action_session_start"), SessionStarted(),
              SlotSet("assessment_note", "[name] rang from [phone number]"), ActionExecuted("action_listen"),
              UserUttered(text_, {"name": "greet", "confidence": 1.0}), ActionExecuted("action_listen")):
        tracker.update(e)


# --------------------------------------------------------------------------- the store


def test_round_trip_with_real_rasa_events(stores, rasa_domain):
    sender = "round-trip-user"
    tracker = _tracker(rasa_domain, sender)
    run(stores().save(tracker))

    again = run(stores().retrieve(sender))
    assert again is not None and again.sender_id == sender
    assert [e.as_dict() for e in again.events] == [decode_event(encode_event(e.as_dict())) for e in tracker.events]
    assert again.latest_message.text == "My patient's NHS number is [NHS number] and she was born [date]"
    assert again.get_slot("assessment_note") == "[name] rang from [phone number]"
    assert again.get_slot("reflection_queue") == ["receiving_end", "leading_with_care_1"]
    assert run(stores().retrieve("nobody")) is None


def test_rows_hold_no_identifiers_and_no_raw_sender_id(stores, rasa_domain, db_url):
    sender = "alice@nhs.example"  # some channels use an email address as the sender id
    run(stores().save(_tracker(rasa_domain, sender)))

    stored = rows(db_url)
    assert [r["type_name"] for r in stored] == ["action", "session_started", "action", "user", "action", "bot",
                                                "slot", "slot", "action"]
    assert [r["seq"] for r in stored] == list(range(9))
    assert {r["conversation_key"] for r in stored} == {user_key(sender)}
    everything = "\n".join(str(v) for r in stored for k, v in r.items() if k != "raw_data")
    for secret in (sender, "alice", NHS, "9434765919", "12/03/1985", "Patel", "07700 900123"):
        assert secret not in everything
    assert "[NHS number]" in everything
    user = json.loads(stored[3]["data"])
    assert user["text"] == "My patient's NHS number is [NHS number] and she was born [date]"
    assert user["parse_data"]["text"] == user["text"]
    # Which intent or action a turn had stays inside the encrypted event; only session starts
    # are named in the clear (the store looks them up).
    assert stored[3]["intent_name"] is None and stored[4]["action_name"] is None
    assert stored[0]["action_name"] == "action_session_start"
    assert json.loads(stored[3]["data"])["parse_data"]["intent"]["name"] == "out_of_scope"
    assert json.loads(stored[6]["data"])["value"] == "[name] rang from [phone number]"
    assert json.loads(stored[7]["data"])["value"] == ["receiving_end", "leading_with_care_1"]


def test_saving_the_same_tracker_twice_writes_nothing_new(stores, rasa_domain, db_url):
    store = stores()
    tracker = _tracker(rasa_domain, "twice")
    run(store.save(tracker))
    run(store.save(tracker))
    run(stores().save(tracker))  # another process that never saw it: one query, still nothing new
    assert len(rows(db_url)) == 9
    tracker.update(UserUttered("call me on 07700 900123", {"name": "greet", "confidence": 1.0}))
    run(store.save(tracker))
    run(store.save(tracker))
    stored = conversation(db_url, "twice")
    assert [r["seq"] for r in stored] == list(range(10))
    assert json.loads(stored[-1]["data"])["text"] == "call me on [phone number]"


def test_a_second_process_continues_the_numbering(stores, rasa_domain, db_url):
    sender = "two-servers"
    first, second = stores(), stores()
    run(first.save(_tracker(rasa_domain, sender)))

    # The next message is served by the other process: it retrieves, then saves.
    tracker = run(second.retrieve(sender))
    tracker.update(UserUttered("next", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    run(second.save(tracker))

    # ...and the one after by the first again, whose memory of this conversation is stale.
    tracker = run(first.retrieve(sender))
    tracker.update(UserUttered("again", {"name": "greet", "confidence": 1.0}))
    run(first.save(tracker))

    stored = conversation(db_url, sender)
    assert [r["seq"] for r in stored] == list(range(12))
    assert [json.loads(r["data"]).get("text") for r in stored[-3:]] == ["next", None, "again"]


def test_a_tracker_this_process_did_not_load_is_appended_after_what_is_stored(stores, rasa_domain, db_url):
    sender = "not-loaded-here"
    tracker = _tracker(rasa_domain, sender)
    run(stores().save(tracker))
    tracker.update(UserUttered("more", {"name": "greet", "confidence": 1.0}))
    run(stores().save(tracker))  # no retrieve in this process: one query for the position
    assert [r["seq"] for r in conversation(db_url, sender)] == list(range(10))


def test_a_retried_save_never_writes_an_event_twice(stores, rasa_domain, db_url, monkeypatch):
    """The commit succeeded but the caller saw an error (say the connection dropped): it saves again."""
    store = stores()
    tracker = _tracker(rasa_domain, "retry")
    real_append = store._room.append

    def append_then_fail(key, events, *checkpoint):
        real_append(key, events, *checkpoint)
        raise ConnectionError("lost the connection after the commit")

    monkeypatch.setattr(store._room, "append", append_then_fail)
    with pytest.raises(ConnectionError):
        run(store.save(tracker))
    monkeypatch.setattr(store._room, "append", real_append)
    run(store.save(tracker))
    assert [r["seq"] for r in conversation(db_url, "retry")] == list(range(9))


def _selects(store: CoachTrackerStore) -> List[str]:
    seen: List[str] = []

    @event.listens_for(store._store.engine, "before_cursor_execute")
    def _log(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.strip().split()[0].upper())

    return seen


def test_retrieve_is_one_query_and_save_reads_nothing(stores, rasa_domain):
    sender = "no-extra-reads"
    run(stores().save(_tracker(rasa_domain, sender)))
    store = stores()
    statements = _selects(store)

    tracker = run(store.retrieve(sender))
    assert statements.count("SELECT") == 1
    statements.clear()
    tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    assert "SELECT" not in statements and "INSERT" in statements

    # Without a retrieve first (a new conversation in Rasa is retrieved too: it finds nothing),
    # save may ask for the position once.
    statements.clear()
    other = _tracker(rasa_domain, "never-retrieved")
    run(store.save(other))
    assert statements.count("SELECT") == 1


def test_a_new_conversation_costs_one_read(stores, rasa_domain):
    """Rasa's get_or_create_tracker: retrieve finds nothing, create_tracker saves the first event."""
    store = stores()
    statements = _selects(store)
    tracker = run(store.get_or_create_tracker("brand-new"))
    assert [e.as_dict()["event"] for e in tracker.events] == ["action"]
    assert statements.count("SELECT") == 1


def test_retrieve_returns_the_current_session_and_the_full_tracker_all(stores, rasa_domain, db_url):
    sender = "two-sessions"
    store = stores()
    run(store.save(_tracker(rasa_domain, sender)))
    tracker = run(store.retrieve(sender))
    _new_session(tracker, "back again")
    run(store.save(tracker))

    current = run(stores().retrieve(sender))
    assert [e.as_dict()["event"] for e in current.events] == ["action", "session_started", "slot", "action",
                                                              "user", "action"]
    assert current.events[0].action_name == "action_session_start"
    assert current.latest_message.text == "back again"
    assert current.get_slot("assessment_note") == "[name] rang from [phone number]"

    full = run(stores().retrieve_full_tracker(sender))
    assert len(full.events) == 15
    assert [r["seq"] for r in conversation(db_url, sender)] == list(range(15))
    assert run(stores().retrieve_full_tracker("nobody")) is None


def test_a_conversation_without_session_start_is_all_one_session(stores, rasa_domain):
    tracker = DialogueStateTracker.from_events("no-session", [
        ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("action_listen")], slots=rasa_domain.slots)
    run(stores().save(tracker))
    assert len(run(stores().retrieve("no-session")).events) == 3


def test_keys_are_conversation_keys_not_sender_ids(stores, rasa_domain):
    store = stores()
    for sender in ("k-one", "k-two"):
        run(store.save(_tracker(rasa_domain, sender)))
    assert set(run(store.keys())) == {user_key("k-one"), user_key("k-two")}


def test_erase_removes_every_event_of_one_conversation(stores, rasa_domain, db_url):
    store = stores()
    tracker = run(store.retrieve("erase-me")) or _tracker(rasa_domain, "erase-me")
    run(store.save(tracker))
    tracker = run(store.retrieve("erase-me"))
    _new_session(tracker, "second session")
    run(store.save(tracker))
    run(store.save(_tracker(rasa_domain, "keep-me")))

    assert run(store.erase("erase-me")) == 15
    assert run(store.retrieve("erase-me")) is None
    assert run(store.retrieve_full_tracker("erase-me")) is None
    assert conversation(db_url, "erase-me") == []
    assert len(conversation(db_url, "keep-me")) == 9
    assert run(store.erase("erase-me")) == 0
    # A new conversation under the same sender starts from 0 again.
    run(store.save(_tracker(rasa_domain, "erase-me")))
    assert [r["seq"] for r in conversation(db_url, "erase-me")] == list(range(9))


def test_the_room_deletes_a_conversation_by_key(db_url, rasa_domain):
    store = CoachTrackerStore(domain=rasa_domain, url=db_url)
    run(store.save(_tracker(rasa_domain, "room-delete")))
    store.close()
    coach = CoachStore(db_url)
    try:
        assert coach.conversations.delete_conversation(user_key("room-delete")) == 9
        assert coach.conversations.current_session(user_key("room-delete")) == []
    finally:
        coach.close()


def test_every_event_goes_in_and_out_through_the_codec(stores, rasa_domain, monkeypatch):
    encode, decode = ts.encode_event, ts.decode_event
    monkeypatch.setattr(ts, "encode_event", lambda data: "SEALED:" + encode(data))
    monkeypatch.setattr(ts, "decode_event", lambda stored: decode(stored[len("SEALED:"):]))
    store = stores()
    run(store.save(_tracker(rasa_domain, "codec")))
    assert all(r["data"].startswith("SEALED:") for r in conversation(store._store.url, "codec"))
    assert run(stores().retrieve("codec")).get_slot("assessment_note") == "[name] rang from [phone number]"


class _CollectingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: List[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def test_the_event_broker_gets_the_new_events_as_stored(stores, rasa_domain):
    broker = _CollectingBroker()
    store = stores(event_broker=broker)
    tracker = _tracker(rasa_domain, "broker")
    run(store.save(tracker))
    run(store.save(tracker))
    assert len(broker.published) == 9
    assert all(e["sender_id"] == "broker" for e in broker.published)
    assert broker.published[3]["text"] == "My patient's NHS number is [NHS number] and she was born [date]"


def test_the_store_migrates_an_empty_database_and_ignores_rasa_sql_keys(db_url, rasa_domain):
    store = CoachTrackerStore(domain=rasa_domain, url=db_url, host="db.example", dialect="postgresql", port=5432,
                              db="rasa", username="rasa", password="secret", login_db="postgres", query={})
    store.close()
    engine = create_engine(db_url, future=True)
    try:
        tables = set(sa_inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert TABLE in tables and "coach_people" in tables
    assert "events" not in tables  # Rasa's own table is no longer created


# --------------------------------------------------------------------------- the migration


RASA_EVENTS = """
create table events (
    id integer primary key, sender_id varchar(255) not null, type_name varchar(255) not null,
    timestamp float, intent_name varchar(255), action_name varchar(255), data text
)"""


def test_the_migration_copies_rasa_events_table(db_url, rasa_domain):
    """An existing deployment: Rasa's SQLTrackerStore wrote ``events`` keyed by raw sender ids."""
    old = [  # interleaved, as two conversations at once would be
        ("ann", ActionExecuted("action_session_start")), ("bob", ActionExecuted("action_session_start")),
        ("ann", SessionStarted()), ("ann", ActionExecuted("action_listen")), ("bob", SessionStarted()),
        ("ann", UserUttered("hello [NHS number]", {"name": "greet", "confidence": 1.0})),
        ("bob", ActionExecuted("action_listen")), ("ann", ActionExecuted("action_listen")),
    ]
    engine = create_engine(db_url, future=True)
    try:
        with engine.begin() as conn:
            conn.execute(text(RASA_EVENTS))
            for i, (sender, e) in enumerate(old, start=1):
                d = e.as_dict()
                conn.execute(text("insert into events values (:id, :s, :t, :ts, :i, :a, :d)"), {
                    "id": i * 10, "s": sender, "t": e.type_name, "ts": d["timestamp"],
                    "i": (d.get("parse_data") or {}).get("intent", {}).get("name"), "a": d.get("name"),
                    "d": json.dumps(d)})
    finally:
        engine.dispose()

    migrate(db_url)

    ann, bob = conversation(db_url, "ann"), conversation(db_url, "bob")
    assert [r["seq"] for r in ann] == [0, 1, 2, 3, 4] and [r["seq"] for r in bob] == [0, 1, 2]
    assert [r["type_name"] for r in ann] == ["action", "session_started", "action", "user", "action"]
    assert ann[3]["intent_name"] is None and ann[0]["action_name"] == "action_session_start"
    assert json.loads(ann[3]["data"])["text"] == "hello [NHS number]"
    assert not any("ann" == r["conversation_key"] or "bob" == r["conversation_key"] for r in ann + bob)
    engine = create_engine(db_url, future=True)
    try:
        assert "events" not in sa_inspect(engine).get_table_names()  # copied by 0002, dropped by 0004
    finally:
        engine.dispose()

    # The coach carries on the copied conversation where it stopped.
    store = CoachTrackerStore(domain=rasa_domain, url=db_url)
    try:
        tracker = run(store.retrieve("ann"))
        assert tracker.latest_message.text == "hello [NHS number]"
        tracker.update(UserUttered("and again", {"name": "greet", "confidence": 1.0}))
        run(store.save(tracker))
    finally:
        store.close()
    assert [r["seq"] for r in conversation(db_url, "ann")] == [0, 1, 2, 3, 4, 5]


def test_the_migration_without_an_events_table_copies_nothing(db_url):
    migrate(db_url)
    assert rows(db_url) == []


# --------------------------------------------------------------------------- loading it as Rasa does


def test_rasa_loads_it_from_an_endpoint_config(rasa_domain, isolated_database):
    """endpoints.yml's ``tracker_store: type: bot.rasa_ext.tracker_store.CoachTrackerStore``."""

    async def scenario():
        store = TrackerStore.create(
            EndpointConfig(type="bot.rasa_ext.tracker_store.CoachTrackerStore", dialect="sqlite", db="rasa.db"),
            domain=rasa_domain,
        )
        try:
            assert type(store) is CoachTrackerStore  # not wrapped in AwaitableTrackerStore: it is async
            assert store.domain is rasa_domain
            tracker = await store.get_or_create_tracker("from-endpoints")
            tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
            await store.save(tracker)
            again = await store.retrieve("from-endpoints")
            assert again.latest_message.text == "hi"
        finally:
            store.close()

    asyncio.run(scenario())
    assert len(conversation(isolated_database, "from-endpoints")) == 2


# --------------------------------------------------------------------------- pins on Rasa


def test_pin_the_rasa_behaviour_this_store_relies_on():
    """If this fails, Rasa changed under the tracker store: re-read rasa/core/tracker_store.py and
    rasa/core/processor.py before changing the pin."""
    assert rasa.__version__ == "3.6.21"

    # What TrackerStore leaves to its subclasses (its methods that only raise NotImplementedError)
    # is exactly what we implement, plus retrieve_full_tracker, whose default would return only
    # the current session.
    own = {name for name, f in vars(TrackerStore).items() if inspect.isfunction(f)}
    abstract = {name for name in own if "raise NotImplementedError" in inspect.getsource(getattr(TrackerStore, name))}
    assert abstract == {"save", "retrieve", "keys"}
    ours = {name for name in own if name in vars(CoachTrackerStore)}
    assert ours == abstract | {"retrieve_full_tracker", "__init__"}
    for name in abstract | {"retrieve_full_tracker"}:
        assert inspect.iscoroutinefunction(getattr(TrackerStore, name))
        assert inspect.iscoroutinefunction(getattr(CoachTrackerStore, name))
        assert list(inspect.signature(getattr(CoachTrackerStore, name)).parameters) == \
            list(inspect.signature(getattr(TrackerStore, name)).parameters)
    assert check_if_tracker_store_async(CoachTrackerStore.__new__(CoachTrackerStore))

    # save() trusts the position remembered by retrieve(): Rasa's processor always retrieves a
    # conversation's tracker before it saves it within one message. handle_message -> log_message
    # -> fetch_tracker_and_update_session -> get_tracker -> get_or_create_tracker -> retrieve.
    def before(func, first: str, then: str) -> None:
        source = inspect.getsource(func)
        assert first in source and then in source, (func.__qualname__, first, then)
        assert source.index(first) < source.index(then), (func.__qualname__, first, then)

    before(MessageProcessor.handle_message, "self.log_message(", "self.save_tracker(")
    assert "should_save_tracker=False" in inspect.getsource(MessageProcessor.handle_message)
    before(MessageProcessor.log_message, "self.fetch_tracker_and_update_session(", "self.save_tracker(")
    before(MessageProcessor.fetch_tracker_and_update_session, "self.get_tracker(", "_update_tracker_session(")
    assert "self.tracker_store.get_or_create_tracker(" in inspect.getsource(MessageProcessor.get_tracker)
    before(TrackerStore.get_or_create_tracker, "self.retrieve(", "self.create_tracker(")
    assert "self.save(" in inspect.getsource(TrackerStore.create_tracker)

    # A custom store from endpoints.yml is built with these keyword arguments.
    from rasa.core import tracker_store as rasa_ts
    assert "tracker_store_class(\n            host=store.url, domain=domain, event_broker=event_broker, **store.kwargs" \
        in inspect.getsource(rasa_ts._load_from_module_name_in_endpoint_config)


# --------------------------------------------------------------------------- long conversations


def _turns(n: int, start: int = 0):
    """``n`` turns of a conversation that fills slots, opens and interrupts a form, and talks."""
    for i in range(start, start + n):
        yield UserUttered(f"message {i}", {"name": "greet" if i % 3 else "ask_dimension", "confidence": 1.0})
        if i % 7 == 3:  # a form opens, asks, and is interrupted a turn later
            yield ActionExecuted("assessment_form")
            yield ActiveLoop("assessment_form")
            yield SlotSet("requested_slot", "assessment_level")
        elif i % 7 == 4:
            yield ActionExecuted("action_explain_dimension")
            yield LoopInterrupted(True)
        elif i % 7 == 5:
            yield ActionExecuted("assessment_form")
            yield ActiveLoop(None)
            yield SlotSet("requested_slot", None)
        yield SlotSet("dimension", ["holding_to_account", "leading_with_care"][i % 2])
        if i % 11 == 0:
            yield SlotSet("assessment_note", f"note {i}")
        yield ActionExecuted("utter_greet")
        yield BotUttered(f"reply {i}")
        yield ActionExecuted("action_listen")


def _states(tracker: DialogueStateTracker, domain: Domain, last: int = 8):
    return tracker.past_states(domain)[-last:]


@pytest.mark.parametrize("turns", [5, 120])
def test_a_long_session_is_loaded_from_a_checkpoint_with_the_same_state(stores, rasa_domain, db_url, turns):
    """Saved turn by turn as Rasa does, a long session comes back as a window after a checkpoint: the
    slots, the form and its flags, the latest message and the states the policies see (the last turns)
    are those of the whole session's tracker; what is stored is every event, once, in order."""
    sender = f"long-{turns}"
    store = stores()
    full = DialogueStateTracker.from_events(sender, [ActionExecuted("action_session_start"), SessionStarted(),
                                                     ActionExecuted("action_listen")], slots=rasa_domain.slots)
    run(store.save(full))
    second = stores()  # another process (as another server of a cluster would be) reads it too
    for i in range(turns):
        tracker = run(store.retrieve(sender))
        for e in _turns(1, i):
            tracker.update(e)
            full.update(e)
        if i == turns // 2:  # a form left interrupted at a turn's end
            for e in (ActiveLoop("assessment_form"), LoopInterrupted(True)):
                tracker.update(e)
                full.update(e)
        run(store.save(tracker))
        other = run(second.retrieve(sender))
        assert other.current_slot_values() == full.current_slot_values()
        assert other.active_loop == full.active_loop or (other.active_loop and full.active_loop
                                                         and other.active_loop.name == full.active_loop.name
                                                         and other.active_loop.is_interrupted
                                                         == full.active_loop.is_interrupted
                                                         and other.active_loop.rejected == full.active_loop.rejected)
        assert other.latest_message.text == full.latest_message.text
        assert _states(other, rasa_domain) == _states(full, rasa_domain)

    stored = conversation(db_url, sender)
    assert [r["seq"] for r in stored] == list(range(len(full.events)))
    assert [json.loads(r["data"]) for r in stored] == [decode_event(encode_event(e.as_dict())) for e in full.events]
    window = run(second.retrieve(sender))
    if turns == 120:  # long enough: a window, not the whole session
        assert len(window.events) < ts.WINDOW_EVENTS + ts.CHECKPOINT_EVERY + 20 < len(full.events)
        checkpoints = rows(db_url, "select seq from coach_conversation_checkpoints where conversation_key = :k",
                           k=user_key(sender))
        newest = max(r["seq"] for r in checkpoints)
        assert newest >= len(full.events) - 1 - ts.CHECKPOINT_EVERY - 20  # one every CHECKPOINT_EVERY events
        assert all(r["seq"] >= newest - ts.KEEP_CHECKPOINT_EVENTS for r in checkpoints)  # older ones removed
    else:
        assert len(window.events) == len(full.events)
    # The full tracker is still everything.
    assert len(run(second.retrieve_full_tracker(sender)).events) == len(full.events)


def test_checkpoints_go_with_the_conversation(stores, rasa_domain, db_url):
    sender = "long-erased"
    store = stores()
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_session_start"), SessionStarted(),
                                                        ActionExecuted("action_listen"), *_turns(40)],
                                               slots=rasa_domain.slots)
    run(store.save(tracker))
    for i in range(40, 50):
        t = run(store.retrieve(sender))
        for e in _turns(1, i):
            t.update(e)
        run(store.save(t))
    sql = "select count(*) as n from coach_conversation_checkpoints where conversation_key = :k"
    assert rows(db_url, sql, k=user_key(sender))[0]["n"] > 0
    run(store.erase(sender))
    assert rows(db_url, sql, k=user_key(sender))[0]["n"] == 0
    assert run(store.retrieve(sender)) is None
