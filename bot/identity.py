"""Turning a channel's sender id into the key every stored row belongs to.

The key is an HMAC of the sender id, so the coach's tables never hold the raw
id (which may be an email address on some channels) and a key cannot be
worked back to a person without the secret. That includes the conversations
(``coach_conversation_events``, written by the tracker store); migration 0004
moves any conversations left in Rasa's own ``events`` table (keyed by raw sender
ids) into that table and drops it. The secret comes from
``COACH_USER_KEY_SECRET`` or, failing that, a file created once under ``var/``.

The sender id must come from the channel (``tracker.sender_id``), never from the
text, entities or slots of a message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from bot.keyfiles import VAR, secret

SECRET_FILE = VAR / "user_key_secret"


@lru_cache(maxsize=1)
def _secret() -> bytes:
    return secret("COACH_USER_KEY_SECRET", SECRET_FILE, lambda: secrets.token_hex(32)).encode()


def user_key(sender_id: str) -> str:
    """A stable 64-character key for ``sender_id``."""
    if not sender_id:
        raise ValueError("a sender id is needed to store anything for a person")
    return hmac.new(_secret(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
