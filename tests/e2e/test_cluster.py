"""More than one machine's worth: two Rasa servers and an action server behind nginx, on PostgreSQL and
Redis, all real processes (bot/cluster.py; docs/cluster.md).

One cluster for the module (each Rasa server loads the model): the web page and Socket.IO through
nginx; two messages of one conversation at the same moment on the two servers; a self-assessment
that hops between servers; 50 people x 20 messages through nginx; the same load with one Rasa
server killed in the middle (and restarted, as the supervisor would); a conversation whose server
died holding its lock carries on within 15 s. Every conversation is then read back from
PostgreSQL: complete, in order, nothing lost, nothing twice.

Needs ``COACH_TEST_POSTGRES_URL`` (a throw-away schema is made there), Redis
(``COACH_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``; keys under a prefix of this
module's, removed afterwards), nginx (``make cluster-packages``) and a trained model; skipped, with
the reason, without any of them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import pytest
import requests

from bot.crypto import decrypt
from tests.e2e.harness import MODEL, ROOT, SECRET, WEB_SESSION_SECRET

REDIS_URL = os.environ.get("COACH_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
PEOPLE, MESSAGES = 50, 20
# Twenty different things a person might say (none starts a form or stores anything), so that each
# stored user message can be matched to the one sent, and their order checked.
SCRIPT = [
    "hi", "what is holding to account?", "tell me about leading with care", "what does the scale look like",
    "what's the difference between essential and strong", "what learning is there for evaluating information",
    "what is 360 feedback", "how long do you keep my data", "can my manager see this",
    "tell me about inspiring shared purpose", "what are the nine dimensions", "sum up the model in a sentence",
    "help", "what's my profile?", "show my reflections", "tell me about connecting our service",
    "what is sharing the vision", "what is engaging the team", "what is developing capability", "thanks, bye",
]
LEVELS = ["strong", "proficient", "essential", "exemplary", "strong", "not_sure", "proficient", "essential", "strong"]
ISP = "inspiring_shared_purpose"
CARRY_ON_WITHIN = 15.0


def choose(level: str) -> str:
    return "/choose_level" + json.dumps({"level": level}, separators=(",", ":"))


def text_of(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in replies)


def new_sender() -> str:
    return f"cluster-{uuid.uuid4().hex}"


# --------------------------------------------------------------------------- the cluster


@dataclass
class Setup:
    cluster: Any  # bot.cluster.Cluster
    engine: Any  # SQLAlchemy engine on the module's schema
    redis: Any
    key_prefix: str

    def user_key(self, sender: str) -> str:
        return hmac.new(SECRET.encode(), f"rest:{sender}".encode(), hashlib.sha256).hexdigest()

    def lock_key(self, sender: str) -> str:
        """Where CoachRedisLockStore keeps the conversation's lock (bot/rasa_ext/lock_store.py)."""
        return f"{self.key_prefix}:lock:{{{self.user_key(sender)}}}"

    def events(self, sender: str) -> List[Tuple[int, Dict[str, Any]]]:
        """(seq, event) of the sender's stored conversation, in seq order, decrypted."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT seq, data FROM coach_conversation_events WHERE conversation_key = :k "
                                     "ORDER BY seq"), {"k": self.user_key(sender)}).fetchall()
        return [(seq, json.loads(decrypt(data))) for seq, data in rows]

    def ratings(self, sender: str) -> List[tuple]:
        """As tests/e2e/harness.py's ``Coach.ratings``, on PostgreSQL."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT r.dimension_id, r.level, r.skipped, r.note, a.status FROM coach_ratings r "
                "JOIN coach_assessments a ON a.id = r.assessment_id JOIN coach_people p ON p.id = a.person_id "
                "WHERE p.user_key = :k ORDER BY r.id"), {"k": self.user_key(sender)}).fetchall()
        return [tuple(decrypt(v) if isinstance(v, str) else v for v in row) for row in rows]

    def assessments(self, sender: str) -> List[str]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text(
                "SELECT a.status FROM coach_assessments a JOIN coach_people p ON p.id = a.person_id "
                "WHERE p.user_key = :k ORDER BY a.id"), {"k": self.user_key(sender)})]


def _postgres_or_skip() -> str:
    base = os.environ.get("COACH_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("COACH_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test): "
                    "the cluster runs on PostgreSQL only")
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(base, future=True)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001 - any failure to connect is a reason to skip, named
        pytest.skip(f"PostgreSQL at COACH_TEST_POSTGRES_URL is not reachable: {type(e).__name__}: {str(e)[:200]}")
    engine.dispose()
    return base


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({type(e).__name__}); set COACH_TEST_REDIS_URL")
    return client


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from bot.cluster import Cluster, ClusterError, find_nginx

    if not MODEL.exists():
        pytest.skip("no trained model: run `make train`")
    base = _postgres_or_skip()
    client = _redis_or_skip()
    try:
        find_nginx()
    except ClusterError as e:
        pytest.skip(str(e))

    from sqlalchemy import create_engine, text

    schema = f"coach_cluster_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    prefix = "e2e" + uuid.uuid4().hex[:12]
    workdir = tmp_path_factory.mktemp("cluster")
    cluster = Cluster(workdir, url, REDIS_URL, rasa_servers=2, action_servers=1, key_prefix=prefix, extra_env={
        "COACH_USER_KEY_SECRET": SECRET, "COACH_WEB_SESSION_SECRET": WEB_SESSION_SECRET,
        "COACH_ACTION_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
        # Scripted people are quick: the per-sender rate limit is tested elsewhere (test_trust.py).
        "COACH_RATE_LIMIT_PER_MINUTE": "100000",
    })
    engine = create_engine(url, future=True)
    try:
        cluster.start()
        yield Setup(cluster, engine, client, prefix)
    finally:
        cluster.stop()
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        results = ROOT / "results"
        for log in sorted(workdir.glob("*.log")) + [cluster.nginx_error_log]:
            if log.exists() and "Traceback" in log.read_text(errors="replace") and results.exists():
                shutil.copy(log, results / f"e2e-cluster-{log.name}")


# --------------------------------------------------------------------------- reading a conversation back


def turns(events: List[Tuple[int, Dict[str, Any]]]) -> List[Tuple[str, List[str]]]:
    """(user text, [bot texts]) for each stored user message, in order."""
    out: List[Tuple[str, List[str]]] = []
    for _, e in events:
        if e.get("event") == "user":
            out.append((e.get("text"), []))
        elif e.get("event") == "bot" and out:
            out[-1][1].append(e.get("text") or "")
    return out


def assert_complete_and_in_order(events: List[Tuple[int, Dict[str, Any]]], sender: str) -> None:
    seqs = [seq for seq, _ in events]
    assert seqs == list(range(len(seqs))), f"{sender}: seq not 0..n-1: {seqs}"
    for said, replies in turns(events):
        assert replies, f"{sender}: {said!r} is stored without an answer"


# --------------------------------------------------------------------------- the web page through nginx


def test_the_web_page_and_socketio_through_nginx(setup):
    from tests.e2e.test_socketio import Page

    cluster = setup.cluster
    page = requests.get(f"{cluster.url}/chat", timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]

    async def talk(transport: str) -> str:
        browser = Page(cluster.port, transport)
        try:
            name, data = await browser.open()
            assert name == "session_confirm", data
            return text_of(await browser.say("hello"))
        finally:
            await browser.close()

    # Long polling is many requests: they all reach the server that holds the session (sticky).
    for transport in ("websocket", "polling"):
        assert "leadership coach" in asyncio.run(talk(transport)), transport


# --------------------------------------------------------------------------- two at once


def test_two_messages_of_one_conversation_at_once_on_two_servers(setup):
    """Both are answered, one after the other: the stored turns do not interleave."""
    cluster = setup.cluster
    pairs = {new_sender(): ("what is holding to account?", "tell me about leading with care") for _ in range(4)}
    expected = {"what is holding to account?": "Holding to account",
                "tell me about leading with care": "Leading with care"}
    barrier = threading.Barrier(2 * len(pairs))
    answers: Dict[Tuple[str, str], Tuple[int, str]] = {}

    def send(sender: str, message: str, via: int) -> None:
        barrier.wait()
        r = cluster.send_raw(sender, message, via=via)
        answers[(sender, message)] = (r.status_code, text_of(r.json()) if r.ok else r.text)

    threads = [threading.Thread(target=send, args=(s, m, via)) for s, pair in pairs.items()
               for via, m in enumerate(pair)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    for (sender, message), (status, text) in answers.items():
        assert status == 200 and text.startswith(expected[message]), (message, status, text)
    assert len(answers) == 2 * len(pairs)
    for sender, pair in pairs.items():
        events = setup.events(sender)
        assert_complete_and_in_order(events, sender)
        stored = turns(events)
        assert sorted(said for said, _ in stored) == sorted(pair), stored  # each once, none lost
        for said, replies in stored:
            assert replies[0].startswith(expected[said]), (said, replies)  # its own answer, right after it
        kinds = [e.get("event") for _, e in events]
        second = [i for i, k in enumerate(kinds) if k == "user"][1]
        assert events[second - 1][1].get("name") == "action_listen", "the second turn began before the first ended"


# --------------------------------------------------------------------------- a self-assessment that hops


def test_a_self_assessment_started_on_one_server_and_finished_on_the_other(setup):
    cluster = setup.cluster
    s = new_sender()
    assert "may I keep your answers" in text_of(cluster.send(s, "I'd like to do the self-assessment please", via=0))
    assert "1 of 9: Inspiring shared purpose" in text_of(cluster.send(s, "yes that's fine", via=1))
    for n, level in enumerate(LEVELS):  # the rating on one server, the note on the other
        assert "What makes you say that?" in text_of(cluster.send(s, choose(level), via=n % 2))
        replies = cluster.send(s, f"example note {n}", via=(n + 1) % 2)
        if n < 8:
            assert f"{n + 2} of 9" in text_of(replies)
    assert "Here's your profile" in text_of(replies)

    rows = setup.ratings(s)
    assert [(r[1], r[3], r[4]) for r in rows] == [(level, f"example note {n}", "completed")
                                                   for n, level in enumerate(LEVELS)]  # each once, in order
    assert rows[0][0] == ISP and len({r[0] for r in rows}) == 9
    assert setup.assessments(s) == ["completed"]
    assert_complete_and_in_order(setup.events(s), s)

    # The copy of everything: made on one server, its link points at nginx, any server serves it.
    text = text_of(cluster.send(s, "can i have a copy of all my data please", via=0))
    links = re.findall(r"https?://\S+?/webhooks/exports/[\w\-]+\.(?:html|json)", text)
    assert links and all(link.startswith(cluster.url) for link in links), text
    json_link = next(link for link in links if link.endswith(".json"))
    data = requests.get(json_link.replace(cluster.url, cluster.rasa_urls[1]), timeout=30).json()
    assert len(data["rows"]) and data["rows"]["ratings"] == 9
    assert requests.get(next(link for link in links if link.endswith(".html")), timeout=30).status_code == 200


# --------------------------------------------------------------------------- load


@dataclass
class Sent:
    sender: str
    index: int
    started: float
    ended: float
    ok: bool
    detail: str


def run_load(cluster, people: int, on_progress=None) -> Tuple[List[str], List[Sent]]:
    """``people`` people, each sending SCRIPT one message after the other, all at once, through nginx."""
    senders = [new_sender() for _ in range(people)]
    done = Counter()
    lock = threading.Lock()

    def person(sender: str) -> List[Sent]:
        out = []
        for i, message in enumerate(SCRIPT[:MESSAGES]):
            started = time.monotonic()
            try:
                r = cluster.send_raw(sender, message)
                ok = r.status_code == 200 and isinstance(r.json(), list) and bool(r.json())
                detail = "" if ok else f"HTTP {r.status_code}: {r.text[:200]}"
            except (requests.RequestException, ValueError) as e:
                ok, detail = False, f"{type(e).__name__}: {str(e)[:200]}"
            out.append(Sent(sender, i, started, time.monotonic(), ok, detail))
            with lock:
                done["sent"] += 1
                count = done["sent"]
            if on_progress:
                on_progress(count)
        return out

    with ThreadPoolExecutor(max_workers=people) as pool:
        results = list(pool.map(person, senders))
    return senders, [s for batch in results for s in batch]


def served_by(cluster, since_line: int = 0) -> Counter:
    """How many REST messages nginx passed to each server (its access log, from line ``since_line``)."""
    lines = cluster.nginx_access_log.read_text().splitlines()[since_line:]
    return Counter(re.search(r"upstream=(\S+)", line).group(1) for line in lines
                   if "/webhooks/rest/webhook" in line and "upstream=" in line)


def test_50_people_20_messages_through_nginx(setup):
    cluster = setup.cluster
    first_line = len(cluster.nginx_access_log.read_text().splitlines())
    started = time.monotonic()
    senders, sent = run_load(cluster, PEOPLE)
    elapsed = time.monotonic() - started
    failed = [s for s in sent if not s.ok]
    assert not failed, failed[:5]
    assert len(sent) == PEOPLE * MESSAGES
    print(f"\n{len(sent)} messages in {elapsed:.1f}s ({len(sent) / elapsed:.1f}/s) through nginx")

    # Both servers took a fair share, so conversations went back and forth between them.
    share = served_by(cluster, first_line)
    assert set(share) == {u.replace("http://", "") for u in cluster.rasa_urls}, share
    assert min(share.values()) >= 0.25 * len(sent), share

    for sender in senders:
        events = setup.events(sender)
        assert_complete_and_in_order(events, sender)
        assert [said for said, _ in turns(events)] == SCRIPT[:MESSAGES], sender  # every one, once, in order


def test_a_rasa_server_killed_in_the_middle_of_the_load(setup):
    cluster = setup.cluster
    killed: Dict[str, float] = {}

    def kill_half_way(count: int) -> None:
        if count >= PEOPLE * MESSAGES // 2 and not killed.get("at"):
            killed["at"] = time.monotonic()
            cluster.kill_rasa(1)  # SIGKILL to its process group: a crash
            cluster.start_rasa(1, wait=False)  # as the supervisor would; it loads the model meanwhile

    progress_lock = threading.Lock()

    def on_progress(count: int) -> None:
        with progress_lock:
            kill_half_way(count)

    senders, sent = run_load(cluster, PEOPLE, on_progress)
    kill = killed["at"]
    failed = [s for s in sent if not s.ok]
    in_flight = [s for s in sent if s.started <= kill <= s.ended]
    # Only messages in flight at the kill may fail; everything sent after it is answered.
    assert all(s.started <= kill + 0.05 for s in failed), [s for s in failed if s.started > kill + 0.05][:5]
    assert len(failed) <= len(in_flight) <= PEOPLE
    after = [s for s in sent if s.started > kill]
    assert after and all(s.ok for s in after)
    print(f"\nkilled rasa-2 with {len(in_flight)} messages in flight: {len(failed)} failed "
          f"({Counter(s.detail.split(':')[0] for s in failed)}); {len(after)} sent afterwards, all answered")

    outcome = {(s.sender, s.index): s.ok for s in sent}
    for sender in senders:
        events = setup.events(sender)
        assert_complete_and_in_order(events, sender)
        said = [text for text, _ in turns(events)]
        assert len(said) == len(set(said)), f"{sender}: a message stored twice: {said}"
        assert said == [m for m in SCRIPT[:MESSAGES] if m in said], f"{sender}: out of order: {said}"
        for i, message in enumerate(SCRIPT[:MESSAGES]):
            if outcome[(sender, i)]:
                assert message in said, f"{sender}: {message!r} was answered but is not stored"

    # The restarted server is taken back into rotation (nginx tries a server that failed again after
    # fail_timeout; every message meanwhile is answered by the other).
    cluster.wait_rasa(1)
    line = len(cluster.nginx_access_log.read_text().splitlines())
    restarted = cluster.rasa_urls[1].replace("http://", "")
    deadline = time.monotonic() + cluster.timings.fail_timeout + 10
    while restarted not in served_by(cluster, line) and time.monotonic() < deadline:
        cluster.send(new_sender(), "hi")
        time.sleep(0.5)
    assert restarted in served_by(cluster, line), "the restarted server was not given messages again"


# --------------------------------------------------------------------------- a server that dies holding a lock


def test_a_conversation_whose_server_died_holding_its_lock_carries_on_within_15s(setup):
    cluster = setup.cluster
    s = new_sender()
    cluster.send(s, "hi", via=1)
    key = setup.lock_key(s)

    # A message on server A (rasa-1); freeze A the moment it holds the conversation's lock (a turn
    # takes a fraction of a second: if it finished before the freeze, thaw A and try again) ...
    for attempt in range(5):
        outcome: Dict[str, Any] = {}

        def in_flight(message: str = SCRIPT[attempt + 10]) -> None:
            try:
                outcome["status"] = cluster.send_raw(s, message, via=0, timeout=60).status_code
            except requests.RequestException as e:
                outcome["error"] = type(e).__name__

        sender = threading.Thread(target=in_flight)
        sender.start()
        deadline = time.monotonic() + 30
        while not setup.redis.hlen(key) and time.monotonic() < deadline:
            time.sleep(0.002)
        cluster.kill_rasa(0, signal.SIGSTOP)
        if setup.redis.hlen(key):
            break
        cluster.kill_rasa(0, signal.SIGCONT)
        sender.join(60)
    else:
        pytest.fail("server A was never caught holding the conversation's lock")
    # ... then kill it: its ticket stays in Redis, and nobody renews it.
    cluster.kill_rasa(0, signal.SIGKILL)
    died = time.monotonic()
    assert setup.redis.hlen(key) == 1
    sender.join(60)
    assert outcome.get("status") != 200  # that one message is lost with A

    # The person's next message, through nginx: A refuses connections, B waits for A's ticket to lapse.
    replies = cluster.send(s, "tell me about leading with care")
    waited = time.monotonic() - died
    assert text_of(replies).startswith("Leading with care")
    assert waited < CARRY_ON_WITHIN, f"the conversation carried on only after {waited:.1f}s"
    lifetime = cluster.timings.lock_lifetime
    assert waited >= lifetime - lifetime / 3 - 1.0, f"answered after {waited:.1f}s: the dead ticket was not honoured"
    print(f"\nthe conversation carried on {waited:.1f}s after its server died holding the lock")

    events = setup.events(s)
    assert_complete_and_in_order(events, s)
    assert [said for said, _ in turns(events)][-1] == "tell me about leading with care"
