"""Encryption at rest: free text is encrypted before it reaches the database.

What: reflections, situations, assessment notes, every conversation event (user text, parse data
and entities, slot values, bot replies, metadata) and export files. How: ``cryptography``'s Fernet
(AES-128-CBC with HMAC-SHA256: authenticated, so a changed row fails loudly instead of reading as
something else) through :class:`~cryptography.fernet.MultiFernet`, which encrypts with the newest
key and decrypts with any key on the ring. Stored values carry a prefix (``enc1:``) so a value
written before encryption existed is recognised (and re-encrypted by migration 0004 and by
``python -m bot.storage rotate-key``).

Keys, newest first:
- ``COACH_ENCRYPTION_KEYS``: comma-separated Fernet keys (for containers and clusters, where every
  server must share them); or
- the key file (``COACH_ENCRYPTION_KEY_FILE``, by default ``var/encryption_keys``): one key per
  line, made with mode 0600 on first run. Running processes notice when the file changes.

Rotation (see SECURITY.md): ``rotate-key`` puts a new key at the top and re-encrypts every row;
old keys stay on the ring until ``rotate-key --retire`` drops them, so nothing is ever unreadable
in between. Whoever holds the key file and the database can read the data: the organisation that
runs the coach holds both, and must guard them separately (backups included).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import List, Optional, Tuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import Text, TypeDecorator

from bot.keyfiles import VAR, read_or_create, write_private

PREFIX = "enc1:"
KEY_FILE = VAR / "encryption_keys"
ENV_KEYS = "COACH_ENCRYPTION_KEYS"
ENV_KEY_FILE = "COACH_ENCRYPTION_KEY_FILE"
RECHECK_SECONDS = 1.0  # how often a process looks at the key file's modification time


class CryptoKeyError(RuntimeError):
    """The encryption keys are missing, malformed, or do not open a stored value."""


def key_file() -> Path:
    return Path(os.environ.get(ENV_KEY_FILE) or KEY_FILE)


def _parse(text: str, where: str) -> List[bytes]:
    keys = [line.strip() for line in text.replace(",", "\n").splitlines()]
    keys = [k for k in keys if k and not k.startswith("#")]
    if not keys:
        raise CryptoKeyError(f"no encryption key in {where}")
    for k in keys:
        try:
            Fernet(k.encode())
        except (ValueError, TypeError):
            raise CryptoKeyError(f"{where} holds something that is not a Fernet key "
                            "(make one with: python -m bot.storage new-key)") from None
    return [k.encode() for k in keys]


class _Ring:
    """The key ring, reloaded when its source changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: Optional[Tuple[str, float]] = None
        self._checked = 0.0
        self._multi: Optional[MultiFernet] = None
        self._keys: List[bytes] = []

    def _current_source(self) -> Tuple[str, float]:
        env = os.environ.get(ENV_KEYS)
        if env:
            return ("env:" + env, 0.0)
        path = key_file()
        try:
            return (str(path), path.stat().st_mtime)
        except FileNotFoundError:
            return (str(path), -1.0)

    def keys(self) -> List[bytes]:
        self.get()
        return list(self._keys)

    def get(self) -> MultiFernet:
        now = time.monotonic()
        with self._lock:
            if self._multi is not None and now - self._checked < RECHECK_SECONDS:
                return self._multi
            self._checked = now
            source = self._current_source()
            if self._multi is not None and source == self._source:
                return self._multi
            env = os.environ.get(ENV_KEYS)
            if env:
                keys = _parse(env, ENV_KEYS)
            else:
                path = key_file()
                keys = _parse(read_or_create(path, lambda: Fernet.generate_key().decode()), str(path))
                source = self._current_source()
            self._keys = keys
            self._multi = MultiFernet([Fernet(k) for k in keys])
            self._source = source
            return self._multi

    def forget(self) -> None:
        with self._lock:
            self._multi = None
            self._source = None


_ring = _Ring()


def encrypt(text: Optional[str]) -> Optional[str]:
    """``text`` as stored: ``enc1:`` and a Fernet token. ``None`` stays ``None``."""
    if text is None:
        return None
    return PREFIX + _ring.get().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: Optional[str]) -> Optional[str]:
    """The text behind a stored value; a value stored before encryption is returned as it is."""
    if stored is None or not stored.startswith(PREFIX):
        return stored
    try:
        return _ring.get().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise CryptoKeyError("a stored value cannot be decrypted with the keys on the ring: was the key "
                        f"file ({key_file()}) or {ENV_KEYS} replaced instead of rotated?") from None


def is_encrypted(stored: Optional[str]) -> bool:
    return stored is None or stored.startswith(PREFIX)


def reencrypt(stored: Optional[str]) -> Optional[str]:
    """The same text encrypted with the newest key (plain text gets encrypted)."""
    if stored is None:
        return None
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    try:
        return PREFIX + _ring.get().rotate(stored[len(PREFIX):].encode("ascii")).decode("ascii")
    except InvalidToken:
        raise CryptoKeyError("a stored value cannot be decrypted with the keys on the ring") from None


def keys_from_env() -> bool:
    return bool(os.environ.get(ENV_KEYS))


def add_new_key() -> int:
    """Put a new key at the top of the key file; returns how many keys the ring now has."""
    if keys_from_env():
        raise CryptoKeyError(f"the keys come from {ENV_KEYS}: put a new key (python -m bot.storage new-key) "
                        "at its front, restart the servers, then run: python -m bot.storage reencrypt")
    keys = _ring.keys()
    new = Fernet.generate_key()
    write_private(key_file(), "\n".join(k.decode() for k in [new] + keys) + "\n")
    _ring.forget()
    return len(keys) + 1


def retire_old_keys() -> int:
    """Keep only the newest key; returns how many were dropped. Run only after re-encrypting."""
    if keys_from_env():
        raise CryptoKeyError(f"the keys come from {ENV_KEYS}: remove the old keys there")
    keys = _ring.keys()
    write_private(key_file(), keys[0].decode() + "\n")
    _ring.forget()
    return len(keys) - 1


def new_key() -> str:
    return Fernet.generate_key().decode()


def forget_keys() -> None:
    """Drop the cached ring (tests that switch keys use this)."""
    _ring.forget()


class EncryptedText(TypeDecorator):
    """A ``Text`` column whose values are encrypted on the way in and decrypted on the way out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encrypt(value)

    def process_result_value(self, value, dialect):
        return decrypt(value)
