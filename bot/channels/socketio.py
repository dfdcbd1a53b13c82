"""Socket.IO, behind the guard: the web page's channel (events ``user_uttered`` / ``bot_uttered``).

Rasa's ``socketio`` channel with the identity namespaced ``sio:<session id>``; replies still go
to the Socket.IO room of the session (the namespace is taken off again on the way out).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.guard import Guard

NAMESPACE = "sio"


class _RoomOutput(SocketIOOutput):
    """Replies to the session's room: the recipient is the namespaced identity."""

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        prefix = NAMESPACE + ":"
        room = socket_id[len(prefix):] if socket_id.startswith(prefix) else socket_id
        await super()._send_message(room, response)


class CoachSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = Guard(NAMESPACE)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = self.guard.wrap(on_new_message)

        async def handle(message: UserMessage) -> Any:
            out = message.output_channel
            if isinstance(out, SocketIOOutput) and not isinstance(out, _RoomOutput):
                message.output_channel = _RoomOutput(out.sio, out.bot_message_evt)
            return await guarded(message)

        return super().blueprint(handle)
