"""The Microsoft Teams channel: token checks as pure functions, then the whole path on loopback.

A fake Bot Connector (a real aiohttp server on 127.0.0.1) serves the OpenID metadata, the key set,
the token endpoint and ``/v3/conversations/{id}/activities`` (recording what is posted). The real
channel blueprint is mounted in a real Sanic app on loopback, with an ``on_new_message`` that
records what reaches the coach and answers through ``message.output_channel``. Tokens are signed
with an RSA key made here. No trained model is needed. ``FakeConnector`` and ``bot_token`` are
also used by ``tests/e2e/test_teams.py`` against the real coach.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import jwt
import pytest
import requests
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels import teams
from bot.channels.teams import AuthError, TeamsInput, TeamsSettings
from bot.servers import HOST, free_port

APP_ID = "11111111-2222-3333-4444-555555555555"
TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CONNECTOR_TOKEN = "connector-token-" + uuid.uuid4().hex
ISSUER = "https://api.botframework.com"


# --------------------------------------------------------------------------- keys and tokens


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY = new_key()
OTHER_KEY = new_key()


def jwk(key: rsa.RSAPrivateKey, kid: str) -> Dict[str, Any]:
    data = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**data, "kid": kid, "use": "sig", "endorsements": ["msteams"]}


def bot_token(service_url: str, key: rsa.RSAPrivateKey = KEY, kid: str = "key-1", **claims: Any) -> str:
    """A Bot Framework token as Microsoft would sign it; ``claims`` override (None removes one)."""
    now = int(time.time())
    body = {"iss": ISSUER, "aud": APP_ID, "exp": now + 3600, "nbf": now - 60, "serviceurl": service_url}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(service_url: str, kid: str = "key-1") -> str:
    now = int(time.time())
    head = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps({"iss": ISSUER, "aud": APP_ID, "exp": now + 3600, "serviceurl": service_url}).encode())
    return f"{head}.{body}."


def hs256_with_public_key(service_url: str, kid: str = "key-1") -> str:
    """The classic confusion attack: HMAC-signed with the public key's PEM as the secret."""
    secret = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps({"iss": ISSUER, "aud": APP_ID, "exp": now + 3600, "serviceurl": service_url}).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def activity(service_url: str, text: str = "hello", oid: Optional[str] = None, kind: str = "message",
             conversation_type: str = "personal", tenant: str = TENANT, **extra: Any) -> Dict[str, Any]:
    oid = oid if oid is not None else str(uuid.uuid4())
    sender: Dict[str, Any] = {"id": "29:1abc-user", "name": "Sam Example"}
    if oid:
        sender["aadObjectId"] = oid
    data = {
        "type": kind, "id": "act-" + uuid.uuid4().hex[:8], "channelId": "msteams", "serviceUrl": service_url,
        "from": sender, "recipient": {"id": f"28:{APP_ID}", "name": "Leadership coach"},
        "conversation": {"id": "a:conv-" + uuid.uuid4().hex[:8], "conversationType": conversation_type,
                         "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}}, "text": text,
    }
    data.update(extra)
    return data


# --------------------------------------------------------------------------- an event loop in a thread


class LoopThread:
    """An asyncio loop running in a daemon thread; ``run`` waits for a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[Any], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


# --------------------------------------------------------------------------- the fake Bot Connector


class FakeConnector:
    """OpenID metadata, key set, token endpoint and the activities endpoint, on loopback, recording."""

    def __init__(self, loop: LoopThread, keys: Optional[List[Dict[str, Any]]] = None) -> None:
        self.loop = loop
        self.port = free_port()
        self.keys = keys if keys is not None else [jwk(KEY, "key-1")]
        self.requests: List[Tuple[str, str]] = []  # (method, path) of every request, in order
        self.token_forms: List[Dict[str, str]] = []
        self.posted: List[Dict[str, Any]] = []  # {"conversation", "authorization", "activity"}
        self.runner: Optional[web.AppRunner] = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def service_url(self) -> str:
        return self.url + "/"

    def settings_env(self) -> Dict[str, str]:
        """The channel's environment variables pointing at this connector."""
        return {"COACH_TEAMS_APP_ID": APP_ID, "COACH_TEAMS_APP_PASSWORD": "test-secret",
                "COACH_TEAMS_TENANT_ID": TENANT,
                "COACH_TEAMS_OPENID_METADATA_URL": f"{self.url}/openid",
                "COACH_TEAMS_TOKEN_URL": f"{self.url}/{TENANT}/oauth2/v2.0/token"}

    def settings(self, **overrides: Any) -> TeamsSettings:
        settings = TeamsSettings.from_env(self.settings_env())
        assert settings is not None
        return TeamsSettings(**{**settings.__dict__, **overrides})

    def texts(self) -> List[str]:
        return [p["activity"].get("text", "") for p in self.posted]

    def paths(self, method: str = "GET") -> List[str]:
        return [p for m, p in self.requests if m == method]

    def clear(self) -> None:
        self.requests.clear()
        self.posted.clear()
        self.token_forms.clear()

    async def _record(self, request: web.Request) -> None:
        self.requests.append((request.method, request.path))

    async def openid(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def jwks(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"keys": self.keys})

    async def token(self, request: web.Request) -> web.Response:
        await self._record(request)
        self.token_forms.append(dict(await request.post()))
        return web.json_response({"token_type": "Bearer", "expires_in": 3599, "access_token": CONNECTOR_TOKEN})

    async def activities(self, request: web.Request) -> web.Response:
        await self._record(request)
        self.posted.append({"conversation": request.match_info["conversation"],
                            "authorization": request.headers.get("Authorization"),
                            "bytes": len(await request.read()), "activity": await request.json()})
        return web.json_response({"id": uuid.uuid4().hex}, status=201)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/openid", self.openid)
        app.router.add_get("/keys", self.jwks)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self.token)
        app.router.add_post("/v3/conversations/{conversation}/activities", self.activities)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, HOST, self.port).start()

    def start(self) -> "FakeConnector":
        self.loop.run(self._start())
        return self

    def stop(self) -> None:
        if self.runner is not None:
            self.loop.run(self.runner.cleanup())


# --------------------------------------------------------------------------- the channel in a real Sanic app


class Coach:
    """Stands in for Rasa's agent: records each message and answers with ``reply`` (default: echo)."""

    def __init__(self) -> None:
        self.seen: List[UserMessage] = []
        self.reply: Callable[[UserMessage], Awaitable[None]] = self.echo

    @staticmethod
    async def echo(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"you said: {message.text}")

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        await self.reply(message)


class ChannelServer:
    """The real blueprint, mounted as Rasa mounts it (``/webhooks/teams``), in a Sanic app on loopback."""

    def __init__(self, loop: LoopThread, channel: TeamsInput) -> None:
        self.loop, self.channel = loop, channel
        self.coach = Coach()
        self.port = free_port()
        self.server: Any = None

    @property
    def webhook(self) -> str:
        return f"http://{HOST}:{self.port}/webhooks/teams/webhook"

    async def _start(self) -> None:
        Sanic.test_mode = True  # Sanic 21.12 rewrites its own methods per start unless in test mode
        app = Sanic(f"teams_test_{uuid.uuid4().hex[:8]}")
        app.blueprint(self.channel.blueprint(self.coach), url_prefix=f"/webhooks/{self.channel.url_prefix()}")
        self.server = await app.create_server(host=HOST, port=self.port, return_asyncio_server=True)
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()

    def start(self) -> "ChannelServer":
        self.loop.run(self._start())
        return self

    async def _stop(self) -> None:
        await self.server.before_stop()
        await self.server.close()
        await self.server.after_stop()

    def stop(self) -> None:
        if self.server is not None:
            self.loop.run(self._stop())

    def post(self, body: Any, token: Optional[str] = None, header: Optional[str] = None) -> requests.Response:
        headers = {"Authorization": header if header is not None else f"Bearer {token}"} if (token or header) else {}
        return requests.post(self.webhook, json=body, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def loop():
    lt = LoopThread()
    yield lt
    lt.stop()


@pytest.fixture(scope="module")
def connector(loop):
    c = FakeConnector(loop).start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def server(loop, connector):
    s = ChannelServer(loop, TeamsInput(settings=connector.settings())).start()
    yield s
    s.stop()


@pytest.fixture
def fresh(connector, server):
    """The connector's records and the coach's cleared before a test; the echo reply back."""
    connector.clear()
    server.coach.seen.clear()
    server.coach.reply = server.coach.echo
    connector.keys[:] = [jwk(KEY, "key-1")]
    return connector, server


# --------------------------------------------------------------------------- pure checks

SERVICE = "https://smba.trafficmanager.net/emea/"


def _verify(token: str, key: Any = None) -> Dict[str, Any]:
    return teams.verify_token(token, key or KEY.public_key(), app_id=APP_ID, issuers=[ISSUER])


def test_a_good_token_gives_its_claims():
    claims = _verify(bot_token(SERVICE))
    assert claims["aud"] == APP_ID and claims["serviceurl"] == SERVICE


@pytest.mark.parametrize("token, reason", [
    (lambda: bot_token(SERVICE, key=OTHER_KEY), "bad_signature"),
    (lambda: unsigned_token(SERVICE), "wrong_algorithm"),
    (lambda: hs256_with_public_key(SERVICE), "wrong_algorithm"),
    (lambda: bot_token(SERVICE, aud="someone-elses-app"), "wrong_audience"),
    (lambda: bot_token(SERVICE, iss="https://evil.example.org"), "wrong_issuer"),
    (lambda: bot_token(SERVICE, exp=int(time.time()) - 301), "expired"),
    (lambda: bot_token(SERVICE, nbf=int(time.time()) + 600), "not_yet_valid"),
    (lambda: bot_token(SERVICE, exp=None), "missing_claim"),
    (lambda: "not.a.token", "malformed_token"),
])
def test_bad_tokens_are_refused_with_the_reason(token, reason):
    with pytest.raises(AuthError) as refused:
        _verify(token())
    assert refused.value.reason == reason


def test_the_leeway_is_five_minutes():
    assert _verify(bot_token(SERVICE, exp=int(time.time()) - 200))  # a little clock skew is fine
    with pytest.raises(AuthError):
        _verify(bot_token(SERVICE, exp=int(time.time()) - 400))


def test_the_public_key_as_an_hmac_secret_is_refused_even_when_offered_as_the_key():
    pem = KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(AuthError):
        _verify(hs256_with_public_key(SERVICE), key=pem)


@pytest.mark.parametrize("header, reason", [
    (None, "no_authorization"), ("", "no_authorization"), ("Basic abc", "not_bearer"), ("Bearer", "not_bearer"),
    ("Bearer a b", "not_bearer"),
])
def test_the_header_must_be_a_bearer_token(header, reason):
    with pytest.raises(AuthError) as refused:
        teams.bearer_token(header)
    assert refused.value.reason == reason
    assert teams.bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"


def test_the_service_url_must_match_the_claim_and_the_allow_list():
    claims = {"serviceurl": SERVICE}
    assert teams.check_service_url(claims, SERVICE.rstrip("/")) == SERVICE.rstrip("/")
    assert teams.check_service_url({"serviceUrl": SERVICE}, SERVICE)
    for url, reason in [("https://evil.example.org/", "service_url_mismatch"), (None, "no_service_url")]:
        with pytest.raises(AuthError) as refused:
            teams.check_service_url(claims, url)
        assert refused.value.reason == reason
    with pytest.raises(AuthError):
        teams.check_service_url({}, SERVICE)
    assert teams.check_service_url(claims, SERVICE, ["https://smba.trafficmanager.net/"])
    with pytest.raises(AuthError) as refused:
        teams.check_service_url(claims, SERVICE, ["https://smba.trafficmanager.net/amer/"])
    assert refused.value.reason == "service_url_not_allowed"
    evil = "https://smba.trafficmanager.net.evil.example.org/"
    with pytest.raises(AuthError):
        teams.check_service_url({"serviceurl": evil}, evil, ["https://smba.trafficmanager.net"])


def test_the_tenant_must_be_ours_wherever_it_is_named():
    teams.check_tenant(activity(SERVICE), TENANT)
    teams.check_tenant(activity(SERVICE, channelData={}), TENANT.upper())
    for act, reason in [(activity(SERVICE, tenant="other"), "wrong_tenant"),
                        (activity(SERVICE, channelData={"tenant": {"id": "other"}}), "wrong_tenant"),
                        (activity(SERVICE, channelData={}, conversation={"id": "x"}), "no_tenant")]:
        with pytest.raises(AuthError) as refused:
            teams.check_tenant(act, TENANT)
        assert refused.value.reason == reason


@pytest.mark.parametrize("text, expected", [
    ("<at>Leadership coach</at> hello", "hello"),
    ("hi <at id=\"0\">Coach</at>,   how   are you", "hi , how are you"),
    ("  plain text  ", "plain text"),
    ("<AT>Coach</AT>", ""),
    (None, ""),
])
def test_mentions_are_stripped(text, expected):
    assert teams.strip_mentions(text) == expected


def test_long_text_is_split_between_words_and_keeps_every_word():
    words = [f"word{i}" for i in range(1500)]
    text = " ".join(words[:300]) + ".\n\n" + " ".join(words[300:800]) + ". " + " ".join(words[800:])
    parts = teams.split_text(text, 3500)
    assert len(parts) >= 3 and all(len(p) <= 3500 for p in parts)
    assert " ".join(parts).split() == text.split()
    assert parts[0].endswith("word299.")  # the paragraph break is preferred
    assert teams.split_text("short") == ["short"]


def test_many_bytes_make_more_parts():
    text = " ".join(["\U0001F600" * 20] * 170)  # about 3,500 characters of four-byte emoji
    parts = teams.text_parts(text)
    assert len(parts) > 1 and all(len(p.encode()) <= teams.MAX_ACTIVITY_BYTES // 2 for p in parts)


def test_buttons_become_message_back_actions():
    card = teams.hero_card("Pick one", [{"title": "Strong", "payload": '/choose_level{"level":"strong"}'}])
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    (action,) = card["content"]["buttons"]
    assert action == {"type": "messageBack", "title": "Strong", "text": '/choose_level{"level":"strong"}',
                      "displayText": "Strong", "value": {}}


def test_settings_from_the_environment():
    assert TeamsSettings.from_env({}) is None
    assert TeamsSettings.missing({"COACH_TEAMS_APP_ID": APP_ID}) == ["COACH_TEAMS_APP_PASSWORD", "COACH_TEAMS_TENANT_ID"]
    s = TeamsSettings.from_env({"COACH_TEAMS_APP_ID": APP_ID, "COACH_TEAMS_APP_PASSWORD": "x",
                                "COACH_TEAMS_TENANT_ID": TENANT,
                                "COACH_TEAMS_SERVICE_URLS": "https://a.example/, https://b.example/"})
    assert s is not None
    assert s.token_url == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert s.openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert s.issuers == ("https://api.botframework.com", f"https://sts.windows.net/{TENANT}/",
                         f"https://login.microsoftonline.com/{TENANT}/v2.0")
    assert s.service_urls == ("https://a.example/", "https://b.example/")


def test_the_channel_is_registered_and_starts_without_settings_or_network(monkeypatch):
    import yaml

    from bot.servers import ROOT

    for name in teams.REQUIRED_ENV:
        monkeypatch.delenv(name, raising=False)
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert "bot.channels.teams.TeamsInput" in credentials
    channel = TeamsInput.from_credentials(credentials["bot.channels.teams.TeamsInput"])
    assert channel.name() == "teams" and channel.url_prefix() == "teams" and channel.settings is None


# --------------------------------------------------------------------------- the whole path, on loopback


def test_the_key_set_is_fetched_lazily_then_a_valid_activity_reaches_the_coach(loop, connector):
    connector.clear()
    server = ChannelServer(loop, TeamsInput(settings=connector.settings())).start()
    try:
        _first_activities(connector, server)
    finally:
        server.stop()


def _first_activities(connector: FakeConnector, server: ChannelServer) -> None:
    assert connector.requests == []  # nothing fetched while starting
    assert requests.get(server.webhook.rsplit("/", 1)[0] + "/", timeout=10).json() == {"status": "ok"}
    oid = str(uuid.uuid4())
    act = activity(connector.service_url, "<at>Leadership coach</at>  hello there ", oid=oid)
    r = server.post(act, bot_token(connector.service_url))
    assert r.status_code == 200, r.text
    assert connector.paths("GET") == ["/openid", "/keys"]
    (message,) = server.coach.seen
    assert message.sender_id == f"aad:{oid}" and message.text == "hello there" and message.input_channel == "teams"
    (posted,) = connector.posted
    assert posted["authorization"] == f"Bearer {CONNECTOR_TOKEN}"
    assert posted["conversation"] == act["conversation"]["id"]
    assert posted["activity"]["text"] == "you said: hello there"
    assert posted["activity"]["textFormat"] == "plain" and posted["activity"]["replyToId"] == act["id"]
    assert posted["activity"]["from"]["id"] == f"28:{APP_ID}"
    (form,) = connector.token_forms
    assert form == {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": "test-secret",
                    "scope": "https://api.botframework.com/.default"}
    # Cached: a second message fetches neither the keys nor a new connector token.
    assert server.post(activity(connector.service_url, oid=oid), bot_token(connector.service_url)).status_code == 200
    assert connector.paths("GET") == ["/openid", "/keys"] and len(connector.token_forms) == 1
    assert len(server.coach.seen) == 2 and len(connector.posted) == 2


@pytest.mark.parametrize("make_token, headers_only", [
    (lambda url: bot_token(url, key=OTHER_KEY), False),
    (unsigned_token, False),
    (hs256_with_public_key, False),
    (lambda url: bot_token(url, aud="22222222-2222-3333-4444-555555555555"), False),
    (lambda url: bot_token(url, iss="https://sts.windows.net/another-tenant/"), False),
    (lambda url: bot_token(url, exp=int(time.time()) - 600, nbf=int(time.time()) - 4000), False),
    (lambda url: bot_token("https://smba.trafficmanager.net/emea/"), False),
    (lambda url: bot_token(url, kid="no-such-key"), False),
    (lambda url: "", True),
    (lambda url: "Basic dXNlcjpwYXNz", True),
])
def test_anything_but_a_good_token_is_a_401_and_reaches_nobody(fresh, make_token, headers_only):
    connector, server = fresh
    act = activity(connector.service_url)
    value = make_token(connector.service_url)
    r = server.post(act, header=value) if headers_only else server.post(act, value)
    assert r.status_code == 401, r.text
    assert r.json()["error"].startswith("unauthorised")
    assert server.coach.seen == [] and connector.posted == []


def test_a_wrong_tenant_is_a_401(fresh):
    connector, server = fresh
    act = activity(connector.service_url, tenant="99999999-2222-3333-4444-555555555555")
    r = server.post(act, bot_token(connector.service_url))
    assert r.status_code == 401 and "wrong_tenant" in r.json()["error"]
    assert server.coach.seen == [] and connector.posted == []


def test_a_new_key_id_fetches_the_key_set_again_but_not_more_than_once_a_minute(fresh):
    connector, server = fresh
    keys = server.channel.keys
    assert keys is not None
    server.post(activity(connector.service_url), bot_token(connector.service_url))  # keys cached now
    connector.keys.append(jwk(OTHER_KEY, "key-2"))
    connector.clear()
    token = bot_token(connector.service_url, key=OTHER_KEY, kid="key-2")
    keys.tried_at = time.monotonic()  # just fetched: an unknown kid must wait
    assert server.post(activity(connector.service_url), token).status_code == 401
    assert connector.requests == []
    keys.tried_at = time.monotonic() - 61
    r = server.post(activity(connector.service_url), token)
    assert r.status_code == 200, r.text
    assert connector.paths("GET") == ["/openid", "/keys"] and len(server.coach.seen) == 2


def test_a_message_without_an_aad_object_id_is_answered_politely_and_not_processed(fresh):
    connector, server = fresh
    r = server.post(activity(connector.service_url, oid=""), bot_token(connector.service_url))
    assert r.status_code == 200
    assert server.coach.seen == []
    assert connector.texts() == [teams._say("teams.no_identity")]


@pytest.mark.parametrize("conversation_type", ["groupChat", "channel"])
def test_a_group_chat_gets_an_invitation_and_nothing_reaches_the_coach(fresh, conversation_type):
    connector, server = fresh
    act = activity(connector.service_url, "<at>Leadership coach</at> let's do my self-assessment",
                   conversation_type=conversation_type)
    assert server.post(act, bot_token(connector.service_url)).status_code == 200
    assert server.coach.seen == []
    (posted,) = connector.posted
    card = posted["activity"]["attachments"][0]["content"]
    assert "one to one" in card["text"]
    (button,) = card["buttons"]
    assert button["type"] == "openUrl" and button["value"] == f"https://teams.microsoft.com/l/chat/0/0?users=28:{APP_ID}"


def test_a_crisis_in_a_group_chat_also_gets_the_crisis_signposting(fresh):
    connector, server = fresh
    act = activity(connector.service_url, "<at>Coach</at> I want to kill myself", conversation_type="groupChat")
    assert server.post(act, bot_token(connector.service_url)).status_code == 200
    assert server.coach.seen == []
    assert len(connector.posted) == 2
    assert "999" in connector.texts()[0] and "Samaritans" in connector.texts()[0]
    assert connector.posted[1]["activity"]["attachments"][0]["content"]["buttons"][0]["type"] == "openUrl"


def test_group_invitations_are_rate_limited_per_conversation_but_crisis_signposting_never_is(fresh):
    connector, server = fresh
    server.channel.guard.limiter.limit = 2
    hello = activity(connector.service_url, "<at>Coach</at> hello", conversation_type="groupChat")
    for _ in range(4):
        assert server.post(hello, bot_token(connector.service_url)).status_code == 200
    assert len(connector.posted) == 2  # two invitations, then quiet
    connector.clear()
    crisis = activity(connector.service_url, "<at>Coach</at> I want to kill myself", conversation_type="groupChat")
    crisis["conversation"] = hello["conversation"]
    assert server.post(crisis, bot_token(connector.service_url)).status_code == 200
    assert len(connector.posted) == 1 and "Samaritans" in connector.texts()[0]
    assert server.coach.seen == []


def test_a_quiet_group_message_gets_no_signposting(fresh):
    connector, server = fresh
    act = activity(connector.service_url, "<at>Coach</at> hello", conversation_type="groupChat")
    server.post(act, bot_token(connector.service_url))
    assert len(connector.posted) == 1 and "999" not in json.dumps(connector.posted)


def test_buttons_go_out_as_a_hero_card_with_message_back(fresh):
    connector, server = fresh

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {
            "text": "How strong is this for you?",
            "buttons": [{"title": "Strong", "payload": '/choose_level{"level":"strong"}'},
                        {"title": "Not sure", "payload": '/choose_level{"level":"not_sure"}'}]})

    server.coach.reply = reply
    assert server.post(activity(connector.service_url), bot_token(connector.service_url)).status_code == 200
    (posted,) = connector.posted
    (attachment,) = posted["activity"]["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.hero"
    assert attachment["content"]["text"] == "How strong is this for you?"
    assert [(b["type"], b["text"], b["displayText"]) for b in attachment["content"]["buttons"]] == [
        ("messageBack", '/choose_level{"level":"strong"}', "Strong"),
        ("messageBack", '/choose_level{"level":"not_sure"}', "Not sure")]


def test_a_long_reply_is_sent_in_several_activities(fresh):
    connector, server = fresh
    sentence = "Leading a team through change takes patience and clear words. "
    long_text = (sentence * 48 + "\n\n") * 4
    long_text = long_text[:9000]
    assert len(long_text) == 9000

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, long_text)

    server.coach.reply = reply
    assert server.post(activity(connector.service_url), bot_token(connector.service_url)).status_code == 200
    texts = connector.texts()
    assert len(texts) >= 3 and all(0 < len(t) <= 3500 for t in texts)
    assert " ".join(texts).split() == long_text.split()  # no word cut or lost
    assert all(p["bytes"] < 28000 for p in connector.posted)


def test_custom_json_is_skipped_unless_it_has_a_summary(fresh):
    connector, server = fresh

    async def reply(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"custom": {"chart": {"bars": [1, 2]}}})
        await message.output_channel.send_response(
            message.sender_id, {"custom": {"chart": {"bars": [1]}, "summary": "Strongest: Leading with care."}})
        await message.output_channel.send_response(message.sender_id, {"image": "https://example.org/a.png"})

    server.coach.reply = reply
    server.post(activity(connector.service_url), bot_token(connector.service_url))
    assert connector.texts()[0] == "Strongest: Leading with care."
    assert len(connector.posted) == 2
    assert connector.posted[1]["activity"]["attachments"][0]["content"]["images"] == [{"url": "https://example.org/a.png"}]


def test_the_bot_being_added_to_a_personal_chat_gets_a_welcome(fresh):
    connector, server = fresh
    act = activity(connector.service_url, kind="conversationUpdate", text="",
                   membersAdded=[{"id": f"28:{APP_ID}"}])
    assert server.post(act, bot_token(connector.service_url)).status_code == 200
    assert connector.texts() == [teams._say("teams.welcome")]
    connector.clear()
    for other in (activity(connector.service_url, kind="typing"),
                  activity(connector.service_url, kind="messageReaction"),
                  activity(connector.service_url, kind="conversationUpdate", membersAdded=[{"id": "29:someone"}]),
                  activity(connector.service_url, text="<at>Coach</at>")):
        assert server.post(other, bot_token(connector.service_url)).status_code == 200
    assert connector.posted == [] and server.coach.seen == []


def test_payloads_from_buttons_pass_the_guard_and_typed_ones_do_not(fresh):
    connector, server = fresh
    oid = str(uuid.uuid4())
    server.post(activity(connector.service_url, '/choose_level{"level":"strong"}', oid=oid),
                bot_token(connector.service_url))
    server.post(activity(connector.service_url, "/action_delete_data", oid=oid), bot_token(connector.service_url))
    assert [m.text for m in server.coach.seen] == ['/choose_level{"level":"strong"}', "action_delete_data"]


def test_an_unconfigured_channel_answers_503_and_reaches_nobody(loop, connector, monkeypatch):
    for name in teams.REQUIRED_ENV:
        monkeypatch.delenv(name, raising=False)
    server = ChannelServer(loop, TeamsInput()).start()
    try:
        connector.clear()
        r = server.post(activity(connector.service_url), bot_token(connector.service_url))
        assert r.status_code == 503
        error = r.json()["error"]
        assert all(name in error for name in teams.REQUIRED_ENV)
        assert server.coach.seen == [] and connector.requests == []
        assert requests.get(f"http://{HOST}:{server.port}/webhooks/teams/", timeout=10).json() == {"status": "ok"}
    finally:
        server.stop()


def test_a_body_that_is_not_json_is_a_400(fresh):
    connector, server = fresh
    r = requests.post(server.webhook, data=b"{not json", timeout=10,
                      headers={"Authorization": f"Bearer {bot_token(connector.service_url)}"})
    assert r.status_code == 400 and server.coach.seen == []


# --------------------------------------------------------------------------- the Teams app package


def _package(tmp_path, **env: str):
    import os
    import subprocess
    import sys

    from bot.servers import ROOT

    clean = {k: v for k, v in os.environ.items() if not k.startswith("COACH_TEAMS_")}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "teams_package.py"), "--out",
                           str(tmp_path / "app.zip")], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("env", [{}, {"COACH_TEAMS_APP_ID": "not-a-guid"}])
def test_the_package_needs_a_guid_app_id(tmp_path, env):
    done = _package(tmp_path, **env)
    assert done.returncode == 2 and "COACH_TEAMS_APP_ID" in done.stderr
    assert not (tmp_path / "app.zip").exists()


def test_the_package_holds_the_filled_in_manifest_and_the_icons(tmp_path):
    import io
    import zipfile

    from PIL import Image

    done = _package(tmp_path, COACH_TEAMS_APP_ID=APP_ID.upper(), COACH_TEAMS_APP_DOMAIN="coach.example.org")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "app.zip")
    with zipfile.ZipFile(tmp_path / "app.zip") as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        sizes = {name: Image.open(io.BytesIO(z.read(name))).size for name in ("color.png", "outline.png")}
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert float(manifest["manifestVersion"]) >= 1.16 and manifest["name"]["short"] == "Leadership coach"
    assert "not an NHS product" in manifest["description"]["full"]
    assert manifest["validDomains"] == ["coach.example.org"] and "{{" not in json.dumps(manifest)
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}
