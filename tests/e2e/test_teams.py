"""Microsoft Teams against the real coach: a fake Bot Connector on loopback, the real servers.

The Rasa server is started with ``credentials.yml`` (so with :class:`bot.channels.teams.TeamsInput`)
and the Teams settings pointing at a fake Bot Connector in this process (``tests/test_teams.py``):
its OpenID metadata, key set and token endpoint, and its activities endpoint, where the coach's
replies arrive. Tokens are signed with the test's own RSA key.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest
import requests

from tests.e2e.harness import Coach, running_coach
from tests.e2e.test_socketio import Page
from tests.test_teams import OTHER_KEY, TENANT, FakeConnector, LoopThread, activity, bot_token


WEB_JWT_SECRET = "e2e-intranet-signing-secret-for-teams-0123456789"


@pytest.fixture(scope="module")
def connector():
    loop = LoopThread()
    c = FakeConnector(loop).start()
    try:
        yield c
    finally:
        c.stop()
        loop.stop()


@pytest.fixture(scope="module")
def coach(tmp_path_factory, connector):
    yield from running_coach(tmp_path_factory, "teams",
                             {**connector.settings_env(), "COACH_WEB_JWT_SECRET": WEB_JWT_SECRET})


def _webhook(coach: Coach) -> str:
    return f"{coach.rasa_url}/webhooks/teams/webhook"


def _post(coach: Coach, body: Dict[str, Any], token: str) -> requests.Response:
    return requests.post(_webhook(coach), json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _said(posted: List[Dict[str, Any]]) -> str:
    """Everything the coach posted: activity texts and hero card texts."""
    texts = []
    for p in posted:
        a = p["activity"]
        texts.append(a.get("text", ""))
        texts.extend(att.get("content", {}).get("text", "") for att in a.get("attachments", []))
    return "\n".join(texts)


def _stored(coach: Coach, oid: str) -> int:
    key = coach.user_key(oid, channel="aad")
    return coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?", key)[0][0]


def test_hello_from_teams_gets_the_greeting_and_is_stored_under_the_aad_identity(coach, connector):
    connector.clear()
    oid = str(uuid.uuid4())
    act = activity(connector.service_url, "<at>Leadership coach</at> hello", oid=oid)
    r = _post(coach, act, bot_token(connector.service_url))
    assert r.status_code == 200, r.text
    assert connector.posted, "no reply reached the connector"
    assert all(p["conversation"] == act["conversation"]["id"] for p in connector.posted)
    assert all(p["authorization"].startswith("Bearer connector-token-") for p in connector.posted)
    assert "leadership coach" in _said(connector.posted).lower()
    assert _stored(coach, oid) > 0
    assert coach.rows("SELECT count(*) FROM coach_conversation_events WHERE conversation_key = ?",
                      coach.user_key(act["from"]["id"], channel="aad"))[0][0] == 0


def test_a_bad_token_is_refused_and_nothing_is_stored(coach, connector):
    connector.clear()
    oid = str(uuid.uuid4())
    act = activity(connector.service_url, "hello", oid=oid)
    r = _post(coach, act, bot_token(connector.service_url, key=OTHER_KEY))
    assert r.status_code == 401 and "error" in r.json()
    assert connector.posted == [] and _stored(coach, oid) == 0


def test_a_group_chat_is_invited_to_a_private_chat_and_nothing_is_stored(coach, connector):
    connector.clear()
    oid = str(uuid.uuid4())
    act = activity(connector.service_url, "<at>Leadership coach</at> hello", oid=oid, conversation_type="groupChat")
    assert _post(coach, act, bot_token(connector.service_url)).status_code == 200
    assert "one to one" in _said(connector.posted) and _stored(coach, oid) == 0


def test_the_same_work_identity_on_the_web_page_and_in_teams_is_one_person(coach, connector):
    """A reflection kept on the intranet page (signed token with the person's object id) is the
    person's own in Teams: the same profile, reflections and export, whichever door they use."""
    import asyncio
    import time

    import jwt

    oid = str(uuid.uuid4())
    token = jwt.encode({"sub": "staff-42", "oid": oid.upper(), "tid": TENANT,
                        "exp": int(time.time()) + 600}, WEB_JWT_SECRET, algorithm="HS256")

    async def on_the_web():
        page = Page(coach.rasa_port)
        name, confirm = await page.open({"token": token})
        assert name == "session_confirm" and confirm["verified"]
        await page.say("i'd like to reflect on engaging the team")
        await page.say("yes")
        await page.say("the cross-channel reflection about handovers on the ward")
        await page.close()

    asyncio.run(on_the_web())
    key = coach.user_key(oid, channel="aad")
    kept = coach.decrypted("SELECT r.answer FROM coach_reflections r JOIN coach_people p ON p.id = r.person_id "
                           "WHERE p.user_key = ?", key)
    assert any("cross-channel reflection" in r[0] for r in kept)

    connector.clear()
    act = activity(connector.service_url, "show my reflections", oid=oid)
    assert _post(coach, act, bot_token(connector.service_url)).status_code == 200
    assert "cross-channel reflection about handovers" in _said(connector.posted)
