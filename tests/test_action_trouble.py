"""The trouble reply when the action server cannot be reached (bot/rasa_ext/action_trouble.py).

Real ``RemoteAction``s and a real ``FormAction`` of Rasa 3.6 against a closed port (nothing
listening) and against a small aiohttp server that answers 400, 401 or 500; no model is needed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, List, Optional

import pytest

from bot.rasa_ext import action_trouble as trouble
from bot.rasa_ext import runtime
from bot.servers import free_port

rasa_action = pytest.importorskip("rasa.core.actions.action")
from rasa.core.actions.forms import FormAction  # noqa: E402
from rasa.core.channels.channel import CollectingOutputChannel  # noqa: E402
from rasa.core.nlg import TemplatedNaturalLanguageGenerator  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.shared.exceptions import RasaException  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

RemoteAction = rasa_action.RemoteAction
ActionExecutionRejection = rasa_action.ActionExecutionRejection

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [choose_level, stop]
slots:
  assessment_level:
    type: any
    mappings:
      - type: from_text
        conditions:
          - active_loop: assessment_form
            requested_slot: assessment_level
  assessment_note:
    type: any
    mappings:
      - type: from_text
        conditions:
          - active_loop: assessment_form
            requested_slot: assessment_note
forms:
  assessment_form:
    required_slots: [assessment_level, assessment_note]
actions: [validate_assessment_form, action_ask_assessment_level, action_ask_assessment_note, action_pause]
""")
FORM = "assessment_form"


@pytest.fixture(scope="module", autouse=True)
def installed():
    assert trouble.install(), "action_trouble did not install: see test_pinned_to_rasa_3_6_21"
    yield


def closed_endpoint() -> EndpointConfig:
    return EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")  # nothing listens there


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("rest:someone", list(events), slots=DOMAIN.slots)


def in_the_form(answer: str = "strong", *after: Any) -> DialogueStateTracker:
    """Question 1 of the form is asked; the person answers it (action_extract_slots filled the slot)."""
    return tracker(
        ActionExecuted("action_listen"), UserUttered("let's start"),
        ActionExecuted(FORM), ActiveLoop(FORM), SlotSet("requested_slot", "assessment_level"),
        BotUttered("How would you rate it?"), ActionExecuted("action_listen"),
        UserUttered(answer), SlotSet("assessment_level", answer), *after)


def run(action: Any, t: DialogueStateTracker) -> List[Any]:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, t, DOMAIN))


def said(events: List[Any]) -> List[str]:
    return [e.text for e in events if isinstance(e, BotUttered)]


# --------------------------------------------------------------------------- the pin


def test_pinned_to_rasa_3_6_21():
    problem = trouble.pinned_problem()
    assert problem is None, (
        f"bot/rasa_ext/action_trouble.py was written for Rasa {trouble.RASA_VERSION} and is now NOT applied: "
        f"{problem}. Re-read RemoteAction.run in rasa/core/actions/action.py (how a refused connection, a "
        f"timeout and a 5xx are raised; that a 400 is an ActionExecutionRejection), MessageProcessor._run_action "
        f"in rasa/core/processor.py (a failed action's events are lost) and FormAction.validate_slots / "
        f"_ask_for_slot in rasa/core/actions/forms.py. If they are as before, record the new version and "
        f"SHA-256 in the module (RASA_VERSION, SOURCE_SHA256) and re-run these tests and tests/e2e/test_faults.py."
    )


def test_install_is_idempotent_and_runtime_installs_it():
    assert trouble.install() is True
    assert RemoteAction.run is trouble._run
    assert trouble.source_sha256() == trouble.SOURCE_SHA256
    assert "bot.rasa_ext.action_trouble" in runtime.ADAPTERS
    assert "bot.rasa_ext.action_trouble" in runtime.install()


def test_a_changed_rasa_is_left_unpatched(monkeypatch, caplog):
    original = trouble._PATCH.original
    trouble.uninstall()
    try:
        monkeypatch.setattr(trouble, "SOURCE_SHA256", "0" * 64)
        assert trouble.install() is False
        assert RemoteAction.run is original
        assert "rasa_adapter_skipped adapter=action_trouble" in caplog.text
    finally:
        monkeypatch.undo()
        assert trouble.install() is True


def test_the_message_is_in_the_catalogue():
    text = trouble.trouble_text()
    assert "trouble" in text and "minute" in text


# --------------------------------------------------------------------------- nothing listening


def test_a_closed_port_gives_the_trouble_reply_and_ends_the_turn(caplog):
    caplog.set_level(logging.WARNING)
    t = tracker(ActionExecuted("action_listen"), UserUttered("stop"))
    events = run(RemoteAction("action_pause", closed_endpoint()), t)
    assert events == [BotUttered(trouble.trouble_text()), FollowupAction("action_listen")]
    assert "event=action_server_unreachable action=action_pause reason=connection" in caplog.text


def test_the_answer_to_the_form_is_set_back_and_the_form_stays():
    events = run(RemoteAction("validate_assessment_form", closed_endpoint()), in_the_form())
    assert said(events) == [trouble.trouble_text()]
    assert SlotSet("assessment_level", None) in events
    assert not any(isinstance(e, SlotSet) and e.key == "requested_slot" for e in events)  # unchanged
    assert not any(isinstance(e, ActiveLoop) for e in events)
    assert events[-1] == FollowupAction("action_listen")


def test_a_rejected_form_is_made_active_again():
    t = in_the_form("stop", ActionExecutionRejected(FORM))
    assert t.active_loop.rejected
    events = run(RemoteAction("action_pause", closed_endpoint()), t)
    assert ActiveLoop(FORM) in events and SlotSet("assessment_level", None) in events


def test_one_trouble_reply_per_message():
    t = in_the_form("strong", BotUttered(trouble.trouble_text()), SlotSet("assessment_level", None))
    events = run(RemoteAction("action_pause", closed_endpoint()), t)
    assert said(events) == [] and events == [FollowupAction("action_listen")]


def test_a_real_form_says_it_once_keeps_its_question_and_stays_active():
    """FormAction validates (fails), then asks its next question (fails too): one reply, nothing moved on."""
    t = in_the_form()
    events = run(FormAction(FORM, closed_endpoint()), t)
    assert said(events) == [trouble.trouble_text()]
    t.update_with_events(events, DOMAIN)
    assert t.active_loop_name == FORM and not t.active_loop.rejected
    assert t.get_slot("requested_slot") == "assessment_level" and t.get_slot("assessment_level") is None
    assert t.followup_action == "action_listen"


# --------------------------------------------------------------------------- a server that answers


class Server:
    """An aiohttp server on a free port answering every POST with ``status`` and ``body``, after ``delay`` s."""

    def __init__(self, status: int, body: Optional[dict] = None, delay: float = 0.0) -> None:
        self.status, self.body, self.delay = status, body or {}, delay
        self.port = free_port()

    async def __aenter__(self) -> EndpointConfig:
        from aiohttp import web

        async def answer(_request: Any) -> Any:
            await asyncio.sleep(self.delay)
            return web.Response(status=self.status, text=json.dumps(self.body), content_type="application/json")

        app = web.Application()
        app.router.add_post("/webhook", answer)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        return EndpointConfig(url=f"http://127.0.0.1:{self.port}/webhook")

    async def __aexit__(self, *exc: Any) -> None:
        await self.runner.cleanup()


def call(status: int, body: Optional[dict] = None, name: str = "validate_assessment_form",
         delay: float = 0.0) -> List[Any]:
    async def go() -> List[Any]:
        async with Server(status, body, delay) as endpoint:
            nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
            return await RemoteAction(name, endpoint).run(CollectingOutputChannel(), nlg, in_the_form(), DOMAIN)

    return asyncio.run(go())


def test_a_rejection_still_propagates():
    with pytest.raises(ActionExecutionRejection):
        call(400, {"action_name": "validate_assessment_form", "error": "not an answer"})


def test_a_client_error_still_propagates():
    with pytest.raises(RasaException) as raised:
        call(401, {"error": "no secret"})
    assert not isinstance(raised.value, ActionExecutionRejection)


def test_a_server_error_gives_the_trouble_reply(caplog):
    caplog.set_level(logging.WARNING)
    events = call(500, {"error": "boom"})
    assert said(events) == [trouble.trouble_text()]
    assert "reason=http_500" in caplog.text


def test_a_good_answer_is_rasas_own():
    events = call(200, {"events": [{"event": "slot", "name": "assessment_level", "value": "strong"}],
                        "responses": []})
    assert events == [SlotSet("assessment_level", "strong")]


GOOD_ANSWER = {"events": [{"event": "slot", "name": "assessment_level", "value": "strong"}], "responses": []}


def test_a_call_slower_than_the_action_timeout_gives_the_trouble_reply(monkeypatch, caplog):
    """Rasa would wait 5 minutes, holding the conversation's lock; the coach waits COACH_ACTION_TIMEOUT_SECONDS."""
    caplog.set_level(logging.WARNING)
    monkeypatch.setenv("COACH_ACTION_TIMEOUT_SECONDS", "0.5")
    started = time.monotonic()
    events = call(200, GOOD_ANSWER, delay=3.0)
    assert time.monotonic() - started < 2.5
    assert said(events) == [trouble.trouble_text()]
    assert SlotSet("assessment_level", None) in events and events[-1] == FollowupAction("action_listen")
    assert "event=action_server_unreachable action=validate_assessment_form reason=timeout" in caplog.text


def test_a_call_within_the_action_timeout_is_rasas_own(monkeypatch):
    monkeypatch.setenv("COACH_ACTION_TIMEOUT_SECONDS", "5")
    assert call(200, GOOD_ANSWER, delay=0.6) == [SlotSet("assessment_level", "strong")]


def test_the_action_timeout_setting(monkeypatch):
    monkeypatch.delenv("COACH_ACTION_TIMEOUT_SECONDS", raising=False)
    assert trouble.action_timeout() == trouble.DEFAULT_ACTION_TIMEOUT_SECONDS == 10.0
    for raw, expected in (("2.5", 2.5), ("0", 10.0), ("-1", 10.0), ("soon", 10.0), ("", 10.0)):
        monkeypatch.setenv("COACH_ACTION_TIMEOUT_SECONDS", raw)
        assert trouble.action_timeout() == expected


def test_failure_reasons():
    import aiohttp

    def raised_from(inner: BaseException) -> RasaException:
        try:
            try:
                raise inner
            except BaseException:
                raise RasaException("Failed to execute custom action")
        except RasaException as outer:
            return outer

    assert trouble.failure_reason(asyncio.TimeoutError()) == "timeout"
    assert trouble.failure_reason(raised_from(aiohttp.ServerDisconnectedError())) == "connection"
    assert trouble.failure_reason(RasaException("no endpoint configured")) is None
    assert trouble.failure_reason(ValueError("schema")) is None
    assert trouble.failure_reason(ActionExecutionRejection("x")) is None
