"""Turning a channel's sender id into the key every stored row belongs to.

The key is an HMAC of the sender id, so the coach's tables never hold the raw
id (which may be an email address on some channels) and a key cannot be
worked back to a person without the secret. That includes the conversations
(``coach_conversation_events``, written by the tracker store). Only a
deployment that predates them still has Rasa's old ``events`` table, keyed by
raw sender ids, until a later migration erases it. The secret comes from
``COACH_USER_KEY_SECRET`` or, failing that, a file created once under ``var/``.

The sender id must come from the channel (``tracker.sender_id``), never from the
text, entities or slots of a message.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

SECRET_FILE = Path(__file__).resolve().parent.parent / "var" / "user_key_secret"


@lru_cache(maxsize=1)
def _secret() -> bytes:
    env = os.environ.get("COACH_USER_KEY_SECRET")
    if env:
        return env.encode()
    path = Path(os.environ.get("COACH_USER_KEY_SECRET_FILE") or SECRET_FILE)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, value)
        except Exception:
            os.close(fd)
            raise
        os.close(fd)
        return value
    except FileExistsError:  # pragma: no cover - lost a race with another process
        return path.read_bytes().strip()


def user_key(sender_id: str) -> str:
    """A stable 64-character key for ``sender_id``."""
    if not sender_id:
        raise ValueError("a sender id is needed to store anything for a person")
    return hmac.new(_secret(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
