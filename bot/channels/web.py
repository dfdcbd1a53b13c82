"""The web page's channel: the chat page at ``/chat`` and its Socket.IO connection at ``/socket.io``.

Built on Rasa's socketio channel (its Socket.IO server, blueprint and output), with the one thing
that channel lacks: a connection is **bound to the identity it was opened with**. The client asks
for a session (``session_request``, see ``docs/web-protocol.md``); :mod:`bot.web_sessions` decides
who that is (a server-issued session id, a host page's signed token, or a resume code) and the
channel remembers it in the Socket.IO session of that connection. Every message is then filed
under that identity, whatever ids the client puts in its messages, and replies go to a room
named after the identity's hash, which only connections bound to it have joined.

Also here:
- the page itself (``web/public``: ``/chat``, ``/chat/accessibility``, ``/chat/privacy``) and its built vendor files (``web/vendor``, made at set-up by
  ``scripts/build_web.sh``), served with a strict content security policy;
- the conversation so far (``history``), read from the tracker store when a session opens, so a
  reload or a restart of the server shows the same conversation;
- a typing indicator (``bot_typing``) while the coach works;
- charts: an action's custom JSON ``{"data": {...}}`` reaches the page as that ``{...}``.

Settings: ``COACH_WEB_FRAME_ANCESTORS`` (who may show the page in a frame; ``'self'`` unless set,
e.g. ``https://intranet.example.nhs.uk``) and those in :mod:`bot.web_sessions`.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import mimetypes
import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import web_sessions
from bot.channels.guard import Guard

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
PUBLIC = ROOT / "web" / "public"
VENDOR = ROOT / "web" / "vendor"
HISTORY_LIMIT = 200
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$")
USER_EVT, BOT_EVT = "user_uttered", "bot_uttered"


def _say(key: str, **values: Any) -> str:
    from bot.content import get_content

    return get_content().say(key, **values)


def room_for(identity: str) -> str:
    """The Socket.IO room a person's replies go to: a hash, so room names say nothing of anyone."""
    return "p:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()


def page_headers() -> Dict[str, str]:
    ancestors = (os.environ.get("COACH_WEB_FRAME_ANCESTORS") or "'self'").strip()
    return {
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data: https:; connect-src 'self' ws: wss:; "
            f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


# ------------------------------------------------------------------ what the page shows


def _parts(text: str) -> List[str]:
    return [part for part in (text or "").strip().split("\n\n") if part] or ([text] if text else [])


def bot_messages(text: Optional[str], data: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A bot message as the page receives it live (Rasa's socketio shapes), as a list of parts."""
    data = data or {}
    out: List[Dict[str, Any]] = [{"text": part} for part in _parts(text or "")]
    buttons = data.get("buttons") or data.get("quick_replies") or []
    if buttons:
        if not out:
            out.append({"text": ""})
        out[-1]["quick_replies"] = [{"content_type": "text", "title": b.get("title", ""),
                                     "payload": b.get("payload", "")} for b in buttons if isinstance(b, dict)]
    if data.get("image"):
        out.append({"attachment": {"type": "image", "payload": {"src": data["image"]}}})
    if isinstance(data.get("attachment"), dict):
        out.append({"attachment": data["attachment"]})
    custom = data.get("custom")
    if isinstance(custom, dict):
        out.append(dict(custom["data"]) if isinstance(custom.get("data"), dict) else dict(custom))
    return out


def history_from_events(events: Iterable[Dict[str, Any]], limit: int = HISTORY_LIMIT) -> List[Dict[str, Any]]:
    """The conversation as the page shows it, from tracker events (oldest first, the last ``limit``).

    A button the person pressed is shown by its title, as it was when they pressed it; a payload
    no button of the coach's last message carries is left out rather than shown as code.
    """
    messages: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "bot":
            parts = bot_messages(event.get("text"), event.get("data"))
            buttons = (event.get("data") or {}).get("buttons") or []
            titles = {b.get("payload"): b.get("title", "") for b in buttons if isinstance(b, dict)}
            messages.extend({"sender": "bot", **part} for part in parts)
        elif kind == "user":
            text = event.get("text") or ""
            if text.startswith("/"):
                text = titles.get(text, "")
            if text:
                messages.append({"sender": "user", "text": text})
    return messages[-limit:]


class _WebOutput(SocketIOOutput):
    """Replies to the room of the person's identity; custom JSON's ``data`` is sent as the message."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    async def _send_message(self, recipient_id: Text, message: Any) -> None:
        await self.sio.emit(self.bot_message_evt, message, room=room_for(recipient_id))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        payload = json_message.get("data") if isinstance(json_message.get("data"), dict) else json_message
        await self._send_message(recipient_id, payload)


async def _maybe_await(value: Any) -> None:
    if inspect.isawaitable(value):
        await value


class CoachWebInput(InputChannel):
    """The web page and its Socket.IO connection; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(credentials.get("socketio_path", "/socket.io"))

    def __init__(self, socketio_path: Text = "/socket.io") -> None:
        self.socketio_path = socketio_path
        self.sio: Optional[AsyncServer] = None
        self.guard = Guard("web", established=True)
        self._app: Any = None

    def url_prefix(self) -> Text:
        return "/chat"

    def get_output_channel(self) -> Optional[OutputChannel]:
        return _WebOutput(self.sio, BOT_EVT) if self.sio is not None else None

    # ------------------------------------------------------------------ conversation so far

    async def _history(self, identity: str) -> List[Dict[str, Any]]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        try:
            tracker = await store.retrieve_full_tracker(identity)
        except Exception:  # a history that cannot be read must not stop the conversation
            log.exception("event=history_unreadable")
            return []
        if tracker is None:
            return []
        return history_from_events(event.as_dict() for event in tracker.events)

    # ------------------------------------------------------------------ Sanic and Socket.IO

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        self.sio = sio
        bp = SocketBlueprint(sio, self.socketio_path, "coach_web", __name__)
        guarded = self.guard.wrap(on_new_message)

        @bp.listener("after_server_start")
        async def _remember_app(app: Any, _loop: Any) -> None:
            self._app = app

        @bp.route("", methods=["GET"], strict_slashes=True, name="chat_page")
        async def page(_: Request) -> HTTPResponse:
            return _file(PUBLIC, "chat.html")

        @bp.route("/", methods=["GET"], strict_slashes=True, name="chat_page_slash")
        async def page_slash(_: Request) -> HTTPResponse:
            return _file(PUBLIC, "chat.html")

        @bp.route("/accessibility", methods=["GET"], name="chat_accessibility")
        async def accessibility(_: Request) -> HTTPResponse:
            return _file(PUBLIC, "accessibility.html")

        @bp.route("/privacy", methods=["GET"], name="chat_privacy")
        async def privacy(_: Request) -> HTTPResponse:
            return _file(PUBLIC, "privacy.html")

        @bp.route("/static/<name:str>", methods=["GET"], name="chat_static")
        async def static(_: Request, name: str) -> HTTPResponse:
            return _file(PUBLIC, name)

        @bp.route("/vendor/<name:str>", methods=["GET"], name="chat_vendor")
        async def vendor(_: Request, name: str) -> HTTPResponse:
            if not VENDOR.is_dir():
                return response.text(_say("web.vendor_missing"), status=503, headers=page_headers())
            return _file(VENDOR, name)

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("session_request")
        async def session_request(sid: Text, data: Optional[Dict] = None) -> None:
            await self._unbind(sid)
            try:
                session = web_sessions.open_session(data if isinstance(data, dict) else {})
            except web_sessions.Refused as refused:
                log.info("event=session_refused reason=%s", refused.reason)
                await sio.emit("session_refused", {"reason": refused.reason,
                                                   "message": _say(f"web.refused.{refused.reason}")}, room=sid)
                return
            except Exception:  # e.g. an unreadable key file: say so kindly, log the cause
                log.exception("event=session_failed")
                await sio.emit("session_refused", {"reason": "server_error",
                                                   "message": _say("web.refused.server_error")}, room=sid)
                return
            await sio.save_session(sid, {"identity": session.identity})
            await _maybe_await(sio.enter_room(sid, room_for(session.identity)))
            history = await self._history(session.identity)
            confirm = {"session_id": session.session_id, "verified": session.verified, "new": not history}
            if session.resume_code:
                confirm["resume_code"] = session.resume_code
            log.info("event=session_opened verified=%s resumed=%s", session.verified, bool(history))
            await sio.emit("session_confirm", confirm, room=sid)
            await sio.emit("history", {"messages": history}, room=sid)

        @sio.on(USER_EVT)
        async def user_uttered(sid: Text, data: Any = None) -> None:
            identity = (await sio.get_session(sid) or {}).get("identity")
            if not identity:
                await sio.emit("session_refused", {"reason": "unknown_session",
                                                   "message": _say("web.refused.unknown_session")}, room=sid)
                return
            text = data.get("message") if isinstance(data, dict) else data
            if not isinstance(text, str) or not text.strip():
                return
            room = room_for(identity)
            await sio.emit("bot_typing", {"typing": True}, room=room)
            try:
                await guarded(UserMessage(text, _WebOutput(sio, BOT_EVT), identity, input_channel=self.name()))
            finally:
                await sio.emit("bot_typing", {"typing": False}, room=room)

        @sio.on("session_end")
        async def session_end(sid: Text, data: Any = None) -> None:
            await self._unbind(sid)
            log.info("event=session_ended")
            await sio.emit("session_ended", {}, room=sid)

        @sio.on("disconnect")
        async def disconnect(sid: Text) -> None:
            return None

        return bp

    async def _unbind(self, sid: Text) -> None:
        sio = self.sio
        if sio is None:
            return
        try:
            identity = (await sio.get_session(sid) or {}).get("identity")
        except KeyError:  # not connected (any more)
            return
        if identity:
            await _maybe_await(sio.leave_room(sid, room_for(identity)))
        await sio.save_session(sid, {})


def _file(folder: Path, name: str) -> HTTPResponse:
    """A file from ``folder`` by plain name only (no paths), with the page's headers."""
    path = folder / name
    if not _FILE_NAME.match(name) or not path.is_file():
        return response.text(_say("web.not_found"), status=404, headers=page_headers())
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/javascript", "image/svg+xml"):
        content_type += "; charset=utf-8"
    return response.raw(path.read_bytes(), content_type=content_type, headers=page_headers())
