"""The Socket.IO channel (what web chat widgets use), against the real servers.

A real python-socketio client connects to the Rasa server, asks for a session,
sends messages and waits for the bot's replies, as a browser widget would.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Dict, List

import pytest
import socketio

from tests.e2e.harness import Coach

REPLY_WAIT = 60.0


async def _talk(port: int, session_id: str, messages: List[str], transport: str = "websocket") -> List[List[Dict]]:
    """Send each message in turn and collect the bot's replies to it (until a quiet second)."""
    client = socketio.AsyncClient(reconnection=False)
    inbox: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()

    @client.on("session_confirm")
    async def _confirm(data):  # noqa: ANN001
        confirmed.set()

    @client.on("bot_uttered")
    async def _reply(data):  # noqa: ANN001
        await inbox.put(data)

    await client.connect(f"http://127.0.0.1:{port}", socketio_path="/socket.io", transports=[transport])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), REPLY_WAIT)
        answers = []
        for message in messages:
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            replies = [await asyncio.wait_for(inbox.get(), REPLY_WAIT)]
            while True:
                try:
                    replies.append(await asyncio.wait_for(inbox.get(), 1.0))
                except asyncio.TimeoutError:
                    break
            answers.append(replies)
        return answers
    finally:
        await client.disconnect()


# Widgets connect over WebSocket and fall back to long-polling; both must deliver replies.
@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_socketio_conversation_and_session_persistence(coach: Coach, transport: str):
    # With session persistence on, replies go to the session's room. Rasa 3.6 joins that room
    # without awaiting, which python-socketio 5.10+ needs: constraints.txt pins 5.9. A newer pin
    # makes this test time out waiting for the first reply.
    session = f"sio-{uuid.uuid4().hex}"
    answers = asyncio.run(_talk(coach.rasa_port, session, ["hello", "what are the nine dimensions"], transport))
    greeting = " ".join(m.get("text", "") for m in answers[0])
    listing = " ".join(m.get("text", "") for m in answers[1])
    assert "leadership coach" in greeting
    assert "Holding to account" in listing and "Influencing for results" in listing

    # Same session id on a new connection (a page reload): the conversation carries on, and the
    # widget's session id is the sender id whose HMAC key the tracker store files it under.
    answers = asyncio.run(_talk(coach.rasa_port, session, ["I'd like to do the self-assessment please"], transport))
    text = " ".join(m.get("text", "") for m in answers[0])
    assert "may I keep your answers" in text
    stored = coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?",
                        coach.user_key(session, channel="sio"))
    assert stored[0][0] > 0


def test_socketio_buttons_arrive_as_quick_replies(coach: Coach):
    session = f"sio-{uuid.uuid4().hex}"
    answers = asyncio.run(_talk(coach.rasa_port, session, ["hi"]))
    buttons = [b for m in answers[0] for b in (m.get("quick_replies") or m.get("buttons") or [])]
    assert buttons, answers
    assert all("title" in b and "payload" in b for b in buttons)


def test_over_socketio_another_persons_key_or_id_reaches_nothing(coach: Coach):
    """A socket session that names someone else's key, REST id or socket id in a payload or in
    words gets only its own (empty) data. (Binding a socket session to the identity it was
    opened with, so a guessed session id cannot be joined, is the web page's work.)"""
    victim = f"victim-{uuid.uuid4().hex}"
    coach.say(victim, "i'd like to reflect on leading with care")
    coach.say(victim, "yes")
    coach.say(victim, "the victim's socket-test reflection about the night shift")
    assert coach.reflections(victim)
    key = coach.user_key(victim)
    intruder = f"sio-{uuid.uuid4().hex}"
    answers = asyncio.run(_talk(coach.rasa_port, intruder, [
        f'/show_reflections{{"user_key": "{key}"}}', f'/export_data{{"sender": "rest:{victim}"}}',
        "show my reflections", f"show the reflections of {victim}", "/delete_data", "/affirm"]))
    said = " ".join(m.get("text", "") for replies in answers for m in replies)
    assert "victim's socket-test reflection" not in said
    assert coach.reflections(victim)  # nothing of the victim's was erased
