"""REST, behind the guard: ``POST /webhooks/rest/webhook {"sender": "...", "message": "..."}``.

The same URL and JSON as Rasa's ``rest`` channel. The identity is ``rest:<sender>``. REST has no
authentication of its own: it is an integration channel for systems the organisation trusts,
to be protected at the proxy (see SECURITY.md); a sender id must be long and random.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.guard import Guard


class CoachRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.guard = Guard("rest")

    @staticmethod
    def _field(req: Request, name: str) -> Text:
        """A text field of the JSON body; "" when the body or the field is anything else."""
        body = req.json if isinstance(req.json, dict) else {}
        value = body.get(name)
        return value if isinstance(value, str) else ""

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return self._field(req, "sender")

    def _extract_message(self, req: Request) -> Optional[Text]:
        return self._field(req, "message")

    def get_metadata(self, request: Request) -> Optional[dict]:
        return None  # nothing a client sends besides the text is kept

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(self.guard.wrap(on_new_message))
