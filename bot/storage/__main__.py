"""``python -m bot.storage``: the database's housekeeping, for people and for cron.

    upgrade                       bring the schema up to date (also run by `make run`)
    purge [--days N] [--dry-run]  remove what is older than the retention period (`make purge`)
    rotate-key [--retire]         new encryption key, every row re-encrypted with it; --retire then
                                  drops the old keys
    reencrypt                     re-encrypt every row with the newest key (after adding a key to
                                  COACH_ENCRYPTION_KEYS yourself)
    new-key                       print a fresh key, for COACH_ENCRYPTION_KEYS

Each prints what it did; exit status 0 on success, 1 with a one-line reason otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Dict, List, Optional

from sqlalchemy.engine import make_url

from bot.storage.engine import database_url, migrate
from bot.storage.lifecycle import (DEFAULT_CONVERSATION_DAYS, DEFAULT_RETENTION_DAYS, configured_conversation_days,
                                   configured_retention_days)

def retention_days() -> float:
    try:
        return configured_retention_days()
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def conversation_days() -> float:
    try:
        return configured_conversation_days()
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def _table(counts: Dict[str, int]) -> str:
    width = max(len(k) for k in counts)
    return "\n".join(f"  {name:<{width}}  {n}" for name, n in counts.items())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="bring the schema up to date")
    purge = sub.add_parser("purge", help="remove rows older than the retention period")
    purge.add_argument("--days", type=float, default=None,
                       help=f"retention in days (default: COACH_RETENTION_DAYS or {DEFAULT_RETENTION_DAYS})")
    purge.add_argument("--conversation-days", type=float, default=None,
                       help=f"retention of conversation events (default: COACH_CONVERSATION_DAYS or "
                            f"{DEFAULT_CONVERSATION_DAYS}, never more than --days)")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    rotate = sub.add_parser("rotate-key", help="add a new encryption key and re-encrypt every row")
    rotate.add_argument("--retire", action="store_true", help="drop every key but the newest (after rotating)")
    sub.add_parser("reencrypt", help="re-encrypt every row with the newest key")
    sub.add_parser("new-key", help="print a new encryption key")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)

    url = database_url()
    where = make_url(url).render_as_string(hide_password=True)
    if args.command == "new-key":
        from bot.crypto import new_key
        print(new_key())
        return 0
    if args.command == "upgrade":
        migrate(url)
        print(f"database schema is up to date ({where})")
        return 0

    from bot import crypto
    from bot.storage import CoachStore

    try:
        store = CoachStore(url)
        if args.command == "purge":
            days = args.days if args.days is not None else retention_days()
            talk = args.conversation_days if args.conversation_days is not None else conversation_days()
            if days <= 0 or talk <= 0:
                print("--days and --conversation-days must be more than 0", file=sys.stderr)
                return 1
            talk = min(talk, days)
            counts = store.lifecycle.purge(days, dry_run=args.dry_run, conversation_days=talk)
            verb = "would remove" if args.dry_run else "removed"
            print(f"{where}: older than {days:g} days (conversation events: {talk:g} days), "
                  f"{verb} {sum(counts.values())} rows:\n{_table(counts)}")
            if args.dry_run:
                print("nothing was removed (dry run); run again without --dry-run to remove them")
            return 0
        if args.command == "rotate-key" and args.retire:
            dropped = crypto.retire_old_keys()
            print(f"kept the newest key, dropped {dropped} older key(s) ({crypto.key_file()})")
            return 0
        if args.command == "rotate-key":
            n = crypto.add_new_key()
            print(f"new key added at the top of {crypto.key_file()} ({n} keys on the ring); re-encrypting ...")
        counts = store.lifecycle.reencrypt_all(
            progress=lambda table, done: print(f"  {table}: {done} rows", flush=True))
        print(f"re-encrypted {sum(counts.values())} rows with the newest key.")
        if args.command == "rotate-key":
            print("old keys stay on the ring so nothing is unreadable meanwhile; once every server has "
                  "restarted or reloaded, drop them with: python -m bot.storage rotate-key --retire")
        return 0
    except crypto.CryptoKeyError as exc:
        print(f"encryption key problem: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a clear line, not a traceback, for an operator at a terminal
        print(f"{args.command} failed on {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
