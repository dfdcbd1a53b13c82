"""The privacy actions as the action server runs them: real trackers, dispatcher, content and a
real SQLite file. What a person can ask about, copy and erase, and that it is only ever their own."""

from __future__ import annotations

import asyncio
import json
import stat
from typing import Any, Dict, List, Tuple

from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import (ActionAnswerPrivacy, ActionConfirmDelete, ActionDeleteData, ActionExportData,
                             ActionKeepData, ActionWithdrawConsent)
from bot import privacy
from bot.identity import user_key
from conftest import make_tracker

ME, OTHER = "rest:me", "rest:someone-else"


def run(action, tracker, domain) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def text_of(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _after(action_name: str, sender: str = ME, text: str = "yes"):
    """A tracker whose last action before the person's message was ``action_name``."""
    return make_tracker(sender, text=text, intent="affirm", events=[
        {"event": "action", "name": action_name}, {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text}])


def _keep(store, sender: str, answer: str) -> None:
    store.people.record_consent(user_key(sender), True)
    store.reflections.add(user_key(sender), "p1", "What happened?", answer, dimension_id="leading_with_care")


def test_a_privacy_question_gets_its_topic_answer_and_the_data_buttons(domain, monkeypatch):
    monkeypatch.setenv("COACH_RETENTION_DAYS", "90")
    messages, events = run(ActionAnswerPrivacy(), make_tracker(ME, text="how long do you keep my stuff"), domain)
    assert text_of(messages) == privacy.answer("how_long", retention_days="90", conversation_days="30",
                                               export_hours="24",
                                               contact="the data protection officer of the organisation "
                                                       "that runs this coach")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/export_data", "/delete_data"]
    assert events == []


def test_the_same_question_twice_is_not_answered_with_the_same_message_twice(domain):
    first, _ = run(ActionAnswerPrivacy(), make_tracker(ME, text="can my manager see this"), domain)
    said = text_of(first)
    tracker = make_tracker(ME, text="who can see what I write", events=[
        {"event": "user", "text": "can my manager see this"}, {"event": "bot", "text": said},
        {"event": "action", "name": "action_listen"}, {"event": "user", "text": "who can see what I write"}])
    second, _ = run(ActionAnswerPrivacy(), tracker, domain)
    assert text_of(second) != said and said in text_of(second) and "another way" in text_of(second)


def test_an_export_holds_my_data_and_nobody_elses(domain, store, monkeypatch):
    monkeypatch.setenv("COACH_PUBLIC_URL", "https://coach.example.nhs.uk/")
    _keep(store, ME, "my own <script>alert('x')</script> words")
    _keep(store, OTHER, "someone else's words")
    messages, _ = run(ActionExportData(), make_tracker(ME, text="export my data"), domain)
    text = text_of(messages)
    assert "https://coach.example.nhs.uk/webhooks/exports/" in text and "24 hours" in text
    token = text.split("/webhooks/exports/")[1].split(".")[0]
    record = store.exports.open(token)
    data = json.loads(record.json_text)
    assert [r["answer"] for r in data["reflections"]] == ["my own <script>alert('x')</script> words"]
    assert "someone else's" not in record.json_text and "someone else's" not in record.html_text
    # What a person once typed is shown as text on the page, never as HTML.
    assert "<script>" not in record.html_text and "&lt;script&gt;" in record.html_text


def test_in_the_terminal_the_export_is_written_to_owner_only_files(domain, store, tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_EXPORT_DIR", str(tmp_path / "exports"))
    _keep(store, ME, "terminal words")
    messages, _ = run(ActionExportData(), make_tracker(ME, text="export my data"), domain)
    files = sorted((tmp_path / "exports").iterdir())
    assert [f.suffix for f in files] == [".html", ".json"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert str(files[0]) in text_of(messages)
    # Erasing removes them too.
    run(ActionDeleteData(), _after("action_confirm_delete"), domain)
    assert list((tmp_path / "exports").iterdir()) == []


def test_delete_asks_first_and_never_erases_without_the_question(domain, store):
    _keep(store, ME, "keep me for now")
    messages, events = run(ActionConfirmDelete(), make_tracker(ME, text="delete my data"), domain)
    assert "1 reflection answer" in text_of(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    # "yes" out of the blue (or a hand-typed action) only asks the question.
    messages, events = run(ActionDeleteData(), _after("action_show_profile"), domain)
    assert "can't be undone" in text_of(messages) and store.reflections.recent(user_key(ME))
    assert not any(e.get("name") == "data_erased" for e in events)


def test_yes_after_the_question_erases_only_me(domain, store):
    _keep(store, ME, "mine")
    _keep(store, OTHER, "theirs")
    messages, events = run(ActionDeleteData(), _after("action_confirm_delete"), domain)
    assert "deleted everything" in text_of(messages)
    assert {"event": "slot", "timestamp": None, "name": "data_erased", "value": True} in events
    assert all(v == 0 for v in store.lifecycle.inventory(user_key(ME)).values())
    assert store.reflections.recent(user_key(OTHER))[0].answer == "theirs"


def test_erasing_in_the_middle_of_a_form_ends_it(domain, store):
    tracker = make_tracker(ME, text="delete my data", active_loop="reflection_form")
    _, events = run(ActionConfirmDelete(), tracker, domain)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


def test_no_keeps_everything(domain, store):
    _keep(store, ME, "still here")
    messages, _ = run(ActionKeepData(), _after("action_confirm_delete", text="no"), domain)
    assert "haven't deleted" in text_of(messages)
    assert store.reflections.recent(user_key(ME))


def test_withdrawing_consent_is_recorded_and_offers_erasure(domain, store):
    _keep(store, ME, "before withdrawing")
    messages, events = run(ActionWithdrawConsent(), make_tracker(ME, text="i withdraw my consent"), domain)
    assert store.people.has_consent(user_key(ME)) is False
    assert "/delete_data" in [b["payload"] for b in messages[0]["buttons"]]
    assert "1 reflection answer" in text_of(messages)
    # With nothing kept there is nothing to offer to delete.
    messages, _ = run(ActionWithdrawConsent(), make_tracker(OTHER, text="opt me out"), domain)
    assert "nothing of that kind" in text_of(messages)
