"""Secrets the coach makes for itself on first run: small files under ``var/``, readable by their owner only.

Three live here: the HMAC secret behind user keys (:mod:`bot.identity`), the encryption keys
(:mod:`bot.crypto`) and the action server's shared secret (:mod:`bot.action_server`). Each can
instead come from an environment variable (for containers and for several servers that must share
it); a file is only made when neither is set.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

VAR = Path(__file__).resolve().parent.parent / "var"


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's text (stripped); made with ``make()`` and mode 0600 if it does not exist yet.

    Creating uses ``O_EXCL``, so two processes starting at once end up with the same value.
    A file that others can read is reported once (it still works: refusing to start would
    take the coach down over a permission a deployment script can fix).
    """
    path = Path(path)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # lost a race with another process
            return path.read_text().strip()
        value = make()
        try:
            os.write(fd, (value + "\n").encode())
        finally:
            os.close(fd)
        log.info("event=secret_file_created file=%s", path.name)
        return value
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("event=secret_file_too_open file=%s mode=%o hint='chmod 600 it'", path, mode & 0o777)
    return text


def write_private(path: Path, text: str) -> None:
    """Replace the file's text atomically, keeping it owner-only."""
    path = Path(path)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def secret(name: str, default_file: Path, make: Callable[[], str]) -> str:
    """A secret from the environment variable ``name``, else from the file ``<name>_FILE`` names
    (``default_file`` when unset), made with ``make()`` on first use (:func:`read_or_create`)."""
    value = os.environ.get(name)
    if value:
        return value
    return read_or_create(Path(os.environ.get(f"{name}_FILE") or default_file), make)
