"""Who a web page connection is: server-issued sessions, resume codes and signed tokens (bot.web_sessions)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot import web_sessions as ws
from bot.channels.web import history_from_events, room_for

SHARED = "a-shared-secret-the-intranet-and-the-coach-both-know-0123"


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    for name in ("COACH_WEB_JWT_SECRET", "COACH_WEB_JWT_PUBLIC_KEY", "COACH_WEB_JWT_PUBLIC_KEY_FILE",
                 "COACH_WEB_JWT_AUDIENCE", "COACH_WEB_JWT_ISSUER", "COACH_WEB_REQUIRE_TOKEN",
                 "COACH_TEAMS_TENANT_ID", "COACH_WEB_SESSION_HOURS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_WEB_SESSION_SECRET", "session-secret-for-tests")
    ws._secret.cache_clear()
    yield
    ws._secret.cache_clear()


def _token(claims, key=SHARED, alg="HS256", **headers):
    body = {"sub": "u-123", "exp": int(time.time()) + 600, **claims}
    return jwt.encode(body, key, algorithm=alg, headers=headers or None)


# ------------------------------------------------------------------ anonymous sessions and resume codes


def test_an_empty_request_opens_a_new_anonymous_session_with_a_resume_code():
    a, b = ws.open_session({}), ws.open_session({})
    assert a.identity.startswith("web:") and not a.verified
    assert a.identity != b.identity and a.session_id != b.session_id
    code = a.resume_code
    assert code and len(code.replace("-", "")) == 28 and code.count("-") == 6
    # Typed back in any case, with spaces instead of dashes, it is the same person.
    again = ws.open_session({"resume_code": code.lower().replace("-", " ")})
    assert again.identity == a.identity and again.session_id != a.session_id


def test_the_session_id_is_unguessable_and_tamper_proof():
    s = ws.open_session({})
    body, mac = s.session_id.split(".")
    assert len(mac) >= 43  # a 256-bit seal
    assert ws.verify_session(s.session_id).identity == s.identity
    other = ws.open_session({})
    forged = other.session_id.split(".")[0] + "." + mac  # someone else's body with this seal
    for bad in (forged, body + "." + mac[:-2] + "AA", "web:" + s.identity, s.identity, "x.y", "", None, 42,
                "a" * 5000):
        with pytest.raises(ws.Refused) as refused:
            ws.open_session({"session_id": bad}) if bad else ws.verify_session(bad)
        assert refused.value.reason == "unknown_session"


def test_a_session_id_made_with_another_secret_is_refused(monkeypatch):
    s = ws.open_session({})
    monkeypatch.setenv("COACH_WEB_SESSION_SECRET", "another-deployment")
    ws._secret.cache_clear()
    with pytest.raises(ws.Refused):
        ws.open_session({"session_id": s.session_id})


def test_sessions_expire(monkeypatch):
    monkeypatch.setenv("COACH_WEB_SESSION_HOURS", "1")
    s = ws.open_session({}, now=time.time() - 3601)
    with pytest.raises(ws.Refused) as refused:
        ws.verify_session(s.session_id)
    assert refused.value.reason == "unknown_session"


@pytest.mark.parametrize("code", ["", "hello", "ABCDE-FGHJK", "Z" * 28, "UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU", "0" * 200])
def test_a_wrong_resume_code_is_refused(code):
    with pytest.raises(ws.Refused) as refused:
        ws.resume(code)
    assert refused.value.reason == "bad_resume_code"


def test_a_mistyped_resume_code_is_caught_not_taken_for_somebody_new():
    plain = ws.new_anonymous().resume_code.replace("-", "")
    caught = 0
    for i in range(1, len(plain)):
        for c in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if c != plain[i]:
                typo = plain[:i] + c + plain[i + 1:]
                caught += ws.normalise_code(typo) is None
    swapped = [plain[:i] + plain[i + 1] + plain[i] + plain[i + 2:] for i in range(len(plain) - 1) if plain[i] != plain[i + 1]]
    # Ten check bits: about one typo in a thousand slips through, never most of them.
    assert caught / (27 * 31) > 0.99
    assert sum(ws.normalise_code(t) is None for t in swapped) / len(swapped) > 0.9


def test_resume_codes_read_o_as_zero_and_i_or_l_as_one():
    code = ws.new_anonymous().resume_code
    plain = code.replace("-", "")
    mangled = plain.replace("0", "O").replace("1", "l")
    assert ws.resume(mangled).identity == f"web:{plain[:26]}"


# ------------------------------------------------------------------ signed tokens


def test_a_token_with_an_object_id_is_the_same_person_as_in_teams(monkeypatch):
    monkeypatch.setenv("COACH_WEB_JWT_SECRET", SHARED)
    s = ws.open_session({"token": _token({"oid": "8A6B2F4E-1111-2222-3333-444455556666"})})
    assert s.identity == "aad:8a6b2f4e-1111-2222-3333-444455556666" and s.verified and s.resume_code is None
    assert ws.open_session({"token": _token({})}).identity == "sso:u-123"
    # The session it opens carries on with the same verified identity.
    assert ws.open_session({"session_id": s.session_id}).identity == s.identity


def test_bad_tokens_are_refused_with_a_reason(monkeypatch):
    monkeypatch.setenv("COACH_WEB_JWT_SECRET", SHARED)
    cases = {
        "bad_token": [_token({}, key="another-secret-of-the-same-length-0123456789"),
                      jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, None, algorithm="none"),
                      _token({}).rsplit(".", 1)[0] + ".", "not-a-token",
                      jwt.encode({"sub": "x"}, SHARED, algorithm="HS256"),  # no expiry
                      jwt.encode({"exp": int(time.time()) + 60}, SHARED, algorithm="HS256")],  # no subject
        "expired_token": [_token({"exp": int(time.time()) - 600})],
    }
    for reason, tokens in cases.items():
        for token in tokens:
            with pytest.raises(ws.Refused) as refused:
                ws.open_session({"token": token})
            assert refused.value.reason == reason, token


def test_audience_issuer_and_tenant_are_checked_when_configured(monkeypatch):
    monkeypatch.setenv("COACH_WEB_JWT_SECRET", SHARED)
    monkeypatch.setenv("COACH_WEB_JWT_AUDIENCE", "leadership-coach")
    monkeypatch.setenv("COACH_WEB_JWT_ISSUER", "https://intranet.example.org")
    monkeypatch.setenv("COACH_TEAMS_TENANT_ID", "tenant-1")
    good = {"aud": "leadership-coach", "iss": "https://intranet.example.org", "tid": "tenant-1", "oid": "abc"}
    assert ws.open_session({"token": _token(good)}).identity == "aad:abc"
    for wrong in ({"aud": "someone-else"}, {"iss": "https://evil.example"}, {"tid": "tenant-2"}):
        with pytest.raises(ws.Refused):
            ws.open_session({"token": _token({**good, **wrong})})


def test_public_key_tokens_and_no_algorithm_confusion(monkeypatch, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    (tmp_path / "key.pem").write_text(public)
    monkeypatch.setenv("COACH_WEB_JWT_PUBLIC_KEY_FILE", str(tmp_path / "key.pem"))
    assert ws.open_session({"token": _token({}, key=key, alg="RS256")}).identity == "sso:u-123"
    # A token "signed" with the public key as an HMAC secret must not pass.
    # PyJWT itself refuses to make such a token, so it is made by hand.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = b64(json.dumps({"sub": "u-123", "exp": int(time.time()) + 600}).encode())
    for alg in ("HS256", "none"):
        head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        sig = b64(hmac.new(public.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()) if alg != "none" else ""
        with pytest.raises(ws.Refused) as refused:
            ws.open_session({"token": f"{head}.{body}.{sig}"})
        assert refused.value.reason == "bad_token"


def test_without_a_configured_key_a_token_is_refused_not_trusted():
    with pytest.raises(ws.Refused) as refused:
        ws.open_session({"token": _token({"oid": "abc"})})
    assert refused.value.reason == "bad_token"


def test_when_a_token_is_required_anonymous_use_is_refused(monkeypatch):
    monkeypatch.setenv("COACH_WEB_REQUIRE_TOKEN", "true")
    monkeypatch.setenv("COACH_WEB_JWT_SECRET", SHARED)
    anonymous = ws.new_anonymous()
    for request in ({}, {"resume_code": anonymous.resume_code}, {"session_id": anonymous.session_id}):
        with pytest.raises(ws.Refused) as refused:
            ws.open_session(request)
        assert refused.value.reason == "token_required"
    assert ws.open_session({"token": _token({})}).verified


# ------------------------------------------------------------------ what the page is shown


def test_history_shows_button_titles_not_payloads_and_keeps_custom_data():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hello"},
        {"event": "bot", "text": "Hello.\n\nWhat would you like?",
         "data": {"buttons": [{"title": "See my profile", "payload": "/show_profile"}]}},
        {"event": "user", "text": "/show_profile"},
        {"event": "bot", "text": "Here it is.", "data": {"custom": {"data": {"chart": {"kind": "profile"}}}}},
        {"event": "user", "text": "/restart"},  # no button carried it: left out
    ]
    history = history_from_events(events)
    assert history == [
        {"sender": "user", "text": "hello"},
        {"sender": "bot", "text": "Hello."},
        {"sender": "bot", "text": "What would you like?",
         "quick_replies": [{"content_type": "text", "title": "See my profile", "payload": "/show_profile"}]},
        {"sender": "user", "text": "See my profile"},
        {"sender": "bot", "text": "Here it is."},
        {"sender": "bot", "chart": {"kind": "profile"}},
    ]
    assert len(history_from_events(events * 100, limit=7)) == 7


def test_rooms_are_hashes_of_the_identity():
    room = room_for("aad:abc")
    assert room.startswith("p:") and "abc" not in room and room == room_for("aad:abc") != room_for("aad:abd")
