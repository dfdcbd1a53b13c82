"""The coach's lock store: one conversation's messages handled in order, whichever server takes them.

What Rasa does. Before it handles a message (and in the HTTP API's tracker routes and reminders)
Rasa 3.6 runs ``async with lock_store.lock(sender_id)``: ``issue_ticket`` gives the message a
numbered ticket in the conversation's ``TicketLock``, ``_acquire_lock`` polls once a second until
that ticket is the lowest one left, and ``cleanup`` removes it afterwards. ``RedisLockStore`` keeps
the lock as one JSON value per conversation in Redis. Two things go wrong with several servers:

- **Issuing is not atomic.** ``LockStore.issue_ticket`` reads the lock (``GET``), adds a ticket in
  Python and writes the whole lock back (``SET``). Two servers issuing at the same moment both
  read the same lock, both take the same number, and the second write drops the first ticket: two
  messages of one conversation are then handled at once, and their events interleave in the
  tracker store. (``tests/test_lock_store.py`` shows it happening with Rasa's own store.)
- **A dead server's ticket blocks its conversation for the whole lock lifetime.** A ticket expires
  ``TICKET_LOCK_LIFETIME`` seconds (60 by default) after it was issued, whether the process that
  holds it is alive or not. When a server is killed in the middle of a turn, every later message of
  that conversation waits behind the dead ticket for up to a minute, on any server (and nginx's
  default 60 s proxy timeout gives up at about the same moment). Making the lifetime short instead
  would let a long but live turn (an action server slow to answer) lose its lock half-way.

What this store does instead (:class:`CoachRedisLockStore`, named in the cluster's endpoints as
``lock_store: {type: bot.rasa_ext.lock_store.CoachRedisLockStore, url: redis://..., key_prefix: ...}``):

- **Atomic tickets.** Each operation is one Lua script, run by Redis as one step: issuing
  increments a per-conversation counter (``INCR``) and adds the ticket in the same script, so two
  servers issuing at once get different numbers and both tickets stay. Numbers are never reused
  (the counter outlives the lock by a day), so a late ``cleanup`` cannot remove somebody else's
  ticket with the same number.
- **Short tickets, kept alive while their process lives.** A ticket lives
  ``COACH_LOCK_LIFETIME_SECONDS`` (default :data:`DEFAULT_LIFETIME_SECONDS`, 5 s) past its last
  renewal. A heartbeat thread in each Rasa process renews every ticket the process holds or waits
  with, every third of the lifetime, from the moment it is issued until ``cleanup``. A killed or
  frozen process stops renewing, so its ticket stops blocking within one lifetime; a live turn keeps
  its ticket however long it takes - up to ``COACH_LOCK_MAX_HOLD_SECONDS`` (default 60 s, Rasa's own
  lifetime) of being served, after which the heartbeat lets it lapse so that a wedged turn cannot
  block a conversation for ever. (A ticket waiting in line is renewed for as long as it waits: the
  line moves when the tickets ahead are given back or lapse.) The heartbeat is a thread, not an asyncio task, so a busy event loop (model
  inference and database calls block it) does not starve it: it stops only when the process does.
- **One clock.** Expiry times are written and compared by the scripts with Redis's own clock
  (``TIME``), so servers on different machines with skewed clocks agree on what has expired.
- **Expired tickets are ignored** wherever the lock is read, and removed while at it.
- **Waiters poll every** ``COACH_LOCK_POLL_SECONDS`` (default 0.1 s; Rasa's is 1 s): the second of
  two messages sent together does not wait a second longer than it has to.
- **No sender ids in Redis.** Keys are ``<prefix>:lock:{<user key>}`` where the user key is the
  same HMAC of the sender id that names the person's rows (:func:`bot.identity.user_key`); the
  value holds only ticket numbers and expiry times. Rasa's store writes the raw sender id (an email
  address on some channels) in both the key and the value.

Redis layout per conversation: a hash ``<prefix>:lock:{<key>}`` (ticket number -> expiry, in ms of
Redis time; the key itself expires with its last ticket) and a counter ``<prefix>:lock:{<key>}:n``.
The braces make both keys one Redis Cluster slot, so each script touches a single slot.

What stays Rasa's. Rasa still calls only ``lock()`` (``Agent.handle_message``,
``MessageProcessor.handle_reminder`` and ``rasa/server.py``). ``_acquire_lock`` keeps the shape of
Rasa's loop (poll, sleep, poll) but asks Redis one question per round ("how many live tickets are
ahead of mine?", one script) instead of reading the whole lock; a ticket that expired while waiting
still ends in Rasa's ``LockError``, as before. :meth:`CoachRedisLockStore.get_lock` returns a read-only
``TicketLock`` view for anything that inspects a lock.

Settings (environment of each Rasa process; ``endpoints.yml`` keys ``lifetime``, ``max_hold`` and
``poll`` override them): ``COACH_LOCK_LIFETIME_SECONDS`` (5), ``COACH_LOCK_MAX_HOLD_SECONDS`` (60),
``COACH_LOCK_POLL_SECONDS`` (0.1). Connection: ``url`` (``redis://[:password@]host:port/db`` or a
host name, as in Rasa), ``port``, ``db``, ``username``, ``password``, ``use_ssl``, ``key_prefix``
(letters and digits), ``socket_timeout`` - Rasa's ``RedisLockStore`` arguments.

Pinned. Written for Rasa ``3.6.21``; :data:`PINNED` records the SHA-256 of the Rasa functions this
relies on (how Rasa builds a custom lock store, ``RedisLockStore.__init__``, the ``lock()`` it
overrides and ``_acquire_lock``/``Agent.handle_message`` that call into it).
``tests/test_lock_store.py`` fails when they change, and the store logs
``event=lock_store_pin_mismatch`` when it starts on another Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import sys
import threading
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import unquote, urlparse

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, LockError, RedisLockStore

from bot.identity import user_key
from bot.rasa_ext import runtime

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
# SHA-256 of inspect.getsource(...) in Rasa 3.6.21 of what this store relies on (see the docstring),
# as ``module:qualified name``.
PINNED: Dict[str, str] = {
    "rasa.core.lock_store:_create_from_endpoint_config":
        "ae5a478106fa1e5abf99a4c73aaa592110385ba8fd0db0ba9204f44bf82ef96c",
    "rasa.core.lock_store:_load_from_module_name_in_endpoint_config":
        "5479347bbb2762be0c534c374eecaf0205410a44c3a7cc5f43405af9e9f06316",
    "rasa.core.lock_store:RedisLockStore.__init__":
        "829e898a8cddff8dc3f2ff6e260e944b7e1e3e4ec2d4ce8787785ce062ffc551",
    "rasa.core.lock_store:LockStore.lock":
        "8b9b716c031a34445100c32e7123859553831d2ac4747ae2b47a581f137ea371",
    "rasa.core.lock_store:LockStore._acquire_lock":
        "ead2fff373291c24619f2a2b53453f64ed2975ed68f53dce0e56041061356f05",
    "rasa.core.agent:Agent.handle_message":
        "ba53507e4d5532a38d3615aa1968deba6a8086e4fb9601b1526749b132c06308",
}

DEFAULT_LIFETIME_SECONDS = 5.0
DEFAULT_MAX_HOLD_SECONDS = 60.0
DEFAULT_POLL_SECONDS = 0.1
DEFAULT_KEY_PREFIX = "coach"
COUNTER_TTL_MS = 24 * 3600 * 1000  # a conversation's ticket counter outlives its last ticket by a day

# Redis's clock in ms; ``replicate_commands`` is needed before a write that follows TIME on Redis < 5.
_NOW = """
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: lock hash, counter. ARGV: lifetime ms, counter ttl ms. Returns the new ticket's number.
_ISSUE = _NOW + """
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) < now then redis.call('HDEL', KEYS[1], all[i]) end
end
redis.call('HSET', KEYS[1], n, now + tonumber(ARGV[1]))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""

# KEYS: lock hash. ARGV: ticket number. Returns -1 when the ticket is gone (expired or released),
# else how many live tickets are ahead of it (0: it is being served).
_AHEAD = _NOW + """
local mine = tonumber(ARGV[1])
local found = false
local ahead = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local number = tonumber(all[i])
  if tonumber(all[i + 1]) < now then
    redis.call('HDEL', KEYS[1], all[i])
  elseif number == mine then
    found = true
  elseif number < mine then
    ahead = ahead + 1
  end
end
if not found then return -1 end
return ahead
"""

# KEYS: lock hash. ARGV: ticket number, lifetime ms. Returns 1 if renewed, 0 if the ticket is gone.
_RENEW = _NOW + """
local expires = redis.call('HGET', KEYS[1], ARGV[1])
if not expires or tonumber(expires) < now then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
"""

# KEYS: lock hash. ARGV: ticket number. Removes the ticket; the lock goes with its last live ticket.
# Returns how many live tickets are left.
_RELEASE = _NOW + """
redis.call('HDEL', KEYS[1], ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local left = 0
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) < now then redis.call('HDEL', KEYS[1], all[i]) else left = left + 1 end
end
if left == 0 then redis.call('DEL', KEYS[1]) end
return left
"""

# KEYS: lock hash. Returns the live tickets as a flat list: number, expiry ms, ...
_LIVE = _NOW + """
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) >= now then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
return out
"""


# --------------------------------------------------------------------------- settings


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw.strip() else default
    except ValueError:
        log.warning("event=bad_setting name=%s using=%s", name, default)
        return default
    return value if value > 0 else default


def lifetime_seconds() -> float:
    return _seconds("COACH_LOCK_LIFETIME_SECONDS", DEFAULT_LIFETIME_SECONDS)


def max_hold_seconds() -> float:
    return _seconds("COACH_LOCK_MAX_HOLD_SECONDS", DEFAULT_MAX_HOLD_SECONDS)


def poll_seconds() -> float:
    return _seconds("COACH_LOCK_POLL_SECONDS", DEFAULT_POLL_SECONDS)


def redis_connection(url: Optional[str], **kwargs: Any) -> Dict[str, Any]:
    """``RedisLockStore`` arguments from an endpoint's ``url`` (``redis://`` / ``rediss://`` URL or a
    host name, as Rasa takes it) and its other keys; keys given explicitly win over the URL's."""
    settings: Dict[str, Any] = {}
    if url and "://" in url:
        parsed = urlparse(url)
        if parsed.scheme not in ("redis", "rediss"):
            raise ValueError(f"the lock store's url must be redis:// or rediss://, not {parsed.scheme}://")
        settings["host"] = parsed.hostname or "localhost"
        if parsed.port:
            settings["port"] = parsed.port
        if parsed.username:
            settings["username"] = unquote(parsed.username)
        if parsed.password:
            settings["password"] = unquote(parsed.password)
        path = parsed.path.strip("/")
        if path:
            settings["db"] = int(path)
        if parsed.scheme == "rediss":
            settings["use_ssl"] = True
    elif url:
        settings["host"] = url
    settings.update({k: v for k, v in kwargs.items() if v is not None})
    settings.setdefault("db", 0)
    return settings


# --------------------------------------------------------------------------- the heartbeat


class Heartbeat:
    """A daemon thread that renews the tickets this process holds or waits with.

    ``renew(lock_key, number)`` returns False when the ticket is gone; the ticket is then dropped.
    A waiting ticket is renewed for as long as it waits (its wait ends when the tickets ahead are
    given back or lapse); a ticket being served is renewed for at most ``max_hold`` seconds from the
    moment it was first in line (:meth:`serving`).
    """

    def __init__(self, renew: Callable[[str, int], bool], interval: float, max_hold: float) -> None:
        self._renew, self.interval, self.max_hold = renew, interval, max_hold
        self._tickets: Dict[Tuple[str, int], float] = {}  # (lock key, number) -> renew until (monotonic)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def add(self, key: str, number: int) -> None:
        """Keep a newly issued (waiting) ticket alive."""
        with self._lock:
            self._tickets[(key, number)] = math.inf
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="coach-lock-heartbeat", daemon=True)
                self._thread.start()

    def serving(self, key: str, number: int) -> None:
        """The ticket is first in line now: keep it alive for at most ``max_hold`` seconds more."""
        with self._lock:
            if (key, number) in self._tickets:
                self._tickets[(key, number)] = time.monotonic() + self.max_hold

    def discard(self, key: str, number: int) -> None:
        with self._lock:
            self._tickets.pop((key, number), None)

    def held(self) -> List[Tuple[str, int]]:
        with self._lock:
            return list(self._tickets)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            now = time.monotonic()
            with self._lock:
                due = list(self._tickets.items())
            for (key, number), until in due:
                if now > until:
                    self.discard(key, number)
                    log.warning("event=lock_hold_limit ticket=%d max_hold=%gs", number, self.max_hold)
                    continue
                try:
                    alive = self._renew(key, number)
                except Exception as e:  # noqa: BLE001 - Redis away for a moment: try again next beat
                    log.warning("event=lock_renew_failed ticket=%d error=%s", number, type(e).__name__)
                    continue
                if not alive:
                    self.discard(key, number)
                    log.warning("event=lock_ticket_lost ticket=%d", number)


# --------------------------------------------------------------------------- the store


class CoachRedisLockStore(RedisLockStore):
    """Rasa's ``RedisLockStore`` with atomic tickets kept alive by a heartbeat (see the module docstring)."""

    def __init__(self, endpoint_config: Any = None, url: Optional[str] = None, host: Optional[str] = None,
                 lifetime: Optional[float] = None, max_hold: Optional[float] = None,
                 poll: Optional[float] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a custom lock store: class(endpoint_config=...)
            kwargs = {**dict(endpoint_config.kwargs or {}), **kwargs}
            url = url or endpoint_config.url
            lifetime = lifetime if lifetime is not None else kwargs.pop("lifetime", None)
            max_hold = max_hold if max_hold is not None else kwargs.pop("max_hold", None)
            poll = poll if poll is not None else kwargs.pop("poll", None)
        kwargs.pop("type", None)
        settings = redis_connection(url or host, **kwargs)
        settings.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)
        super().__init__(**settings)
        if settings.get("key_prefix") is None:
            self._set_key_prefix(DEFAULT_KEY_PREFIX)
        self.lifetime = float(lifetime) if lifetime else lifetime_seconds()
        self.max_hold = float(max_hold) if max_hold else max_hold_seconds()
        self.poll = float(poll) if poll else poll_seconds()
        if self.max_hold < self.lifetime:
            self.max_hold = self.lifetime
        self._issue = self.red.register_script(_ISSUE)
        self._ahead = self.red.register_script(_AHEAD)
        self._renew_script = self.red.register_script(_RENEW)
        self._release = self.red.register_script(_RELEASE)
        self._live = self.red.register_script(_LIVE)
        self.heartbeat = Heartbeat(self._renew, self.lifetime / 3.0, self.max_hold)
        problem = pinned_problem(loaded_only=True)
        if problem:
            log.warning("event=lock_store_pin_mismatch problem=%r", problem)
        log.info("event=lock_store_ready prefix=%s lifetime=%gs max_hold=%gs poll=%gs", self.key_prefix,
                 self.lifetime, self.max_hold, self.poll)

    # ------------------------------------------------------------------ keys

    def lock_key(self, conversation_id: Text) -> str:
        """The Redis key of the conversation's lock (an HMAC of the id, never the id itself)."""
        return f"{self.key_prefix}{{{user_key(conversation_id)}}}"

    @staticmethod
    def counter_key(lock_key: str) -> str:
        return lock_key + ":n"

    def _ms(self, seconds: float) -> int:
        return max(1, int(seconds * 1000))

    def _renew(self, lock_key: str, number: int) -> bool:
        return bool(self._renew_script(keys=[lock_key], args=[number, self._ms(self.lifetime)]))

    # ------------------------------------------------------------------ Rasa's interface

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: Optional[float] = None,
                   wait_time_in_seconds: Optional[float] = None) -> AsyncGenerator[TicketLock, None]:
        """Rasa's ``LockStore.lock`` with this store's timings: the ticket is renewed by the heartbeat
        from now until it is cleaned up (``lock_lifetime``, when given, replaces the lifetime)."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket,
                                           wait_time_in_seconds if wait_time_in_seconds else self.poll)
        finally:
            self.cleanup(conversation_id, ticket)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: Optional[float] = None) -> int:
        """A new ticket, issued atomically and renewed by the heartbeat until :meth:`cleanup`."""
        key = self.lock_key(conversation_id)
        try:
            number = int(self._issue(keys=[key, self.counter_key(key)],
                                     args=[self._ms(lock_lifetime or self.lifetime), COUNTER_TTL_MS]))
        except Exception as e:  # noqa: BLE001 - as Rasa's issue_ticket: any failure is a LockError
            log.error("event=lock_store_unreachable error=%s", type(e).__name__)
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        self.heartbeat.add(key, number)
        return number

    def ahead_of(self, conversation_id: Text, ticket_number: int) -> int:
        """How many live tickets are ahead of this one; -1 when it is gone (expired or released)."""
        return int(self._ahead(keys=[self.lock_key(conversation_id)], args=[ticket_number]))

    def live_tickets(self, conversation_id: Text) -> List[Tuple[int, float]]:
        """(number, expiry in seconds of Redis time) of the conversation's live tickets, in order."""
        flat = self._live(keys=[self.lock_key(conversation_id)])
        pairs = [(int(flat[i]), int(flat[i + 1]) / 1000.0) for i in range(0, len(flat), 2)]
        return sorted(pairs)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """A read-only ``TicketLock`` view of the live tickets (what Rasa's ``_acquire_lock`` reads).

        Its ``now_serving`` is the lowest live ticket. Expiry is decided by Redis's clock, so the view's
        tickets never expire on this process's clock (Rasa's ``TicketLock`` checks ``time.time()``).
        """
        tickets = self.live_tickets(conversation_id)
        if not tickets:
            return None
        return TicketLock(conversation_id, deque(Ticket(number, math.inf) for number, _ in tickets))

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Rasa's loop, asking Redis whether the ticket is first (one script) rather than reading the lock."""
        while True:
            ahead = self.ahead_of(conversation_id, ticket)
            if ahead < 0:  # expired while waiting (a frozen process, or the hold limit): Rasa's LockError
                break
            if ahead == 0:
                self.heartbeat.serving(self.lock_key(conversation_id), ticket)
                return TicketLock(conversation_id, deque([Ticket(ticket, math.inf)]))  # a view, as get_lock
            await asyncio.sleep(wait_time_in_seconds)
        log.warning("event=lock_ticket_expired_while_waiting ticket=%d", ticket)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def update_lock(self, conversation_id: Text) -> None:
        """Remove expired tickets (the scripts do it whenever they read the lock)."""
        self.live_tickets(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("CoachRedisLockStore writes tickets only through its scripts")

    def delete_lock(self, conversation_id: Text) -> None:
        deleted = self.red.delete(self.lock_key(conversation_id))
        self._log_deletion(conversation_id, bool(deleted))

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        key = self.lock_key(conversation_id)
        self.heartbeat.discard(key, ticket_number)
        self._release(keys=[key], args=[ticket_number])

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give the ticket back (the lock is removed with its last live ticket)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except Exception as e:  # noqa: BLE001 - the ticket then lapses within one lifetime
            self.heartbeat.discard(self.lock_key(conversation_id), ticket_number)
            log.warning("event=lock_release_failed ticket=%d error=%s", ticket_number, type(e).__name__)

    def is_someone_waiting(self, conversation_id: Text) -> bool:
        return bool(self.live_tickets(conversation_id))


# --------------------------------------------------------------------------- the pin


def _resolve(name: str) -> Callable[..., Any]:
    """``module:Class.function`` -> the function."""
    import importlib

    module, _, path = name.partition(":")
    obj: Any = importlib.import_module(module)
    for attribute in path.split("."):
        obj = getattr(obj, attribute)
    return obj


def _loaded(name: str) -> bool:
    return name.partition(":")[0] in sys.modules


def pinned_digests(loaded_only: bool = False) -> Dict[str, str]:
    """The SHA-256 of each pinned Rasa function's source as installed (``loaded_only``: only those whose
    module this process has imported already: a Rasa server has them all, a small script need not)."""
    return {name: runtime.source_sha256(_resolve(name)) for name in PINNED if not loaded_only or _loaded(name)}


def pinned_problem(loaded_only: bool = False) -> Optional[str]:
    """Why this store may not fit the installed Rasa, or None when every pin matches."""
    version = runtime.rasa_version()
    digests = pinned_digests(loaded_only)
    for name, expected in PINNED.items():
        if name not in digests:
            continue
        problem = runtime.pin_problem(name, RASA_VERSION, expected, version, digests[name])
        if problem:
            return problem
    return None
