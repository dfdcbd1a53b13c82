"""The guard in front of every channel: namespaced identities, payload screening, length and rate
limits, text withheld from logs. Real Rasa objects (UserMessage, CollectingOutputChannel)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import logsafe
from bot.channels import payloads
from bot.channels.guard import Guard, RateLimiter
from bot.content.model import DIMENSION_IDS, LEVEL_IDS

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- payloads


def _button_payloads() -> List[str]:
    """Every payload a button can carry: from the actions' button(...) calls and messages.yml."""
    found = []
    call = re.compile(r'button\([^()]*?(?:\([^()]*\)[^()]*?)*?,\s*"([a-z_]+)"((?:,\s*[a-z_]+=[^,)]+)*)\)')
    for path in (ROOT / "actions").glob("*.py"):
        for intent, kwargs in call.findall(path.read_text()):
            names = re.findall(r"([a-z_]+)=", kwargs)
            found.append((intent, tuple(names)))
    menu = re.findall(r'\("button\.[a-z_]+", "([a-z_]+)"\)', (ROOT / "actions" / "common.py").read_text())
    found.extend((m, ()) for m in menu)
    messages = yaml.safe_load((ROOT / "bot" / "content" / "messages.yml").read_text())
    for response in messages["responses"].values():
        for b in response.get("buttons", []) if isinstance(response, dict) else []:
            parsed = payloads.parse(b["payload"])
            found.append((parsed[0], tuple(parsed[1])))
    return found


def test_every_button_the_coach_shows_is_let_through():
    found = _button_payloads()
    assert len(found) > 30, found  # the scan sees the buttons
    for intent, entity_names in found:
        assert intent in payloads.BUTTON_INTENTS, f"a button sends /{intent}, which the channels would refuse"
        for name in entity_names:
            assert name in payloads.BUTTON_INTENTS[intent], (intent, name)


@pytest.mark.parametrize("payload", [
    "/affirm", "/start_self_assessment", '/choose_level{"level":"strong"}', '/choose_level{"level":"not_sure"}',
    f'/ask_dimension{{"dimension":"{DIMENSION_IDS[0]}"}}', '/ask_recommendation{"career_stage":"early_career"}',
    f'/ask_level{{"level":"{LEVEL_IDS[1]}","dimension":"{DIMENSION_IDS[2]}"}}', "/restart", "/delete_data",
])
def test_what_a_button_sends_goes_through(payload):
    assert payloads.screen(payload) == payload


@pytest.mark.parametrize("payload, as_text", [
    ("/express_distress", "express_distress"),
    ("/no_such_intent", "no_such_intent"),
    ('/choose_level{"level": "legendary"}', 'choose_level{"level": "legendary"}'),
    ('/export_data{"user_key": "abc"}', 'export_data{"user_key": "abc"}'),
    ('/ask_dimension{"dimension": ["a", "b"]}', 'ask_dimension{"dimension": ["a", "b"]}'),
    ('/show_profile{"sender": "rest:someone-else"}', 'show_profile{"sender": "rest:someone-else"}'),
    ("/action_delete_data", "action_delete_data"),
    ("//affirm", "affirm"),
    ("/ i hate mondays", "i hate mondays"),
    ("/session_start", "session_start"),
])
def test_anything_else_is_read_as_text(payload, as_text):
    assert payloads.screen(payload) == as_text


def test_ordinary_text_is_untouched():
    for text in ("hello", "my manager said 1/2 the team is off", "", "a/b"):
        assert payloads.screen(text) == text


# --------------------------------------------------------------------------- the guard


class _Recorder:
    def __init__(self) -> None:
        self.seen: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")


def _send(guard: Guard, recorder: _Recorder, sender, text: str):
    out = CollectingOutputChannel()
    asyncio.run(guard.wrap(recorder)(UserMessage(text, out, sender)))
    return [m.get("text") for m in out.messages]


def test_the_identity_is_namespaced_by_channel():
    recorder = _Recorder()
    _send(Guard("rest"), recorder, "abc", "hello")
    _send(Guard("sio"), recorder, "abc", "hello")
    assert [m.sender_id for m in recorder.seen] == ["rest:abc", "sio:abc"]
    # A REST sender that looks like another channel's identity is still a REST identity.
    _send(Guard("rest"), recorder, "teams:29:someone", "hello")
    assert recorder.seen[-1].sender_id == "rest:teams:29:someone"


@pytest.mark.parametrize("sender", ["", "   ", "x" * 201, "a\nb", None])
def test_a_message_without_a_usable_sender_is_refused_kindly(sender):
    recorder = _Recorder()
    replies = _send(Guard("rest"), recorder, sender if sender is not None else "", "hello")
    assert recorder.seen == []
    assert replies and "sender id" in replies[0]


def test_an_overlong_message_is_answered_not_processed(monkeypatch):
    monkeypatch.setenv("COACH_MAX_MESSAGE_CHARS", "100")
    recorder = _Recorder()
    replies = _send(Guard("rest"), recorder, "abc", "x" * 101)
    assert recorder.seen == [] and "100 characters" in replies[0]
    assert _send(Guard("rest"), recorder, "abc", "x" * 100) == ["ok"]


def test_the_rate_limit_answers_politely_and_recovers():
    now = [1000.0]
    limiter = RateLimiter(3, window=60, clock=lambda: now[0])
    guard, recorder = Guard("rest", limiter), _Recorder()
    assert [_send(guard, recorder, "abc", "hi") for _ in range(3)] == [["ok"]] * 3
    refused = _send(guard, recorder, "abc", "hi")
    assert refused != ["ok"] and "faster" in refused[0]
    assert _send(guard, recorder, "someone-else", "hi") == ["ok"]  # per sender
    now[0] += 61
    assert _send(guard, recorder, "abc", "hi") == ["ok"]
    assert len(recorder.seen) == 5


def test_the_limiter_forgets_the_oldest_senders():
    limiter = RateLimiter(1, size=3)
    for s in "abcd":
        assert limiter.allow(s)
    assert len(limiter._seen) == 3


def test_payloads_are_screened_before_the_coach_hears_them():
    recorder = _Recorder()
    _send(Guard("rest"), recorder, "abc", '/export_data{"user_key": "someone"}')
    _send(Guard("rest"), recorder, "abc", '/choose_level{"level":"strong"}')
    assert [m.text for m in recorder.seen] == ['export_data{"user_key": "someone"}', '/choose_level{"level":"strong"}']


# --------------------------------------------------------------------------- logs


def test_the_text_being_handled_is_withheld_from_logs(caplog):
    class Leaky:
        async def __call__(self, message: UserMessage) -> None:
            logging.getLogger("rasa.core.processor").warning("Received user message '%s'", message.text)
            logging.getLogger("rasa.core.channels.rest").error(json.dumps({"text": message.text}))
            logging.getLogger("rasa.core.channels.rest").error(json.dumps({"text": message.text}, ensure_ascii=False))
            logging.getLogger("coach.actions").info("event=something count=3")

    caplog.handler.addFilter(logsafe.WithholdText())
    text = 'the "quokka" incident ’ in bay 3'
    out = CollectingOutputChannel()
    with caplog.at_level(logging.INFO):
        asyncio.run(Guard("rest").wrap(Leaky())(UserMessage(text, out, "abc")))
    logged = caplog.text
    assert "quokka" not in logged
    assert logged.count(logsafe.WITHHELD) == 3 and "event=something count=3" in logged
