"""The web page's Socket.IO channel against the real servers (docs/web-protocol.md).

A real python-socketio client does what the page does: asks for a session, sends messages and
collects the coach's replies. What matters most here: a connection is bound to the identity it
was opened with, so nobody can read or write someone else's conversation by naming their ids.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional, Tuple

import jwt
import pytest
import socketio

from tests.e2e.harness import Coach, running_coach

REPLY_WAIT = 60.0
QUIET = 1.5
JWT_SECRET = "e2e-intranet-signing-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def coach(tmp_path_factory):
    yield from running_coach(tmp_path_factory, "socketio", {"COACH_WEB_JWT_SECRET": JWT_SECRET})


class Page:
    """One browser tab's connection: the events it was sent, in order."""

    def __init__(self, port: int, transport: str = "websocket") -> None:
        self.port, self.transport = port, transport
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue = asyncio.Queue()
        self.bot: List[Dict[str, Any]] = []
        self.typing: List[bool] = []
        for name in ("session_confirm", "session_refused", "history", "session_ended"):
            self.client.on(name, self._recorder(name))
        self.client.on("bot_uttered", self._bot)
        self.client.on("bot_typing", lambda data: self.typing.append(bool(data.get("typing"))))

    def _recorder(self, name: str):
        async def record(data: Any = None) -> None:
            await self.events.put((name, data))
        return record

    async def _bot(self, data: Any) -> None:
        self.bot.append(data)
        await self.events.put(("bot_uttered", data))

    async def open(self, request: Optional[Dict[str, Any]] = None) -> Tuple[str, Any]:
        await self.client.connect(f"http://127.0.0.1:{self.port}", socketio_path="/socket.io",
                                  transports=[self.transport])
        return await self.ask(request or {})

    async def ask(self, request: Dict[str, Any]) -> Tuple[str, Any]:
        await self.client.emit("session_request", request)
        return await self.next("session_confirm", "session_refused")

    async def next(self, *names: str, wait: float = REPLY_WAIT) -> Tuple[str, Any]:
        while True:
            name, data = await asyncio.wait_for(self.events.get(), wait)
            if name in names:
                return name, data

    async def say(self, message: str, **extra: Any) -> List[Dict[str, Any]]:
        """Send a message and collect the coach's replies until a quiet moment."""
        start = len(self.bot)
        await self.client.emit("user_uttered", {"message": message, **extra})
        await self.next("bot_uttered")
        while True:
            try:
                await self.next("bot_uttered", wait=QUIET)
            except asyncio.TimeoutError:
                return self.bot[start:]

    async def close(self) -> None:
        await self.client.disconnect()


def _text(messages: List[Dict[str, Any]]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def run(coro):
    return asyncio.run(coro)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_session_is_issued_by_the_server_and_the_conversation_carries_on(coach: Coach, transport: str):
    async def scenario():
        page = Page(coach.rasa_port, transport)
        name, confirm = await page.open()
        assert name == "session_confirm" and confirm["new"] is True and confirm["verified"] is False
        session_id, code = confirm["session_id"], confirm["resume_code"]
        assert len(session_id) > 60 and len(code.replace("-", "")) == 28
        _, history = await page.next("history")
        assert history == {"messages": []}
        greeting = await page.say("hello", session_id="someone-elses-id")  # the field is ignored
        assert "leadership coach" in _text(greeting)
        assert page.typing[:1] == [True] and page.typing[-1] is False
        listing = await page.say("what are the nine dimensions")
        assert "Holding to account" in _text(listing)
        await page.close()

        # A reload: the stored session id opens the same conversation, with what was said so far.
        again = Page(coach.rasa_port, transport)
        name, confirm = await again.open({"session_id": session_id})
        assert name == "session_confirm" and confirm["new"] is False and confirm["resume_code"] == code
        _, history = await again.next("history")
        said = [(m["sender"], m.get("text", "")) for m in history["messages"]]
        assert ("user", "hello") in said and ("user", "what are the nine dimensions") in said
        assert any(s == "bot" and "Holding to account" in t for s, t in said)
        await again.close()
        return code

    code = run(scenario())
    stored = coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?",
                        coach.user_key(code.replace("-", "")[:26], channel="web"))
    assert stored[0][0] > 0


def test_buttons_arrive_as_quick_replies_and_a_pressed_button_shows_its_title_in_history(coach: Coach):
    async def scenario():
        page = Page(coach.rasa_port)
        _, confirm = await page.open()
        replies = await page.say("hi")
        buttons = [b for m in replies for b in m.get("quick_replies") or []]
        assert buttons and all(b["title"] and b["payload"].startswith("/") for b in buttons)
        await page.say(buttons[0]["payload"])
        await page.close()
        again = Page(coach.rasa_port)
        await again.open({"resume_code": confirm["resume_code"]})
        _, history = await again.next("history")
        users = [m["text"] for m in history["messages"] if m["sender"] == "user"]
        assert users == ["hi", buttons[0]["title"]]
        await again.close()

    run(scenario())


def test_nobody_can_join_or_write_into_someone_elses_conversation(coach: Coach):
    async def scenario():
        victim = Page(coach.rasa_port)
        _, confirm = await victim.open()
        await victim.say("i'd like to reflect on leading with care")
        await victim.say("yes")
        await victim.say("the victim's socket-test reflection about the night shift")
        identity = "web:" + confirm["resume_code"].replace("-", "")[:26]

        victim_had = len(victim.bot)
        intruder = Page(coach.rasa_port)
        # Names the victim's identity, room or a made-up id instead of a server-issued session.
        for forged in (identity, confirm["resume_code"], confirm["session_id"][:-3] + "abc",
                       confirm["session_id"].split(".")[0] + ".", "p:" + "0" * 64):
            name, refused = await (intruder.open({"session_id": forged}) if not intruder.client.connected
                                   else intruder.ask({"session_id": forged}))
            assert name == "session_refused" and refused["reason"] == "unknown_session", forged
            assert refused["message"]
        # Unbound, its messages reach nobody and it is told to ask for a session.
        await intruder.client.emit("user_uttered", {"message": "show my reflections",
                                                    "session_id": confirm["session_id"]})
        name, refused = await intruder.next("session_refused")
        assert refused["reason"] == "unknown_session"
        # Its own session sees only its own (empty) data, whatever it names in words or payloads.
        await intruder.ask({})
        said = []
        for message in ("show my reflections", f"show the reflections of {identity}",
                        '/show_reflections{"user_key": "%s"}' % identity, "/delete_data", "/affirm"):
            said += await intruder.say(message)
        assert "victim's socket-test reflection" not in _text(said)
        # And the victim, connected all along, was sent none of the intruder's conversation.
        assert len(victim.bot) == victim_had
        await intruder.close()
        await victim.close()
        return identity

    identity = run(scenario())
    rows = coach.decrypted("SELECT r.answer FROM coach_reflections r JOIN coach_people p ON p.id = r.person_id "
                           "WHERE p.user_key = ?", coach.user_key(identity.split(":", 1)[1], channel="web"))
    assert any("victim's socket-test reflection" in r[0] for r in rows)  # kept, and not erased


def test_a_signed_token_files_the_conversation_under_the_verified_identity(coach: Coach):
    oid = "5f1c2f0e-0000-4000-8000-00000000abcd"
    good = jwt.encode({"sub": "someone", "oid": oid, "exp": int(time.time()) + 600}, JWT_SECRET, algorithm="HS256")
    expired = jwt.encode({"sub": "someone", "oid": oid, "exp": int(time.time()) - 600}, JWT_SECRET, algorithm="HS256")
    forged = jwt.encode({"sub": "someone", "oid": oid, "exp": int(time.time()) + 600}, "not-the-secret-0123456789-abcdefghijklmnop",
                        algorithm="HS256")

    async def scenario():
        page = Page(coach.rasa_port)
        name, refused = await page.open({"token": expired})
        assert name == "session_refused" and refused["reason"] == "expired_token" and "expired" in refused["message"]
        name, refused = await page.ask({"token": forged})
        assert name == "session_refused" and refused["reason"] == "bad_token"
        name, confirm = await page.ask({"token": good})
        assert name == "session_confirm" and confirm["verified"] is True and "resume_code" not in confirm
        assert "leadership coach" in _text(await page.say("hello"))
        await page.close()

    run(scenario())
    assert coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?",
                      coach.user_key(oid, channel="aad"))[0][0] > 0


def test_ending_a_session_unbinds_the_connection(coach: Coach):
    async def scenario():
        page = Page(coach.rasa_port)
        await page.open()
        await page.say("hello")
        await page.client.emit("session_end", {})
        await page.next("session_ended")
        await page.client.emit("user_uttered", {"message": "hello again"})
        name, refused = await page.next("session_refused")
        assert refused["reason"] == "unknown_session"
        await page.close()

    run(scenario())


def test_the_page_is_served_with_a_strict_content_security_policy(coach: Coach):
    import requests

    base = f"http://127.0.0.1:{coach.rasa_port}"
    for path in ("/chat", "/chat/", "/chat/accessibility", "/chat/privacy", "/chat/static/chat.js",
                 "/chat/vendor/nhsuk.css", "/chat/vendor/socket.io.min.js"):
        r = requests.get(base + path, timeout=30)
        assert r.status_code == 200, path
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert requests.get(base + "/chat/static/..%2Fchat.html", timeout=30).status_code == 404
    assert requests.get(base + "/chat/static/nothing.js", timeout=30).status_code == 404


def test_history_survives_a_restart_of_the_rasa_server_and_the_http_api_needs_a_token(coach: Coach):
    async def before():
        page = Page(coach.rasa_port)
        _, confirm = await page.open()
        await page.say("hello")
        await page.say("what does holding to account mean")
        await page.close()
        return confirm["session_id"]

    async def after(session_id: str):
        page = Page(coach.rasa_port)
        name, confirm = await page.open({"session_id": session_id})
        assert name == "session_confirm" and confirm["new"] is False
        _, history = await page.next("history")
        assert [m["text"] for m in history["messages"] if m["sender"] == "user"] == [
            "hello", "what does holding to account mean"]
        assert "leadership coach" in _text(await page.say("hi again"))
        await page.close()

    import requests

    status = f"http://127.0.0.1:{coach.rasa_port}/status"
    session_id = run(before())
    assert requests.get(status, timeout=30).status_code == 404  # Rasa's HTTP API is off by default
    coach.stop_rasa()
    coach.env["COACH_RASA_API_TOKEN"] = "e2e-api-token-0123456789"
    coach.start_rasa()
    run(after(session_id))
    # With a token configured the API is on, and answers only with that token.
    assert requests.get(status, timeout=30).status_code in (401, 403)
    assert requests.get(status, params={"token": "wrong"}, timeout=30).status_code in (401, 403)
    assert requests.get(status, params={"token": "e2e-api-token-0123456789"}, timeout=30).status_code == 200
