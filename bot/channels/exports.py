"""Downloading an export: ``GET /webhooks/exports/<token>.json`` or ``.html``.

Not a conversation channel: it only serves the files :mod:`actions.privacy` makes. The token is
256 random bits, shown only in the person's own conversation, stored only as a hash, and the link
stops working after ``COACH_EXPORT_HOURS`` (24 by default) or when the person erases their data.
Files are served with ``no-store`` and a strict content security policy (the page has no scripts).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


def _say(key: str) -> str:
    from bot.content import get_content

    return get_content().say(key)


def _store():
    from bot.storage import get_store

    return get_store()


class ExportDownloads(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "exports"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("coach_export_downloads", __name__)

        # One path segment, split here: Sanic's router does not match two parameters in a segment.
        @bp.route("/<filename:str>", methods=["GET"])
        async def download(request: Request, filename: str) -> HTTPResponse:
            token, _, kind = filename.rpartition(".")
            if kind not in ("json", "html") or not token:
                return response.text(_say("export_page.link_expired"), status=404, headers=HEADERS)
            record = _store().exports.open(token)
            if record is None:
                log.info("event=export_refused")
                return response.text(_say("export_page.link_expired"), status=404, headers=HEADERS)
            log.info("event=export_downloaded kind=%s", kind)
            if kind == "json":
                return response.text(record.json_text, content_type="application/json; charset=utf-8",
                                     headers={**HEADERS, "Content-Disposition":
                                              'attachment; filename="my-coach-data.json"'})
            return response.html(record.html_text, headers=HEADERS)

        return bp
