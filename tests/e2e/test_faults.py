"""Faults with real processes: a server killed with SIGKILL in the middle of a self-assessment.

One pair of servers for the module (each start of the Rasa server loads the model, about a minute).
``make run`` restarts a crashed server (bot/supervise.py, tests/test_supervise.py); here the test
restarts it itself, as the supervisor would, and checks what the person sees and what is kept:

- the action server killed: the next messages each get one short trouble reply (no silence, no
  server error); once it is back the assessment carries on at the same question, and every answer
  is stored (bot/rasa_ext/action_trouble.py);
- the Rasa server killed: the conversation resumes from the tracker store where it was.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from typing import List, Optional

import pytest
import requests

from bot.content import get_content
from tests.e2e.harness import new_sender

ISP, LWC, EVI = "inspiring_shared_purpose", "leading_with_care", "evaluating_information"


def choose(level: str) -> str:
    return "/choose_level" + json.dumps({"level": level}, separators=(",", ":"))


def kill9(proc: Optional[subprocess.Popen]) -> None:
    """SIGKILL the server's whole process group, as a crash would end it, and reap it."""
    assert proc is not None and proc.poll() is None, "the server is not running"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def stored_events(coach, sender: str) -> List[dict]:
    rows = coach.decrypted("SELECT data FROM coach_conversation_events WHERE conversation_key = ? ORDER BY seq",
                           coach.user_key(sender))
    return [json.loads(r[0]) for r in rows]


@pytest.fixture(scope="module")
def trouble() -> str:
    return get_content().say("trouble.action_server")


def test_action_server_killed_mid_assessment_then_rasa_killed(coach, trouble):
    s = new_sender()
    assert "may I keep your answers" in coach.text(coach.say(s, "I'd like to do the self-assessment please"))
    assert "1 of 9: Inspiring shared purpose" in coach.text(coach.say(s, "yes that's fine"))
    assert "What makes you say that?" in coach.text(coach.say(s, choose("strong")))
    assert "2 of 9: Leading with care" in coach.text(coach.say(s, "I lead the safety huddle"))

    # ---- the action server dies: every message gets one kind reply, and nothing moves on. An answer
    # (the form's validation fails) and a command (the form steps aside, then the command's action fails).
    kill9(coach.actions)
    for message in (choose("proficient"), "stop"):
        replies = coach.say(s, message)  # a 200 with a list, not a server error
        assert [m.get("text") for m in replies] == [trouble], replies
    assert [(r[0], r[1]) for r in coach.ratings(s)] == [(ISP, "strong")]
    assert "event=action_server_unreachable action=validate_assessment_form reason=connection" \
        in coach.rasa_log.read_text(errors="replace")

    # What the person typed meanwhile is in the tracker store, with the reply they got.
    events = stored_events(coach, s)
    typed = [e.get("text") for e in events if e.get("event") == "user"]
    assert typed[-2:] == [choose("proficient"), "stop"]
    assert sum(1 for e in events if e.get("event") == "bot" and e.get("text") == trouble) == 2

    # ---- it is back: the same question takes the answer, as if the outage had not happened.
    coach.start_actions()
    replies = coach.say(s, choose("proficient"))
    assert "What makes you say that?" in coach.text(replies)
    assert "3 of 9: Evaluating information" in coach.text(coach.say(s, "skip"))
    rows = coach.ratings(s)
    assert [(r[0], r[1]) for r in rows] == [(ISP, "strong"), (LWC, "proficient")]
    assert rows[0][3] == "I lead the safety huddle"

    # ---- now the Rasa server dies: nothing answers until it is back (the supervisor's job) ...
    kill9(coach.rasa)
    with pytest.raises(requests.ConnectionError):
        coach.send_raw(s, choose("essential"))
    coach.start_rasa()

    # ... and then the conversation resumes from the tracker store at question 3.
    assert "What makes you say that?" in coach.text(coach.say(s, choose("essential")))
    assert "4 of 9: Connecting our service" in coach.text(coach.say(s, "I check the evidence first"))
    rows = coach.ratings(s)
    assert [(r[0], r[1]) for r in rows] == [(ISP, "strong"), (LWC, "proficient"), (EVI, "essential")]
    assert rows[2][3] == "I check the evidence first"
    assert all(r[4] == "in_progress" for r in rows)
