"""The coach's tracker store: Rasa's SQL store on the coach's database, identifiers redacted on write."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.rasa_ext.tracker_store import CoachTrackerStore, redact_event

ROOT = Path(__file__).resolve().parent.parent
NHS = "943 476 5919"


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


# --------------------------------------------------------------------------- redact_event


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


# --------------------------------------------------------------------------- the store itself


def _tracker(rasa_domain: Domain, sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
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


def _raw_rows(path: str, sender: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select type_name, intent_name, action_name, data from events where sender_id = ? order by id",
                            (sender,)).fetchall()
    finally:
        conn.close()


def test_saved_events_hold_no_identifiers(rasa_domain, isolated_database):
    sender = "tracker-store-user"
    store = CoachTrackerStore(domain=rasa_domain)
    asyncio.run(store.save(_tracker(rasa_domain, sender)))

    db_path = isolated_database.replace("sqlite:///", "", 1)
    rows = _raw_rows(db_path, sender)
    assert [r[0] for r in rows] == ["action", "user", "action", "bot", "slot", "slot", "action"]
    everything = "\n".join(r[3] for r in rows)
    for secret in (NHS, "9434765919", "12/03/1985", "Patel", "07700 900123"):
        assert secret not in everything
    user = json.loads(rows[1][3])
    assert user["text"] == "My patient's NHS number is [NHS number] and she was born [date]"
    assert user["parse_data"]["text"] == user["text"]
    assert rows[1][1] == "out_of_scope"  # the intent column is still filled in
    assert json.loads(rows[4][3])["value"] == "[name] rang from [phone number]"
    assert json.loads(rows[5][3])["value"] == ["receiving_end", "leading_with_care_1"]
    assert rows[2][2] == "utter_default"


def test_tracker_round_trips_through_a_new_store(rasa_domain):
    sender = "round-trip-user"
    tracker = _tracker(rasa_domain, sender)
    asyncio.run(CoachTrackerStore(domain=rasa_domain).save(tracker))

    again = asyncio.run(CoachTrackerStore(domain=rasa_domain).retrieve(sender))
    assert again is not None
    assert again.latest_message.text == "My patient's NHS number is [NHS number] and she was born [date]"
    assert again.get_slot("assessment_note") == "[name] rang from [phone number]"
    assert again.get_slot("reflection_queue") == ["receiving_end", "leading_with_care_1"]
    assert len(again.events) == len(tracker.events)
    assert asyncio.run(CoachTrackerStore(domain=rasa_domain).retrieve("nobody")) is None


def test_only_new_events_are_appended(rasa_domain, isolated_database):
    sender = "incremental-user"
    store = CoachTrackerStore(domain=rasa_domain)
    tracker = _tracker(rasa_domain, sender)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("call me on 07700 900123", {"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    rows = _raw_rows(isolated_database.replace("sqlite:///", "", 1), sender)
    assert len(rows) == 8
    assert json.loads(rows[-1][3])["text"] == "call me on [phone number]"


def test_coach_tables_and_tracker_share_one_database(rasa_domain, isolated_database, store):
    CoachTrackerStore(domain=rasa_domain)
    conn = sqlite3.connect(isolated_database.replace("sqlite:///", "", 1))
    try:
        names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    finally:
        conn.close()
    assert {"events", "coach_people", "coach_assessments"} <= names


def test_tracker_store_on_postgres(rasa_domain, postgres_url):
    sender = "pg-user"
    writer = CoachTrackerStore(domain=rasa_domain, url=postgres_url)
    asyncio.run(writer.save(_tracker(rasa_domain, sender)))
    writer.engine.dispose()
    engine = create_engine(postgres_url, future=True)
    try:
        with engine.connect() as conn:
            data = conn.execute(text("select data from events where sender_id = :s"), {"s": sender}).scalars().all()
    finally:
        engine.dispose()
    assert len(data) == 7
    assert not any(NHS in d for d in data)
    assert any("[NHS number]" in d for d in data)
    store = CoachTrackerStore(domain=rasa_domain, url=postgres_url)
    again = asyncio.run(store.retrieve(sender))
    store.engine.dispose()
    assert again.get_slot("assessment_note") == "[name] rang from [phone number]"
