"""Microsoft Teams, behind the guard: ``POST /webhooks/teams/webhook`` (Bot Framework activities).

Why our own channel rather than Rasa's ``botframework``: Rasa's fetches Microsoft's keys while
starting (so the server cannot start offline), trusts the algorithm named in the token's own
header, checks neither the issuer nor the service URL the reply would go to, answers a HS256
token with a server error and takes ``from.id`` (a per-bot Teams id) as the person. Here:

* **Every request is authenticated** before anything reaches the coach: the ``Authorization:
  Bearer`` JWT must be RS256-signed by a key from the Bot Framework key set, for our app id
  (audience), from an accepted issuer, in date (5 minutes' leeway), with a ``serviceurl`` claim
  equal to the activity's ``serviceUrl`` (so replies can only go where Microsoft said), and the
  activity must come from our tenant. Anything else is a 401 with a JSON ``{"error": ...}`` and
  one log line naming the reason (never the text or the token). The checks are pure functions
  (:func:`verify_token`, :func:`check_service_url`, :func:`check_tenant`) that tests call directly.
* **Keys are fetched lazily** (on the first request, with aiohttp) and cached; fetched again when
  older than a day, or when a token names an unknown ``kid`` (at most once a minute).
* **The person is their Azure AD object id** (``from.aadObjectId``), namespaced by the guard as
  ``aad:<object id>``: the same identity the web page gives a signed-in user with that ``oid``.
* **Nothing personal in front of others**: in group chats and team channels the coach does not
  run at all; it invites the person to a one-to-one chat (and signposts crisis support if the
  message reads like a crisis).
* **Unconfigured is harmless**: with no settings the channel still starts (``make run`` and the
  tests load every channel in ``credentials.yml``) and the webhook answers 503.

Settings (environment variables):

``COACH_TEAMS_APP_ID``
    The bot's Microsoft app id (a GUID). Incoming tokens must have it as their audience.
``COACH_TEAMS_APP_PASSWORD``
    The app's client secret, used to get a token for posting replies.
``COACH_TEAMS_TENANT_ID``
    The Azure AD tenant of this single-tenant app; activities from any other tenant are refused.
``COACH_TEAMS_OPENID_METADATA_URL``
    Where the Bot Framework OpenID metadata (and through its ``jwks_uri`` the signing keys) is
    read. Default ``https://login.botframework.com/v1/.well-known/openidconfiguration``.
``COACH_TEAMS_TOKEN_URL``
    The OAuth 2 token endpoint for replies. Default
    ``https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token``.
``COACH_TEAMS_ISSUERS``
    Accepted token issuers, comma-separated. Default ``https://api.botframework.com``,
    ``https://sts.windows.net/<tenant id>/`` and ``https://login.microsoftonline.com/<tenant id>/v2.0``.
``COACH_TEAMS_SERVICE_URLS``
    Optional comma-separated allow-list of service URL prefixes (e.g.
    ``https://smba.trafficmanager.net/``). Unset: whatever the token's ``serviceurl`` claim says,
    which must equal the activity's ``serviceUrl`` in any case.

The first three are required; without them the webhook answers 503 and names what is missing.
Replies are posted while the webhook request waits (as Rasa's own channel does); the coach
answers well inside the Bot Connector's 15 seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text, Tuple

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Guard

log = logging.getLogger(__name__)

NAMESPACE = "aad"

ENV_APP_ID = "COACH_TEAMS_APP_ID"
ENV_APP_PASSWORD = "COACH_TEAMS_APP_PASSWORD"
ENV_TENANT_ID = "COACH_TEAMS_TENANT_ID"
ENV_OPENID_METADATA_URL = "COACH_TEAMS_OPENID_METADATA_URL"
ENV_TOKEN_URL = "COACH_TEAMS_TOKEN_URL"
ENV_ISSUERS = "COACH_TEAMS_ISSUERS"
ENV_SERVICE_URLS = "COACH_TEAMS_SERVICE_URLS"
REQUIRED_ENV = (ENV_APP_ID, ENV_APP_PASSWORD, ENV_TENANT_ID)

DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
DEFAULT_ISSUERS = ("https://api.botframework.com", "https://sts.windows.net/{tenant}/",
                   "https://login.microsoftonline.com/{tenant}/v2.0")
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
DEEP_LINK = "https://teams.microsoft.com/l/chat/0/0?users=28:{app_id}"

ALGORITHMS = ["RS256"]  # fixed: the token's own header never chooses
LEEWAY_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
KEYS_MIN_REFRESH_SECONDS = 60
TOKEN_EARLY_SECONDS = 300  # get a new connector token this long before the old one expires
HTTP_TIMEOUT_SECONDS = 10

MAX_TEXT_CHARS = 3500  # per activity; Teams' own limit is higher, this leaves room for the card
MAX_ACTIVITY_BYTES = 24000  # Bot Connector refuses activities over about 28 KB
GROUP_TYPES = frozenset({"groupChat", "channel"})
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$")

FetchJson = Callable[[str], Awaitable[Any]]


# --------------------------------------------------------------------------- settings


def _list(value: str) -> Tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


@dataclass(frozen=True)
class TeamsSettings:
    """Everything the channel needs to know, normally read from the environment (:meth:`from_env`)."""

    app_id: str
    app_password: str
    tenant_id: str
    openid_metadata_url: str = DEFAULT_OPENID_METADATA_URL
    token_url: str = ""
    issuers: Tuple[str, ...] = ()
    service_urls: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.token_url:
            object.__setattr__(self, "token_url", DEFAULT_TOKEN_URL.format(tenant=self.tenant_id))
        if not self.issuers:
            object.__setattr__(self, "issuers", tuple(i.format(tenant=self.tenant_id) for i in DEFAULT_ISSUERS))

    @staticmethod
    def missing(env: Mapping[str, str] = os.environ) -> List[str]:
        """The required variables that are unset or empty in ``env``."""
        return [name for name in REQUIRED_ENV if not (env.get(name) or "").strip()]

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Optional["TeamsSettings"]:
        """The settings in ``env``, or None when a required one is missing (Teams is then off)."""
        if cls.missing(env):
            return None
        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        return cls(app_id=get(ENV_APP_ID), app_password=get(ENV_APP_PASSWORD), tenant_id=get(ENV_TENANT_ID),
                   openid_metadata_url=get(ENV_OPENID_METADATA_URL) or DEFAULT_OPENID_METADATA_URL,
                   token_url=get(ENV_TOKEN_URL), issuers=_list(get(ENV_ISSUERS)),
                   service_urls=_list(get(ENV_SERVICE_URLS)))


# --------------------------------------------------------------------------- checks (pure)


class AuthError(Exception):
    """A request that must be refused with 401; ``reason`` is a short code, safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_JWT_REASONS: Sequence[Tuple[type, str]] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidAudienceError, "wrong_audience"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.InvalidAlgorithmError, "wrong_algorithm"),
    (jwt.InvalidSignatureError, "bad_signature"),
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.DecodeError, "malformed_token"),
)


def bearer_token(header: Optional[str]) -> str:
    """The token in an ``Authorization: Bearer <token>`` header."""
    if not header:
        raise AuthError("no_authorization")
    match = _BEARER.match(header.strip())
    if not match:
        raise AuthError("not_bearer")
    return match.group(1)


def token_kid(token: str) -> str:
    """The key id named in the token's header (unverified: only used to pick a key)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthError("malformed_token") from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("no_key_id")
    return kid


def verify_token(token: str, key: Any, *, app_id: str, issuers: Sequence[str],
                 leeway: float = LEEWAY_SECONDS) -> Dict[str, Any]:
    """The token's claims once its signature (RS256 only), audience, issuer and dates are good."""
    try:
        return jwt.decode(token, key=key, algorithms=ALGORITHMS, audience=app_id, issuer=list(issuers),
                          leeway=leeway, options={"require": ["exp", "iss", "aud"]})
    except jwt.PyJWTError as error:
        for kind, reason in _JWT_REASONS:
            if isinstance(error, kind):
                raise AuthError(reason) from None
        raise AuthError("invalid_token") from None


def _trimmed(url: Any) -> str:
    return url.rstrip("/") if isinstance(url, str) else ""


def check_service_url(claims: Mapping[str, Any], service_url: Any, allowed: Sequence[str] = ()) -> str:
    """The activity's service URL, once it equals the token's claim (and is in ``allowed``, if given)."""
    claimed = _trimmed(claims.get("serviceurl") or claims.get("serviceUrl"))
    url = _trimmed(service_url)
    if not url or not claimed:
        raise AuthError("no_service_url")
    if url != claimed:
        raise AuthError("service_url_mismatch")
    if allowed and not any(url == _trimmed(p) or url.startswith(_trimmed(p) + "/") for p in allowed):
        raise AuthError("service_url_not_allowed")
    return url


def check_tenant(activity: Mapping[str, Any], tenant_id: str) -> None:
    """The activity names our tenant (in ``channelData.tenant.id`` or ``conversation.tenantId``) and no other."""
    channel_data = activity.get("channelData") if isinstance(activity.get("channelData"), dict) else {}
    tenant = channel_data.get("tenant") if isinstance(channel_data.get("tenant"), dict) else {}
    conversation = activity.get("conversation") if isinstance(activity.get("conversation"), dict) else {}
    named = [t for t in (tenant.get("id"), conversation.get("tenantId")) if t is not None]
    if not named:
        raise AuthError("no_tenant")
    if any(not isinstance(t, str) or t.lower() != tenant_id.lower() for t in named):
        raise AuthError("wrong_tenant")


def check_endorsement(jwk: Mapping[str, Any], channel_id: Any) -> None:
    """A key that lists endorsements may only sign for those channels (``msteams``)."""
    endorsements = jwk.get("endorsements")
    if isinstance(endorsements, list) and channel_id not in endorsements:
        raise AuthError("key_not_endorsed")


# --------------------------------------------------------------------------- helpers (pure)


def strip_mentions(text: Any) -> str:
    """The text without ``<at>...</at>`` mentions, whitespace tidied."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", " ", _MENTION.sub(" ", text)).strip() if "<at" in text.lower() else text.strip()


def aad_object_id(activity: Mapping[str, Any]) -> Optional[str]:
    """The sender's Azure AD object id (a GUID, lower-cased), or None."""
    sender = activity.get("from") if isinstance(activity.get("from"), dict) else {}
    oid = sender.get("aadObjectId")
    return oid.lower() if isinstance(oid, str) and _GUID.match(oid) else None


def conversation_type(activity: Mapping[str, Any]) -> str:
    conversation = activity.get("conversation") if isinstance(activity.get("conversation"), dict) else {}
    kind = conversation.get("conversationType")
    return kind if isinstance(kind, str) else "personal"


def is_guid(value: Any) -> bool:
    return isinstance(value, str) and bool(_GUID.match(value))


def _cut(text: str, limit: int) -> int:
    """Where to end the first part of ``text``: a paragraph, line, sentence or word boundary."""
    window = text[:limit + 1]
    for pattern in (r"\n\s*\n", r"\n", r"[.!?][\"')\]]*\s", r"\s"):
        ends = [m.end() for m in re.finditer(pattern, window) if m.end() > limit // 4]
        if ends:
            return min(ends[-1], limit)
    return limit  # a single "word" longer than the limit: nothing better to do


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> List[str]:
    """``text`` in parts of at most ``limit`` characters, cut between paragraphs, lines, sentences or words."""
    parts: List[str] = []
    rest = text.strip()
    while len(rest) > limit:
        at = _cut(rest, limit)
        part = rest[:at].strip()
        if part:
            parts.append(part)
        rest = rest[at:].strip()
    if rest or not parts:
        parts.append(rest)
    return parts


def _fits(text: str) -> bool:
    return len(text.encode("utf-8")) <= MAX_ACTIVITY_BYTES // 2


def text_parts(text: str, limit: int = MAX_TEXT_CHARS) -> List[str]:
    """:func:`split_text`, and smaller again where a part is too many bytes for one activity."""
    parts: List[str] = []
    for part in split_text(text, limit):
        parts.extend([part] if _fits(part) or limit < 100 else text_parts(part, limit // 2))
    return parts


def hero_card(text: str = "", buttons: Sequence[Mapping[str, Any]] = (), image: str = "") -> Dict[str, Any]:
    """A hero card attachment; each button is a ``messageBack`` showing its title and sending its payload."""
    content: Dict[str, Any] = {}
    if text:
        content["text"] = text
    if image:
        content["images"] = [{"url": image}]
    if buttons:
        content["buttons"] = [_card_action(b) for b in buttons]
    return {"contentType": "application/vnd.microsoft.card.hero", "content": content}


def _card_action(button: Mapping[str, Any]) -> Dict[str, Any]:
    title = str(button.get("title") or "")
    if button.get("url"):
        return {"type": "openUrl", "title": title, "value": str(button["url"])}
    payload = str(button.get("payload") or title)
    return {"type": "messageBack", "title": title, "text": payload, "displayText": title, "value": {}}


def _say(key: str, **values: Any) -> str:
    from bot.content import get_content  # the content files are read once, on first use

    return get_content().say(key, **values)


def crisis_reply() -> str:
    """The coach's crisis signposting, the same words ``action_signpost`` sends."""
    from bot.content import get_content

    return get_content().crisis_message()


# --------------------------------------------------------------------------- HTTP


async def fetch_json(url: str) -> Any:
    """GET ``url`` and return its JSON (raises on anything but a 2xx JSON answer)."""
    timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url) as r:
            r.raise_for_status()
            return await r.json(content_type=None)


class KeySet:
    """The Bot Framework signing keys, fetched on first need and cached (see the module docstring)."""

    def __init__(self, metadata_url: str, fetch: FetchJson = fetch_json,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.metadata_url, self.fetch, self.clock = metadata_url, fetch, clock
        self.keys: Dict[str, Dict[str, Any]] = {}
        self.fetched_at: Optional[float] = None  # last successful fetch
        self.tried_at: Optional[float] = None  # last attempt
        self._lock = asyncio.Lock()

    def _due(self, kid: str) -> bool:
        """Fetch now? Never twice within a minute; otherwise when never fetched, a day old, or ``kid`` is new."""
        now = self.clock()
        if self.tried_at is not None and now - self.tried_at < KEYS_MIN_REFRESH_SECONDS:
            return False
        return self.fetched_at is None or now - self.fetched_at > KEYS_MAX_AGE_SECONDS or kid not in self.keys

    async def refresh(self) -> None:
        self.tried_at = self.clock()
        metadata = await self.fetch(self.metadata_url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str):
            raise ValueError("OpenID metadata without a jwks_uri")
        body = await self.fetch(jwks_uri)
        keys = body.get("keys") if isinstance(body, dict) else None
        if not isinstance(keys, list):
            raise ValueError("key set without keys")
        self.keys = {k["kid"]: k for k in keys if isinstance(k, dict) and k.get("kty") == "RSA"
                     and isinstance(k.get("kid"), str)}
        self.fetched_at = self.clock()
        log.info("event=teams_keys_fetched keys=%d", len(self.keys))

    async def jwk(self, kid: str) -> Dict[str, Any]:
        """The key with id ``kid``; refused when it is not in the (possibly refreshed) set."""
        async with self._lock:
            if self._due(kid):
                try:
                    await self.refresh()
                except Exception as error:  # noqa: BLE001 - network or format: keep the keys we have
                    log.warning("event=teams_keys_fetch_failed error=%s", type(error).__name__)
        if kid not in self.keys:
            raise AuthError("unknown_key")
        return self.keys[kid]


class ConnectorToken:
    """The bearer token for posting to the Bot Connector (client credentials), cached until near expiry."""

    def __init__(self, settings: TeamsSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.clock = settings, clock
        self._token: Optional[str] = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            if self._token is None or self.clock() >= self._expires:
                await self._fetch()
            assert self._token is not None
            return self._token

    async def _fetch(self) -> None:
        form = {"grant_type": "client_credentials", "client_id": self.settings.app_id,
                "client_secret": self.settings.app_password, "scope": CONNECTOR_SCOPE}
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(self.settings.token_url, data=form) as r:
                if r.status != 200:
                    raise RuntimeError(f"token endpoint answered HTTP {r.status}")
                body = await r.json(content_type=None)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise RuntimeError("token endpoint answered without an access_token")
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = token
        self._expires = self.clock() + max(lifetime - TOKEN_EARLY_SECONDS, 0.0)


# --------------------------------------------------------------------------- replies


class TeamsOutput(OutputChannel):
    """Posts replies into the activity's conversation: ``{serviceUrl}/v3/conversations/{id}/activities``."""

    @classmethod
    def name(cls) -> Text:
        return "teams"

    def __init__(self, token: ConnectorToken, activity: Mapping[str, Any], service_url: str) -> None:
        self.token = token
        self.service_url = service_url.rstrip("/")
        conversation = activity.get("conversation") or {}
        self.conversation_id = str(conversation.get("id") or "")
        self.bot = {k: v for k, v in (activity.get("recipient") or {}).items() if k in ("id", "name")}
        self.user = {"id": (activity.get("from") or {}).get("id")}
        self.reply_to = activity.get("id")
        self.posted = 0

    @property
    def url(self) -> str:
        return f"{self.service_url}/v3/conversations/{self.conversation_id}/activities"

    def activity(self, text: str = "", attachments: Sequence[Mapping[str, Any]] = ()) -> Dict[str, Any]:
        data: Dict[str, Any] = {"type": "message", "from": self.bot, "recipient": self.user,
                                "conversation": {"id": self.conversation_id}}
        if text:
            data["text"] = text
            data["textFormat"] = "plain"
        if attachments:
            data["attachments"] = list(attachments)
        if self.reply_to:
            data["replyToId"] = self.reply_to
        return data

    async def post(self, data: Mapping[str, Any]) -> bool:
        """POST one activity; False (and a log line) when it could not be delivered."""
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if len(body) > MAX_ACTIVITY_BYTES:
            log.error("event=teams_reply_too_large bytes=%d", len(body))
            return False
        try:
            token = await self.token.get()
            timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(self.url, data=body, headers={
                        "Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"}) as r:
                    if r.status >= 300:
                        log.error("event=teams_reply_failed status=%d", r.status)
                        return False
        except Exception as error:  # noqa: BLE001 - a reply that cannot go out must not crash the turn
            log.error("event=teams_reply_failed error=%s", type(error).__name__)
            return False
        self.posted += 1
        return True

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in text_parts(text or ""):
            if part:
                await self.post(self.activity(part))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        parts = text_parts(text or "")
        for part in parts[:-1]:
            await self.post(self.activity(part))
        await self.post(self.activity(attachments=[hero_card(parts[-1], buttons)]))

    async def send_quick_replies(self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]],
                                 **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.post(self.activity(attachments=[hero_card(image=image)]))

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        if isinstance(attachment, str) and attachment:
            await self.send_text_message(recipient_id, attachment)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """Custom JSON (a chart for the web page) has no Teams form: only its ``summary`` is sent."""
        summary = json_message.get("summary") if isinstance(json_message, dict) else None
        if isinstance(summary, str) and summary.strip():
            await self.send_text_message(recipient_id, summary)


# --------------------------------------------------------------------------- the channel


def _error(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


class TeamsInput(InputChannel):
    """Microsoft Teams through Azure Bot Service (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()  # the settings come from the environment, never from credentials.yml

    def __init__(self, settings: Optional[TeamsSettings] = None, fetch: FetchJson = fetch_json) -> None:
        self.settings = settings if settings is not None else TeamsSettings.from_env()
        self.guard = Guard(NAMESPACE)
        self.keys: Optional[KeySet] = None
        self.token: Optional[ConnectorToken] = None
        if self.settings is None:
            log.info("event=teams_not_configured missing=%s", ",".join(TeamsSettings.missing()))
        else:
            if not is_guid(self.settings.app_id):
                log.warning("event=teams_app_id_not_a_guid")
            self.keys = KeySet(self.settings.openid_metadata_url, fetch)
            self.token = ConnectorToken(self.settings)

    # ------------------------------------------------------------ authentication

    async def authenticate(self, header: Optional[str], activity: Mapping[str, Any]) -> str:
        """The activity's service URL once the token and the tenant are good; :class:`AuthError` otherwise."""
        assert self.settings is not None and self.keys is not None
        token = bearer_token(header)
        jwk = await self.keys.jwk(token_kid(token))
        check_endorsement(jwk, activity.get("channelId"))
        try:
            key = RSAAlgorithm.from_jwk(jwk)
        except Exception:  # noqa: BLE001 - a key we cannot read signs nothing
            raise AuthError("unreadable_key") from None
        claims = verify_token(token, key, app_id=self.settings.app_id, issuers=self.settings.issuers)
        service_url = check_service_url(claims, activity.get("serviceUrl"), self.settings.service_urls)
        check_tenant(activity, self.settings.tenant_id)
        return service_url

    # ------------------------------------------------------------ activities

    async def _message(self, activity: Mapping[str, Any], out: TeamsOutput,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        text = strip_mentions(activity.get("text"))
        if conversation_type(activity) in GROUP_TYPES:
            await self._group(activity, text, out)
            return
        if not text:
            return
        oid = aad_object_id(activity)
        if oid is None:
            log.info("event=teams_refused reason=no_aad_object_id")
            await out.send_text_message("", _say("teams.no_identity"))
            return
        await on_new_message(UserMessage(text, out, oid, input_channel=self.name()))

    async def _group(self, activity: Mapping[str, Any], text: str, out: TeamsOutput) -> None:
        """In front of others the coach does not run: an invitation to a personal chat instead.

        Crisis signposting is always sent; the invitation is limited per conversation like any
        sender's messages (a busy channel mentioning the coach must not make it shout)."""
        assert self.settings is not None
        log.info("event=teams_group_message_declined")
        if text and _crisis(text):
            await out.send_text_message("", crisis_reply())
        conversation = str((activity.get("conversation") or {}).get("id") or "")
        if not self.guard.limiter.allow(f"teams-group:{conversation}"):
            log.info("event=teams_group_rate_limited")
            return
        link = DEEP_LINK.format(app_id=self.settings.app_id)
        await out.send_text_with_buttons("", _say("teams.group_invite"),
                                         [{"title": _say("teams.group_button"), "url": link}])

    async def _conversation_update(self, activity: Mapping[str, Any], out: TeamsOutput) -> None:
        bot_id = (activity.get("recipient") or {}).get("id")
        added = activity.get("membersAdded") if isinstance(activity.get("membersAdded"), list) else []
        if conversation_type(activity) == "personal" and any(isinstance(m, dict) and m.get("id") == bot_id
                                                             for m in added):
            await out.send_text_message("", _say("teams.welcome"))

    # ------------------------------------------------------------ the webhook

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = self.guard.wrap(on_new_message)
        bp = Blueprint("teams_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self.settings is None:
                return _error(503, _say("teams.not_configured", variables=", ".join(REQUIRED_ENV)))
            try:
                activity = json.loads(request.body or b"")
            except ValueError:
                activity = None
            if not isinstance(activity, dict):
                log.info("event=teams_refused reason=not_json")
                return _error(400, "bad_request")
            try:
                service_url = await self.authenticate(request.headers.get("Authorization"), activity)
            except AuthError as refused:
                log.info("event=teams_refused reason=%s", refused.reason)
                return _error(401, f"unauthorised: {refused.reason}")
            await self._dispatch(activity, service_url, guarded)
            return response.json({}, status=200)

        return bp

    async def _dispatch(self, activity: Mapping[str, Any], service_url: str,
                        guarded: Callable[[UserMessage], Awaitable[Any]]) -> None:
        assert self.token is not None
        out = TeamsOutput(self.token, activity, service_url)
        kind = activity.get("type")
        try:
            if kind == "message":
                await self._message(activity, out, guarded)
            elif kind == "conversationUpdate":
                await self._conversation_update(activity, out)
        except Exception as error:  # noqa: BLE001 - a 500 would make the connector send it again
            log.error("event=teams_activity_failed type=%s error=%s", kind, type(error).__name__)


def _crisis(text: str) -> bool:
    from bot.safety import CRISIS, assess

    return assess(text) is CRISIS


__all__ = ["TeamsInput", "TeamsOutput", "TeamsSettings", "KeySet", "ConnectorToken", "AuthError", "bearer_token",
           "token_kid", "verify_token", "check_service_url", "check_tenant", "check_endorsement", "strip_mentions",
           "split_text", "text_parts", "hero_card", "crisis_reply", "aad_object_id"]
