"""Who is on the other end of the web page: server-issued sessions, resume codes and signed tokens.

Rasa's own socketio channel lets a client name any session id, so anyone who learns (or guesses)
one can join that room and read the replies. The web channel (:mod:`bot.channels.web`) never takes
an identity from the client. A connection is bound to one of:

``web:<anonymous id>``
    A person without a token. The anonymous id is 128 random bits (26 characters of Crockford's
    base32), shown to the person as a **resume code**: the id and two check characters, 28 in all,
    in groups of four, so that closing the tab does not cut them off from what they kept. Typing
    the code on the page opens a new session for the same identity; a mistyped code is caught by
    the check characters and refused, rather than opening somebody new and empty.
``aad:<object id>``
    A signed token from the host page with an ``oid`` claim (Microsoft Entra ID's object id): the
    same identity the Teams channel gives the person, so web and Teams are one person.
``sso:<subject>``
    A signed token without ``oid``: its ``sub``.

The **session id** the browser keeps (in ``sessionStorage``) is issued by the server: a random
nonce (128 bits), the identity, and the time it was issued, sealed with an HMAC (SHA-256) under a
server secret. It cannot be made or changed without the secret, survives a restart of the server
(the secret is kept, like the other secrets, in ``var/`` or ``COACH_WEB_SESSION_SECRET``; several
servers must share it) and expires after ``COACH_WEB_SESSION_HOURS`` (12) or when its token did.

Tokens (JWT) are checked with a configured key only: ``COACH_WEB_JWT_SECRET`` (HS256/384/512) or
``COACH_WEB_JWT_PUBLIC_KEY`` / ``COACH_WEB_JWT_PUBLIC_KEY_FILE`` (RS256/ES256 family), the
algorithm never taken from the token; ``exp`` and ``sub`` are required, ``COACH_WEB_JWT_AUDIENCE``
and ``COACH_WEB_JWT_ISSUER`` are checked when set, and a token naming another tenant (``tid``)
than ``COACH_TEAMS_TENANT_ID`` (when set) is refused. ``COACH_WEB_REQUIRE_TOKEN=true`` turns
anonymous use off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

from bot.keyfiles import VAR, secret

SECRET_FILE = VAR / "web_session_secret"
DEFAULT_SESSION_HOURS = 12
TOKEN_LEEWAY_SECONDS = 60
NONCE_BYTES = 16
ANON_BYTES = 16
MAX_FIELD_CHARS = 4096
# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_CODE_CHARS = 26  # 130 bits of room for 128 random bits
_CHECK_CHARS = 2
_GROUP = 4
_ID_PART = re.compile(r"^[A-Za-z0-9._@:-]{1,128}$")


class Refused(Exception):
    """A session cannot be opened; ``reason`` is one of the protocol's (docs/web-protocol.md)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Session:
    session_id: str
    identity: str
    verified: bool
    expires_at: int
    resume_code: Optional[str] = None  # anonymous sessions only


# ------------------------------------------------------------------ settings


@lru_cache(maxsize=1)
def _secret() -> bytes:
    return secret("COACH_WEB_SESSION_SECRET", SECRET_FILE, lambda: secrets.token_hex(32)).encode()


def session_hours() -> float:
    try:
        hours = float(os.environ.get("COACH_WEB_SESSION_HOURS") or DEFAULT_SESSION_HOURS)
    except ValueError:
        return DEFAULT_SESSION_HOURS
    return hours if hours > 0 else DEFAULT_SESSION_HOURS


def token_required() -> bool:
    return (os.environ.get("COACH_WEB_REQUIRE_TOKEN") or "").strip().lower() in {"1", "true", "yes"}


def _verification_key() -> Optional[tuple]:
    """(key, algorithms) for tokens, or None when no key is configured."""
    shared = os.environ.get("COACH_WEB_JWT_SECRET")
    if shared:
        return shared, ["HS256", "HS384", "HS512"]
    public = os.environ.get("COACH_WEB_JWT_PUBLIC_KEY")
    path = os.environ.get("COACH_WEB_JWT_PUBLIC_KEY_FILE")
    if not public and path:
        public = Path(path).read_text()
    if public:
        return public, ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"]
    return None


# ------------------------------------------------------------------ encoding


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(payload: str) -> str:
    return _b64(hmac.new(_secret(), payload.encode(), hashlib.sha256).digest())


def _to_code(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    chars = []
    for _ in range(_CODE_CHARS):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    code = "".join(reversed(chars))
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def _check(plain: str) -> str:
    """Two check characters (10 bits of a SHA-256) that catch a mistyped or swapped character."""
    bits = int.from_bytes(hashlib.sha256(plain.encode()).digest()[:2], "big") >> 6
    return _ALPHABET[bits >> 5] + _ALPHABET[bits & 31]


def _grouped(text: str) -> str:
    return "-".join(text[i:i + _GROUP] for i in range(0, len(text), _GROUP))


def normalise_code(text: str) -> Optional[str]:
    """The anonymous id in a resume code as typed (any case, spaces or dashes, O for 0...), or None
    when it is not a code or its check characters don't match."""
    if not isinstance(text, str) or len(text) > 100:
        return None
    typed = "".join(_READ_AS.get(c, c) for c in re.sub(r"[\s-]", "", text.upper()))
    if len(typed) != _CODE_CHARS + _CHECK_CHARS or any(c not in _ALPHABET for c in typed):
        return None
    plain, check = typed[:_CODE_CHARS], typed[_CODE_CHARS:]
    if _ALPHABET.index(plain[0]) >= 8 or not hmac.compare_digest(check, _check(plain)):
        return None  # 26 x 5 = 130 bits: the top two must be zero
    return plain


def _identity_for_code(plain: str) -> str:
    return f"web:{plain}"


def resume_code_of(identity: str) -> Optional[str]:
    """The resume code for an anonymous identity (grouped for reading), or None for others."""
    if not identity.startswith("web:"):
        return None
    plain = identity[4:]
    return _grouped(plain + _check(plain))


# ------------------------------------------------------------------ sessions


def issue(identity: str, verified: bool, expires_at: Optional[int] = None, now: Optional[float] = None) -> Session:
    """A new session id bound to ``identity`` (which the caller has established)."""
    now = time.time() if now is None else now
    limit = int(now + session_hours() * 3600)
    expires = min(limit, int(expires_at)) if expires_at else limit
    body = _b64(json.dumps({"i": identity, "v": bool(verified), "e": expires,
                            "n": _b64(secrets.token_bytes(NONCE_BYTES))}, separators=(",", ":")).encode())
    session_id = f"{body}.{_mac(body)}"
    return Session(session_id, identity, bool(verified), expires, resume_code_of(identity))


def new_anonymous(now: Optional[float] = None) -> Session:
    plain = _to_code(secrets.token_bytes(ANON_BYTES)).replace("-", "")
    return issue(_identity_for_code(plain), verified=False, now=now)


def resume(code: Any, now: Optional[float] = None) -> Session:
    plain = normalise_code(code) if isinstance(code, str) else None
    if plain is None:
        raise Refused("bad_resume_code")
    return issue(_identity_for_code(plain), verified=False, now=now)


def verify_session(session_id: Any, now: Optional[float] = None) -> Session:
    """The session a session id stands for; :class:`Refused` ``unknown_session`` if forged or expired."""
    if not isinstance(session_id, str) or len(session_id) > MAX_FIELD_CHARS or session_id.count(".") != 1:
        raise Refused("unknown_session", "malformed")
    body, mac = session_id.split(".")
    if not hmac.compare_digest(mac, _mac(body)):
        raise Refused("unknown_session", "bad seal")
    try:
        claims = json.loads(_unb64(body))
        identity, verified, expires = str(claims["i"]), bool(claims["v"]), int(claims["e"])
    except (ValueError, KeyError, TypeError):
        raise Refused("unknown_session", "unreadable") from None
    if (time.time() if now is None else now) >= expires:
        raise Refused("unknown_session", "expired")
    return Session(session_id, identity, verified, expires, resume_code_of(identity))


def from_token(token: Any, now: Optional[float] = None) -> Session:
    """A session for the person a host page's signed token names; :class:`Refused` if it won't do."""
    import jwt  # PyJWT, a dependency of Rasa

    configured = _verification_key()
    if configured is None:
        raise Refused("bad_token", "no key configured for tokens")
    if not isinstance(token, str) or not token or len(token) > MAX_FIELD_CHARS:
        raise Refused("bad_token", "no token")
    key, algorithms = configured
    audience = os.environ.get("COACH_WEB_JWT_AUDIENCE") or None
    issuer = os.environ.get("COACH_WEB_JWT_ISSUER") or None
    try:
        claims: Dict[str, Any] = jwt.decode(
            token, key, algorithms=algorithms, audience=audience, issuer=issuer,
            leeway=TOKEN_LEEWAY_SECONDS,
            options={"require": ["exp", "sub"], "verify_aud": audience is not None})
    except jwt.ExpiredSignatureError:
        raise Refused("expired_token") from None
    except jwt.PyJWTError as exc:
        raise Refused("bad_token", type(exc).__name__) from None
    tenant = os.environ.get("COACH_TEAMS_TENANT_ID")
    if tenant and claims.get("tid") and str(claims["tid"]).lower() != tenant.lower():
        raise Refused("bad_token", "another tenant")
    oid, sub = claims.get("oid"), claims.get("sub")
    if oid and _ID_PART.match(str(oid)):
        identity = f"aad:{str(oid).lower()}"
    elif sub and _ID_PART.match(str(sub)):
        identity = f"sso:{sub}"
    else:
        raise Refused("bad_token", "no usable subject")
    return issue(identity, verified=True, expires_at=int(claims["exp"]), now=now)


def open_session(request: Any, now: Optional[float] = None) -> Session:
    """The session a ``session_request`` asks for (docs/web-protocol.md): token, then id, then code."""
    data = request if isinstance(request, dict) else {}
    if data.get("token"):
        return from_token(data["token"], now=now)
    if data.get("session_id"):
        session = verify_session(data["session_id"], now=now)
        if token_required() and not session.verified:
            raise Refused("token_required")
        return session
    if token_required():
        raise Refused("token_required")
    if data.get("resume_code"):
        return resume(data["resume_code"], now=now)
    return new_anonymous(now=now)
