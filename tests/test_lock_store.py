"""The coach's Redis lock store (bot/rasa_ext/lock_store.py) against the real Redis.

Every test uses its own key prefix and removes its keys afterwards. "Servers" are separate store
objects (each with its own connection pool and heartbeat), in threads with their own event loops
or in separate processes; a killed server is a real process killed with SIGKILL (or frozen with
SIGSTOP).

Redis: ``COACH_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``); skipped when unreachable.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

redis = pytest.importorskip("redis")
pytest.importorskip("rasa.core.lock_store")

from rasa.core.lock_store import LockError, LockStore, RedisLockStore  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

from bot.rasa_ext import lock_store as coach_lock  # noqa: E402
from bot.rasa_ext.lock_store import CoachRedisLockStore  # noqa: E402
from bot.servers import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("COACH_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
CLASS_PATH = "bot.rasa_ext.lock_store.CoachRedisLockStore"


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({type(e).__name__}); set COACH_TEST_REDIS_URL")
    return REDIS_URL


@pytest.fixture
def prefix(redis_url):
    """A key prefix of this test's own; every key under it is removed afterwards."""
    name = "t" + uuid.uuid4().hex[:16]
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{name}:*", count=500))
    if keys:
        client.delete(*keys)


def make_store(redis_url: str, prefix: str, **settings: Any) -> CoachRedisLockStore:
    settings.setdefault("poll", 0.02)
    return CoachRedisLockStore(url=redis_url, key_prefix=prefix, **settings)


def in_thread(coroutine_factory) -> threading.Thread:
    """Run ``coroutine_factory()`` on its own event loop in a thread (a server of its own); started."""
    thread = threading.Thread(target=lambda: asyncio.run(coroutine_factory()), daemon=True)
    thread.start()
    return thread


# The holder process: takes the lock, says so (with its ticket), then does nothing until killed.
HOLDER = textwrap.dedent("""
    import asyncio, json, sys, time
    from bot.rasa_ext.lock_store import CoachRedisLockStore

    url, prefix, conversation, lifetime = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    store = CoachRedisLockStore(url=url, key_prefix=prefix, lifetime=lifetime, poll=0.02)

    async def main():
        async with store.lock(conversation) as lock:
            print(json.dumps({"held": lock.now_serving}), flush=True)
            await asyncio.sleep(3600)

    asyncio.run(main())
""")

# The issuing process: says it is ready, waits for "go" on stdin, then issues tickets as fast as it can.
ISSUER = textwrap.dedent("""
    import json, sys
    from bot.rasa_ext.lock_store import CoachRedisLockStore

    url, prefix, conversation, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = CoachRedisLockStore(url=url, key_prefix=prefix, lifetime=60)
    store.red.ping()
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps([store.issue_ticket(conversation) for _ in range(count)]), flush=True)
""")


def child_env() -> Dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


# --------------------------------------------------------------------------- the pin


def test_pinned_to_rasa_3_6_21():
    problem = coach_lock.pinned_problem()
    assert problem is None, (
        f"bot/rasa_ext/lock_store.py was written for Rasa {coach_lock.RASA_VERSION}: {problem}. Re-read "
        f"rasa/core/lock_store.py (how a custom lock store is built: class(endpoint_config=...); "
        f"RedisLockStore.__init__'s arguments; LockStore.lock and _acquire_lock, which the coach's store "
        f"overrides) and rasa/core/agent.py (handle_message takes the lock with lock(sender_id) and no other "
        f"argument). If the store still fits, record the new version and SHA-256s in PINNED and re-run these "
        f"tests and tests/e2e/test_cluster.py.")


def test_rasa_builds_it_from_an_endpoint(redis_url, prefix):
    store = LockStore.create(EndpointConfig(type=CLASS_PATH, url=redis_url, key_prefix=prefix, lifetime=2.5,
                                            max_hold=30, poll=0.05))
    assert isinstance(store, CoachRedisLockStore)
    assert (store.lifetime, store.max_hold, store.poll) == (2.5, 30.0, 0.05)
    assert store.key_prefix == f"{prefix}:lock:"
    assert store.red.ping()


def test_rasa_builds_it_from_an_endpoints_file(redis_url, prefix, tmp_path, monkeypatch):
    """As the cluster writes it: the URL from the environment (Rasa expands ${...})."""
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.setenv("COACH_REDIS_URL", redis_url)
    path = tmp_path / "endpoints.yml"
    path.write_text(f"lock_store:\n  type: {CLASS_PATH}\n  url: ${{COACH_REDIS_URL}}\n  key_prefix: {prefix}\n")
    store = LockStore.create(AvailableEndpoints.read_endpoints(str(path)).lock_store)
    assert isinstance(store, CoachRedisLockStore) and store.red.ping()


def test_settings_from_the_environment(redis_url, prefix, monkeypatch):
    monkeypatch.setenv("COACH_LOCK_LIFETIME_SECONDS", "3")
    monkeypatch.setenv("COACH_LOCK_MAX_HOLD_SECONDS", "40")
    monkeypatch.setenv("COACH_LOCK_POLL_SECONDS", "0.2")
    store = CoachRedisLockStore(url=redis_url, key_prefix=prefix)
    assert (store.lifetime, store.max_hold, store.poll) == (3.0, 40.0, 0.2)
    assert store.heartbeat.interval == pytest.approx(1.0)
    monkeypatch.setenv("COACH_LOCK_LIFETIME_SECONDS", "soon")
    monkeypatch.delenv("COACH_LOCK_MAX_HOLD_SECONDS")
    store = CoachRedisLockStore(url=redis_url, key_prefix=prefix)
    assert (store.lifetime, store.max_hold) == (coach_lock.DEFAULT_LIFETIME_SECONDS, coach_lock.DEFAULT_MAX_HOLD_SECONDS)


def test_redis_urls():
    assert coach_lock.redis_connection("redis://:pw@redis.internal:6380/3") == {
        "host": "redis.internal", "port": 6380, "password": "pw", "db": 3}
    assert coach_lock.redis_connection("rediss://u:p%40ss@r.example/0", key_prefix="coach") == {
        "host": "r.example", "username": "u", "password": "p@ss", "db": 0, "use_ssl": True, "key_prefix": "coach"}
    assert coach_lock.redis_connection("localhost", port=6379, db=1) == {"host": "localhost", "port": 6379, "db": 1}
    with pytest.raises(ValueError):
        coach_lock.redis_connection("http://localhost:6379")


def test_redis_away_is_a_lock_error():
    store = CoachRedisLockStore(url=f"redis://127.0.0.1:{free_port()}/0", socket_timeout=2)
    started = time.monotonic()
    with pytest.raises(LockError):
        store.issue_ticket("rest:someone")
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- issuing tickets


def test_rasas_own_store_loses_a_ticket_when_two_servers_issue_at_once(redis_url, prefix):
    """Why the coach has its own: Rasa's issue_ticket is a read, then a write of the whole lock. Two
    servers between the same read and write both take ticket 0, and the second write drops the first."""
    host = redis.Redis.from_url(redis_url).connection_pool.connection_kwargs
    a, b = (RedisLockStore(host=host["host"], port=host["port"], db=host.get("db", 0), key_prefix=prefix)
            for _ in range(2))
    lock_a, lock_b = a.get_or_create_lock("rest:someone"), b.get_or_create_lock("rest:someone")  # both read
    ticket_a, ticket_b = lock_a.issue_ticket(60), lock_b.issue_ticket(60)
    a.save_lock(lock_a)
    b.save_lock(lock_b)
    assert ticket_a == ticket_b == 0
    assert [t.number for t in a.get_lock("rest:someone").tickets] == [0]  # one of the two tickets is gone


def test_the_coach_store_keeps_both(redis_url, prefix):
    a, b = make_store(redis_url, prefix, lifetime=30), make_store(redis_url, prefix, lifetime=30)
    ticket_a, ticket_b = a.issue_ticket("rest:someone"), b.issue_ticket("rest:someone")
    assert ticket_a != ticket_b
    assert [n for n, _ in a.live_tickets("rest:someone")] == sorted([ticket_a, ticket_b])


def test_tickets_issued_at_once_by_many_threads_are_distinct_and_all_kept(redis_url, prefix):
    stores = [make_store(redis_url, prefix, lifetime=60) for _ in range(4)]
    threads, per_thread = 16, 25
    barrier = threading.Barrier(threads)
    issued: List[List[int]] = [[] for _ in range(threads)]

    def issue(i: int) -> None:
        store = stores[i % len(stores)]
        barrier.wait()
        issued[i] = [store.issue_ticket("rest:busy") for _ in range(per_thread)]

    workers = [threading.Thread(target=issue, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    numbers = [n for batch in issued for n in batch]
    assert len(numbers) == threads * per_thread
    assert sorted(numbers) == list(range(1, threads * per_thread + 1))  # distinct, none skipped
    assert all(batch == sorted(batch) for batch in issued)  # each issuer's tickets in the order it asked
    assert [n for n, _ in stores[0].live_tickets("rest:busy")] == sorted(numbers)  # every ticket survived


def test_tickets_issued_at_once_by_many_processes_are_distinct_and_all_kept(redis_url, prefix):
    processes, per_process = 6, 30
    procs = [subprocess.Popen([sys.executable, "-c", ISSUER, redis_url, prefix, "rest:busy", str(per_process)],
                              cwd=ROOT, env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    for p in procs:  # every one imported and connected ...
        assert p.stdout.readline().strip() == "ready", p.stderr.read()[-2000:]
    for p in procs:  # ... then all at once
        p.stdin.write("go\n")
        p.stdin.flush()
    batches = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        batches.append(json.loads(out.strip().splitlines()[-1]))
    numbers = [n for batch in batches for n in batch]
    assert sorted(numbers) == list(range(1, processes * per_process + 1))
    assert all(batch == sorted(batch) for batch in batches)
    live = make_store(redis_url, prefix).live_tickets("rest:busy")
    assert [n for n, _ in live] == sorted(numbers)


def test_no_sender_id_is_written_to_redis(redis_url, prefix):
    store = make_store(redis_url, prefix)
    sender = "rest:someone.named@example.nhs.uk"
    store.issue_ticket(sender)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    assert len(keys) == 2  # the lock and its counter
    for key in keys:
        value = client.hgetall(key) if client.type(key) == b"hash" else client.get(key)
        dump = key + repr(value).encode()
        assert b"someone" not in dump and b"example" not in dump


# --------------------------------------------------------------------------- serving in order


def test_concurrent_lock_users_on_two_servers_are_served_one_at_a_time_in_ticket_order(redis_url, prefix):
    servers = [make_store(redis_url, prefix, lifetime=2), make_store(redis_url, prefix, lifetime=2)]
    record: List[Tuple[int, float, float]] = []  # (ticket, entered, left)
    guard = threading.Lock()

    async def user(store: CoachRedisLockStore) -> None:
        async with store.lock("rest:two-servers") as lock:
            entered = time.monotonic()
            await asyncio.sleep(0.15)
            with guard:
                record.append((lock.now_serving, entered, time.monotonic()))

    async def server(store: CoachRedisLockStore) -> None:
        await asyncio.gather(*(user(store) for _ in range(4)))

    threads = [in_thread(lambda s=s: server(s)) for s in servers]
    for t in threads:
        t.join(30)
    assert len(record) == 8
    by_entry = sorted(record, key=lambda r: r[1])
    assert [r[0] for r in by_entry] == sorted(r[0] for r in record)  # served in ticket order
    for earlier, later in zip(by_entry, by_entry[1:]):
        assert later[1] >= earlier[2], "two users held the lock at the same time"
    assert servers[0].live_tickets("rest:two-servers") == []  # everything given back
    assert servers[0].red.exists(servers[0].lock_key("rest:two-servers")) == 0


def test_a_live_holder_keeps_its_lock_past_the_lifetime(redis_url, prefix):
    lifetime = 0.6
    a, b = make_store(redis_url, prefix, lifetime=lifetime), make_store(redis_url, prefix, lifetime=lifetime)
    times: Dict[str, float] = {}
    still_live: List[bool] = []

    async def long_turn() -> None:
        async with a.lock("rest:slow") as lock:
            times["a_in"] = time.monotonic()
            await asyncio.sleep(4 * lifetime)
            still_live.append(lock.now_serving in [n for n, _ in a.live_tickets("rest:slow")])
            times["a_out"] = time.monotonic()

    async def next_turn() -> None:
        while "a_in" not in times:
            await asyncio.sleep(0.01)
        async with b.lock("rest:slow"):
            times["b_in"] = time.monotonic()

    threads = [in_thread(long_turn), in_thread(next_turn)]
    for t in threads:
        t.join(30)
    assert still_live == [True]
    assert times["b_in"] >= times["a_out"], "the second server took the lock from a live holder"


@pytest.mark.parametrize("how", ["killed", "frozen"])
def test_a_dead_holders_ticket_stops_blocking_within_the_lifetime(redis_url, prefix, how):
    lifetime = 1.5
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url, prefix, "rest:orphan", str(lifetime)],
                              cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        line = holder.stdout.readline()
        assert line, holder.stderr.read()[-2000:]
        held = json.loads(line)["held"]
        store = make_store(redis_url, prefix, lifetime=lifetime)

        # Alive, the holder keeps its ticket for several lifetimes, and nobody else gets in.
        async def enter() -> bool:
            async with store.lock("rest:orphan"):
                return True

        async def try_briefly() -> bool:
            try:
                return await asyncio.wait_for(enter(), 2.5 * lifetime)
            except asyncio.TimeoutError:
                return False

        assert asyncio.run(try_briefly()) is False
        assert held in [n for n, _ in store.live_tickets("rest:orphan")]

        os.killpg(holder.pid, signal.SIGKILL if how == "killed" else signal.SIGSTOP)
        gone = time.monotonic()

        async def take() -> float:
            async with store.lock("rest:orphan"):
                return time.monotonic() - gone

        waited = asyncio.run(take())
        interval = store.heartbeat.interval
        assert lifetime - interval - 0.3 <= waited <= lifetime + 0.5, waited
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(10)


def test_the_hold_limit_lets_a_wedged_turn_go(redis_url, prefix):
    a = make_store(redis_url, prefix, lifetime=0.5, max_hold=1.5)
    b = make_store(redis_url, prefix, lifetime=0.5, max_hold=1.5)
    times: Dict[str, float] = {}

    async def wedged() -> None:
        async with a.lock("rest:wedged"):
            times["a_in"] = time.monotonic()
            await asyncio.sleep(3)

    async def patient() -> None:
        while "a_in" not in times:
            await asyncio.sleep(0.01)
        async with b.lock("rest:wedged"):
            times["b_in"] = time.monotonic()

    stuck = in_thread(wedged)
    in_thread(patient).join(15)
    waited = times["b_in"] - times["a_in"]
    # The hold limit (counted while served, not while waiting), then at most one lifetime and a poll.
    assert 1.5 - 0.1 <= waited <= 1.5 + 0.5 + 0.5, waited
    stuck.join(10)


def test_a_late_cleanup_does_not_remove_a_newer_ticket(redis_url, prefix):
    """A frozen server wakes up after its ticket expired and gives it back: the newer holder's ticket,
    which Rasa would have numbered the same, stays."""
    frozen, other = make_store(redis_url, prefix, lifetime=0.3), make_store(redis_url, prefix, lifetime=0.3)
    old = frozen.issue_ticket("rest:late")
    frozen.heartbeat.discard(frozen.lock_key("rest:late"), old)  # no heartbeat: as if frozen
    time.sleep(0.5)
    assert frozen.live_tickets("rest:late") == []
    new = other.issue_ticket("rest:late")
    assert new != old
    frozen.cleanup("rest:late", old)
    assert [n for n, _ in other.live_tickets("rest:late")] == [new]
    other.cleanup("rest:late", new)
    assert other.red.exists(other.lock_key("rest:late")) == 0
