"""What every channel does before the coach hears a message.

1. **Identity from the channel, namespaced.** The sender id becomes ``<channel>:<id>`` (``rest:``,
   ``web:``, ``aad:``), so an id sent over REST can never be a web-token or Teams user's id. It comes from
   the channel only; nothing in the text, entities or slots can change it.
2. **A sender is needed**, of at most :data:`MAX_SENDER_CHARS` printable characters.
3. **Length.** A message over :data:`max_message_chars` characters gets a polite answer and is
   neither processed nor stored.
4. **Rate.** More than :data:`rate_limit_per_minute` messages from one sender in a minute get a
   polite answer (counted per server process; behind a load balancer each server counts its own).
5. **Payloads.** A hand-typed ``/intent{...}`` goes through only if a button could have sent it
   (:mod:`bot.channels.payloads`); anything else is read as text.
6. **Logs.** While the message is handled its text is withheld from every log line
   (:mod:`bot.logsafe`).

The polite answers come from ``bot/content/messages.yml`` (``guard.*``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict, deque
from typing import Any, Awaitable, Callable, Deque, Optional

from rasa.core.channels.channel import UserMessage

from bot import logsafe
from bot.channels.payloads import screen

log = logging.getLogger(__name__)

MAX_SENDER_CHARS = 200
DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_RATE_LIMIT_PER_MINUTE = 30
WINDOW_SECONDS = 60.0
REMEMBERED_SENDERS = 10000


def _int_env(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        log.warning("event=bad_setting name=%s using=%d", name, default)
        return default
    return value if value > 0 else default


def max_message_chars() -> int:
    return _int_env("COACH_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS)


def rate_limit_per_minute() -> int:
    return _int_env("COACH_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE)


class RateLimiter:
    """At most ``limit`` messages per sender in any ``window`` seconds (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, size: int = REMEMBERED_SENDERS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.size, self.clock = limit, window, size, clock
        self._seen: "OrderedDict[str, Deque[float]]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, sender: str) -> bool:
        now = self.clock()
        with self._lock:
            times = self._seen.get(sender)
            if times is None:
                times = self._seen[sender] = deque()
            self._seen.move_to_end(sender)
            while times and now - times[0] >= self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)
            return True


def _valid_sender(sender: Any) -> bool:
    return isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS and sender.isprintable() \
        and sender.strip() == sender


def _say(key: str, **values: Any) -> str:
    from bot.content import get_content  # the content files are read once, on first use

    return get_content().say(key, **values)


class Guard:
    """Wraps a channel's ``on_new_message`` with the checks in the module docstring."""

    def __init__(self, namespace: str, limiter: Optional[RateLimiter] = None, established: bool = False) -> None:
        """``established``: the channel hands over identities it has already namespaced itself
        (the web channel's ``web:`` / ``aad:`` / ``sso:``, see :mod:`bot.web_sessions`); they are
        checked, not prefixed again. ``namespace`` then only names the channel in log lines."""
        self.namespace = namespace
        self.established = established
        self.limiter = limiter or RateLimiter(rate_limit_per_minute())
        logsafe.install()

    def identity(self, raw_sender: Any) -> Optional[str]:
        """The namespaced identity for a channel's raw sender id, or None when it is unusable."""
        if not _valid_sender(raw_sender):
            return None
        if self.established:
            return raw_sender if ":" in raw_sender[1:-1] else None
        return f"{self.namespace}:{raw_sender}"

    def wrap(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
        async def guarded(message: UserMessage) -> Any:
            text = message.text or ""
            token = logsafe.CURRENT_TEXT.set(text)
            try:
                return await self._handle(message, text, on_new_message)
            finally:
                logsafe.CURRENT_TEXT.reset(token)

        return guarded

    async def _handle(self, message: UserMessage, text: str,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        sender = self.identity(message.sender_id)
        out = message.output_channel
        if sender is None:
            log.info("event=message_refused reason=no_sender channel=%s", self.namespace)
            await out.send_text_message(message.sender_id or "unknown", _say("guard.no_sender"))
            return None
        if len(text) > max_message_chars():
            log.info("event=message_refused reason=too_long chars=%d channel=%s", len(text), self.namespace)
            await out.send_text_message(sender, _say("guard.too_long", limit=max_message_chars()))
            return None
        if not self.limiter.allow(sender):
            log.info("event=message_refused reason=rate_limited channel=%s", self.namespace)
            await out.send_text_message(sender, _say("guard.rate_limited"))
            return None
        message.sender_id = sender
        message.text = screen(text) if text else text
        return await on_new_message(message)
