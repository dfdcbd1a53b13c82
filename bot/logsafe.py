"""Logs never hold what people write.

Rasa logs some messages whole (a message starting with "/" as a warning; a failed REST message
with its text; everything at DEBUG). The channels (:mod:`bot.channels.guard`) note the text of
the message being handled in :data:`CURRENT_TEXT`; :class:`WithholdText`, on every log handler,
replaces it (as typed and as JSON would escape it) with ``[text withheld]`` in any record logged
while that message is handled. Our own log lines never carry text in the first place: they are
``event=... key=value`` with counts and names only.

DEBUG output is for development with made-up conversations: it prints trackers and slot values
this filter cannot know about. Production runs at INFO or WARNING (``make run`` uses --quiet).
"""

from __future__ import annotations

import contextvars
import json
import logging
from typing import Optional

WITHHELD = "[text withheld]"
CURRENT_TEXT: "contextvars.ContextVar[Optional[str]]" = contextvars.ContextVar("coach_current_text", default=None)
MIN_LENGTH = 3  # "hi" inside an unrelated log line is not worth mangling the line for


def _forms(text: str):
    yield text
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    if escaped != text:
        yield escaped
    ascii_escaped = json.dumps(text, ensure_ascii=True)[1:-1]
    if ascii_escaped not in (text, escaped):
        yield ascii_escaped
    r = repr(text)[1:-1]
    if r != text:
        yield r


class WithholdText(logging.Filter):
    """Replaces the text of the message being handled in any log record (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = CURRENT_TEXT.get()
        if not text or len(text.strip()) < MIN_LENGTH:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to the handler
            return True
        changed = message
        for form in _forms(text.strip()):
            if form and form in changed:
                changed = changed.replace(form, WITHHELD)
        if changed != message:
            record.msg, record.args = changed, None
        return True


_FILTER = WithholdText()


def install() -> None:
    """Put the filter on every handler there is now (root and named loggers); safe to call twice."""
    loggers = [logging.getLogger()] + [l for l in logging.Logger.manager.loggerDict.values()
                                        if isinstance(l, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
