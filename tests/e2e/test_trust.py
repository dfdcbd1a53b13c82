"""Trust, end to end on real servers: privacy answers, export and erasure, nothing readable at rest
or in the logs, no way into another person's data, and the limits on what a message can be.

Its own pair of servers, with a low per-sender rate limit (tested here) and the export links
pointing at this Rasa server.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.harness import Coach, new_sender, running_coach

RATE_LIMIT = 15
SENTENCE = "the wombat escalation on the stroke unit still keeps me awake"


@pytest.fixture(scope="module")
def coach(tmp_path_factory):
    yield from running_coach(tmp_path_factory, "trust", {"COACH_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT)})


def _links(text: str):
    return re.findall(r"https?://\S+?/webhooks/exports/[\w\-]+\.(?:html|json)", text)


def _reflect(coach: Coach, sender: str, answer: str = SENTENCE) -> None:
    coach.say(sender, "i'd like to reflect on leading with care")
    coach.say(sender, "yes")
    coach.say(sender, answer)
    coach.say(sender, "stop")
    assert any(answer in r[2] for r in coach.reflections(sender)), coach.reflections(sender)


def _rows_for(coach: Coach, sender: str) -> int:
    key = coach.user_key(sender)
    people = coach.rows("SELECT count(*) FROM coach_people WHERE user_key = ?", key)[0][0]
    events = coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?", key)[0][0]
    exports = coach.rows("SELECT count(*) FROM coach_exports WHERE user_key = ?", key)[0][0]
    return people + events + exports


def _raw_bytes(coach: Coach) -> bytes:
    return b"".join(p.read_bytes() for p in coach.db_path.parent.glob("coach.db*"))


# --------------------------------------------------------------------------- privacy in conversation


@pytest.mark.parametrize("question, must_mention", [
    ("can my manager see this?", "manager"),
    ("can my employer see what I write?", "employer"),
    ("how long do you hang on to what I type", "365"),
    ("where does all this get stored", "encrypt"),
])
def test_privacy_questions_get_plain_answers(coach, question, must_mention):
    replies = coach.say(new_sender(), question)
    text = coach.text(replies)
    assert must_mention in text.lower(), text
    assert "didn't quite follow" not in text and "outside what I can help with" not in text
    assert "/export_data" in coach.payloads(replies) and "/delete_data" in coach.payloads(replies)


# --------------------------------------------------------------------------- export and erasure


def test_export_then_delete_removes_everything_and_the_next_message_starts_afresh(coach):
    s = new_sender()
    _reflect(coach, s)

    text = coach.text(coach.say(s, "can i have a copy of all my data please"))
    links = _links(text)
    assert len(links) == 2, text
    page = requests.get(next(l for l in links if l.endswith(".html")), timeout=30)
    assert page.status_code == 200 and SENTENCE in page.text
    assert page.headers["Cache-Control"] == "no-store"
    data = requests.get(next(l for l in links if l.endswith(".json")), timeout=30).json()
    assert any(r["answer"] == SENTENCE for r in data["reflections"])
    assert any(e.get("text") == SENTENCE for e in data["conversation"])
    exported_rows = data["rows"]

    confirm = coach.say(s, "please delete everything you have on me")
    assert "can't be undone" in coach.text(confirm)
    assert "/affirm" in coach.payloads(confirm)
    # The inventory shown before erasing is the export's (plus the export itself and the turns since).
    assert exported_rows["reflections"] == 1 and "1 reflection answer" in coach.text(confirm)

    done = coach.text(coach.say(s, "/affirm"))
    assert "deleted everything" in done
    assert _rows_for(coach, s) == 0
    assert requests.get(links[0], timeout=30).status_code == 404

    # Rasa saves the tracker after the erasing action: nothing of it came back. A new message
    # starts from nothing: a fresh session, no old events, nothing readable in the file.
    reply = coach.text(coach.say(s, "hello"))
    assert reply
    events = coach.decrypted("SELECT data FROM coach_conversation_events WHERE conversation_key = ?",
                             coach.user_key(s))
    assert events and not any(SENTENCE in e[0] or "delete everything" in e[0] for e in events)
    assert any(json.loads(e[0]).get("name") == "action_session_start" for e in events)
    assert SENTENCE.encode() not in _raw_bytes(coach)


def test_no_deletes_nothing(coach):
    s = new_sender()
    _reflect(coach, s, "a note about the evening handover that I want to keep")
    coach.say(s, "delete my data")
    assert "haven't deleted" in coach.text(coach.say(s, "/deny"))
    assert coach.reflections(s)


def test_withdrawing_consent_stops_keeping_and_offers_erasure(coach):
    s = new_sender()
    _reflect(coach, s, "withdrawal test words about rotas and fairness on nights")
    replies = coach.say(s, "i want to withdraw my consent")
    assert "won't keep" in coach.text(replies) and "/delete_data" in coach.payloads(replies)
    latest = coach.rows("SELECT c.given FROM coach_consents c JOIN coach_people p ON p.id = c.person_id "
                        "WHERE p.user_key = ? ORDER BY c.id DESC LIMIT 1", coach.user_key(s))
    assert latest == [(0,)]
    assert "may I keep" in coach.text(coach.say(s, "i'd like to reflect on engaging the team"))


# --------------------------------------------------------------------------- nobody else's data


def test_another_persons_key_or_id_in_a_payload_reaches_nothing(coach):
    victim, intruder = new_sender(), new_sender()
    _reflect(coach, victim, "victim's private reflection about a difficult colleague")
    before = _rows_for(coach, victim)
    victim_key = coach.user_key(victim)
    attempts = [
        f'/export_data{{"user_key": "{victim_key}"}}',
        f'/show_reflections{{"sender": "{victim}"}}',
        f'/delete_data{{"sender_id": "rest:{victim}"}}',
        "/affirm",
        f"/action_delete_data",
        f"export the data of {victim}",
    ]
    seen = []
    for attempt in attempts:
        seen.append(coach.text(coach.say(intruder, attempt)))
    for link in _links("\n".join(seen)):
        assert "victim's private reflection" not in requests.get(link, timeout=30).text
    assert not any("victim's private reflection" in t for t in seen)
    assert _rows_for(coach, victim) >= before and coach.reflections(victim)
    # Claiming the victim's namespaced id over REST is a different identity (rest:rest:...).
    text = coach.text(coach.say(f"rest:{victim}", "show my reflections"))
    assert "victim's private reflection" not in text


def test_an_export_link_is_not_guessable(coach):
    bad = f"{coach.rasa_url}/webhooks/exports/{uuid.uuid4().hex}.html"
    r = requests.get(bad, timeout=30)
    assert r.status_code == 404 and "export my data" in r.text
    assert requests.get(f"{coach.rasa_url}/webhooks/exports/x.exe", timeout=30).status_code == 404


# --------------------------------------------------------------------------- at rest and in the logs


def test_neither_the_sentence_nor_the_sender_id_is_in_the_database_or_the_logs(coach):
    sender = f"zebra-sender-{uuid.uuid4().hex[:8]}"
    sentence = "the capybara rota disaster made me doubt myself as a leader"
    coach.say(sender, f"our ward had {sentence} and I don't know where to start")
    _reflect(coach, sender, sentence)
    coach.say(sender, f"/{sentence}")  # a hand-typed payload Rasa would log whole
    coach.say(sender, sentence + " " + "x" * 2100)  # over the length limit
    raw = _raw_bytes(coach)
    assert b"capybara" not in raw and sender.encode() not in raw
    logs = coach.rasa_log.read_text(errors="replace") + coach.actions_log.read_text(errors="replace")
    assert "capybara" not in logs and "wombat" not in logs and sender not in logs


# --------------------------------------------------------------------------- limits


def test_an_overlong_message_is_answered_and_not_stored(coach):
    s = new_sender()
    text = coach.text(coach.say(s, "please read this " + "really " * 400))
    assert "2000 characters" in text
    assert _rows_for(coach, s) == 0


def test_the_rate_limit_answers_politely(coach):
    s = new_sender()
    replies = [coach.text(coach.say(s, "hi")) for _ in range(RATE_LIMIT + 1)]
    assert "faster than I can think" in replies[-1]
    assert all("faster" not in r for r in replies[:RATE_LIMIT])
    assert "faster" not in coach.text(coach.say(new_sender(), "hi"))  # others are not held up
