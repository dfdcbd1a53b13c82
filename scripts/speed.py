"""`make bench`'s speed part: the coach beside Rasa's starter bot, under the same load, in one run.

What it measures (REST on loopback, closed loop: each simulated person sends a message, waits for
the answer, sends the next):

- **the performance issue's mix** ("hi", a dimension, courses, a reflection, goodbye) and a
  **self-assessment mix** (start, consent, nine ratings each with a note): one person alone (p50,
  p95) and 20 people at once (messages per second, p50, p95, errors), for the coach and for the
  starter bot (`rasa init`, trained once with the same virtual environment and kept under
  ``var/bench/starter``), and the coach's ratio to the starter bot;
- **a long conversation**: one person, 300 turns ("hi", a dimension, courses, thanks, repeated);
  the p95 of the last 30 turns against the first 30 (cost that grows with a conversation shows here);
- **several servers**: the mix through nginx to one and then two Rasa servers (``make cluster``'s
  processes, on PostgreSQL and Redis), when both and nginx are there;
- **start-up and memory**: seconds from starting the Rasa server to its first answer (the action
  server already up), and the Rasa server's resident memory after the load.

The servers run one at a time (never two bots at once on the same cores). Used by
``scripts/bench.py``; on its own: ``python scripts/speed.py [--people 20] [--rounds 4]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.servers import (DEFAULT_MODEL, RASA, CoachServers, free_port, replies_of, stop_process,  # noqa: E402
                         wait_until)

STARTER_DIR = ROOT / "var" / "bench" / "starter"
BENCH_SECRET = "bench-user-key-secret"

# The performance issue's mix, word for word.
MIX = ["hi", "tell me about holding to account", "what courses could help me?", "I'd like to reflect on my week",
       "thanks, bye"]
LEVELS = ["strong", "proficient", "essential", "exemplary", "strong", "not_sure", "proficient", "essential", "strong"]
NOTES = ["I chair the huddle every morning", "skip", "we audit the handovers monthly", "skip",
         "I asked the porters what slows them down", "skip", "I set clear expectations at the start of shifts",
         "skip", "I got the ward manager on board for the new rota"]


def _choose(level: str) -> str:
    return '/choose_level{"level":"' + level + '"}'


# A self-assessment from start to profile: 20 messages (the buttons send the /choose_level payloads).
ASSESSMENT = ["I'd like to do the self-assessment please", "yes that's fine"] + [
    m for level, note in zip(LEVELS, NOTES) for m in (_choose(level), note)]
DIMENSION_NAMES = ["inspiring shared purpose", "leading with care", "evaluating information", "connecting our service",
                   "sharing the vision", "engaging the team", "holding to account", "developing capability",
                   "influencing for results"]


def long_script(turns: int) -> List[str]:
    """"hi", a dimension, courses, thanks, repeated to ``turns`` messages."""
    out: List[str] = []
    i = 0
    while len(out) < turns:
        out += ["hi", f"tell me about {DIMENSION_NAMES[i % len(DIMENSION_NAMES)]}", "what courses could help me?",
                "thanks"]
        i += 1
    return out[:turns]


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --------------------------------------------------------------------------- load


def _post(session: requests.Session, url: str, sender: str, text: str) -> None:
    replies_of(session.post(url, json={"sender": sender, "message": text}, timeout=120))


def one_person(url: str, script: Sequence[str], rounds: int) -> Dict[str, float]:
    """One person alone, the script ``rounds`` times (a new conversation each round)."""
    times: List[float] = []
    with requests.Session() as session:
        for _ in range(rounds):
            sender = f"bench-{uuid.uuid4().hex}"
            for text in script:
                t = time.perf_counter()
                _post(session, url, sender, text)
                times.append((time.perf_counter() - t) * 1000)
    return {"messages": len(times), "p50_ms": round(percentile(times, .5), 1),
            "p95_ms": round(percentile(times, .95), 1)}


def many_people(url: str, script: Sequence[str], people: int, rounds: int) -> Dict[str, float]:
    """``people`` at once, each sending the script ``rounds`` times (a new conversation each round)."""
    times: List[float] = []
    errors: List[str] = []
    lock = threading.Lock()
    start = threading.Barrier(people + 1)

    def person() -> None:
        with requests.Session() as session:
            start.wait()
            for _ in range(rounds):
                sender = f"bench-{uuid.uuid4().hex}"
                for text in script:
                    t = time.perf_counter()
                    try:
                        _post(session, url, sender, text)
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        with lock:
                            errors.append(repr(exc)[:200])
                        continue
                    with lock:
                        times.append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=person) for _ in range(people)]
    for th in threads:
        th.start()
    start.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {"people": people, "messages": len(times), "errors": len(errors), "first_errors": errors[:3],
            "seconds": round(wall, 1), "per_second": round(len(times) / wall, 1),
            "p50_ms": round(percentile(times, .5)), "p95_ms": round(percentile(times, .95))}


def long_conversation(url: str, turns: int, window: int = 30) -> Dict[str, object]:
    times: List[float] = []
    sender = f"bench-long-{uuid.uuid4().hex}"
    with requests.Session() as session:
        for text in long_script(turns):
            t = time.perf_counter()
            _post(session, url, sender, text)
            times.append((time.perf_counter() - t) * 1000)
    first, last = percentile(times[:window], .95), percentile(times[-window:], .95)
    # The p95 of each block of `window` turns, to show the trend and not only its ends.
    blocks = [round(percentile(times[i:i + window], .95)) for i in range(0, len(times), window)]
    return {"turns": len(times), "first_p95_ms": round(first, 1), "last_p95_ms": round(last, 1),
            "ratio": round(last / first, 2) if first else None, "p95_per_block": blocks}


def warm_up(url: str, script: Sequence[str]) -> None:
    with requests.Session() as session:
        sender = f"bench-warm-{uuid.uuid4().hex}"
        for text in script:
            _post(session, url, sender, text)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB."""
    total = 0
    for p in [pid] + _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def _descendants(pid: int) -> List[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except OSError:
        return []
    kids = [int(x) for x in out]
    return kids + [g for k in kids for g in _descendants(k)]


# --------------------------------------------------------------------------- the two bots


def _env() -> Dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def starter_model() -> Path:
    """Rasa's starter bot, made by ``rasa init`` with this virtual environment and trained once.

    Kept under ``var/bench/starter`` and made again when the Rasa version changes.
    """
    import rasa

    stamp = STARTER_DIR / ".rasa-version"
    models = sorted((STARTER_DIR / "models").glob("*.tar.gz")) if (STARTER_DIR / "models").exists() else []
    if models and stamp.exists() and stamp.read_text().strip() == rasa.__version__:
        return models[-1]
    log(f"starter bot: `rasa init` in {STARTER_DIR.relative_to(ROOT)} (trains it: a few minutes, once)...")
    shutil.rmtree(STARTER_DIR, ignore_errors=True)
    STARTER_DIR.mkdir(parents=True)
    proc = subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STARTER_DIR)], cwd=STARTER_DIR,
                          env=_env(), capture_output=True, text=True)
    models = sorted((STARTER_DIR / "models").glob("*.tar.gz"))
    if proc.returncode != 0 or not models:
        sys.exit(f"`rasa init` failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    stamp.write_text(rasa.__version__)
    return models[-1]


class Starter:
    """The starter bot's Rasa server (REST, its default in-memory tracker store, no action server)."""

    def __init__(self, model: Path, log_path: Path) -> None:
        self.model, self.log_path, self.port = model, log_path, free_port()
        self.proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def start(self) -> float:
        t0 = time.monotonic()
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                [RASA, "run", "-m", str(self.model), "--port", str(self.port), "--interface", "127.0.0.1",
                 "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
                cwd=STARTER_DIR, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: requests.post(self.url, json={"sender": "probe", "message": "hi"}, timeout=30).ok,
                   300, "starter bot", self.proc, self.log_path)
        return time.monotonic() - t0

    def stop(self) -> None:
        stop_process(self.proc)


class Coach:
    """The coach's action server and Rasa server on a fresh SQLite database."""

    def __init__(self, workdir: Path, model: Path = DEFAULT_MODEL, extra_env: Optional[Dict[str, str]] = None) -> None:
        env = {"COACH_RATE_LIMIT_PER_MINUTE": "1000000",  # simulated people type faster than people
               "COACH_ENCRYPTION_KEY_FILE": str(workdir / "encryption_keys"), **(extra_env or {})}
        self.servers = CoachServers(workdir, f"sqlite:///{workdir / 'coach.db'}", BENCH_SECRET, model, extra_env=env)
        self.proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return self.servers.rest_url

    def start(self) -> float:
        self.servers.start_actions()
        t0 = time.monotonic()
        self.servers.start_rasa()
        self.proc = self.servers.rasa
        return time.monotonic() - t0

    def stop(self) -> None:
        self.servers.stop()


# --------------------------------------------------------------------------- the run


def measure(bot, name: str, people: int, rounds: int, turns: int) -> Dict[str, object]:
    log(f"{name}: starting...")
    try:
        ready = bot.start()
        log(f"{name}: first answer {ready:.1f} s after start")
        warm_up(bot.url, MIX + ASSESSMENT[:4])
        out: Dict[str, object] = {"first_answer_seconds": round(ready, 1)}
        for mix_name, script, mix_rounds in (("mix", MIX, rounds), ("assessment", ASSESSMENT, 1)):
            single = one_person(bot.url, script, max(2, 60 // len(script)))
            crowd = many_people(bot.url, script, people, mix_rounds)
            out[mix_name] = {"one_person": single, "many": crowd}
            log(f"{name}, {mix_name}: one person p50 {single['p50_ms']:.0f} ms p95 {single['p95_ms']:.0f} ms; "
                f"{people} people {crowd['per_second']} msg/s p95 {crowd['p95_ms']} ms, {crowd['errors']} errors")
        if turns:
            out["long"] = long_conversation(bot.url, turns)
            log(f"{name}: {turns}-turn conversation, p95 first 30 {out['long']['first_p95_ms']:.0f} ms, "
                f"last 30 {out['long']['last_p95_ms']:.0f} ms ({out['long']['ratio']}x)")
        out["rss_mb"] = rss_mb(bot.proc.pid)
        log(f"{name}: Rasa server memory {out['rss_mb']:.0f} MB")
        return out
    finally:
        bot.stop()


BENCH_POSTGRES_URL = os.environ.get("COACH_BENCH_POSTGRES_URL") or os.environ.get("COACH_TEST_POSTGRES_URL") \
    or "postgresql://postgres@127.0.0.1:5432/test"
BENCH_REDIS_URL = os.environ.get("COACH_BENCH_REDIS_URL") or os.environ.get("COACH_REDIS_URL") or "redis://127.0.0.1:6379/0"


def cluster(people: int, rounds: int, sizes: Sequence[int] = (1, 2)) -> Dict[str, object]:
    """The same mix through nginx to 1, then 2 Rasa servers (``bot.cluster``), on PostgreSQL and Redis
    (a throw-away schema and key prefix). Skipped, with the reason, when one of them or nginx is missing."""
    from sqlalchemy import create_engine, text

    from bot.cluster import Cluster, ClusterError, check_redis, find_nginx

    try:
        find_nginx()
        check_redis(BENCH_REDIS_URL)
        admin = create_engine(BENCH_POSTGRES_URL, future=True)
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - reported, the rest of the bench goes on
        reason = str(exc).splitlines()[0][:200]
        log(f"cluster: skipped ({reason})")
        return {"skipped": reason}
    out: Dict[str, object] = {"postgres": "loopback", "sizes": {}}
    for n in sizes:
        schema = f"coach_bench_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{BENCH_POSTGRES_URL}{'&' if '?' in BENCH_POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
        workdir = Path(tempfile.mkdtemp(prefix="coach-bench-cluster-"))
        prefix = "bench" + uuid.uuid4().hex[:12]
        c = Cluster(workdir, url, BENCH_REDIS_URL, rasa_servers=n, action_servers=1, key_prefix=prefix, quiet=True,
                    extra_env={"COACH_RATE_LIMIT_PER_MINUTE": "1000000", "COACH_USER_KEY_SECRET": BENCH_SECRET,
                               "COACH_ACTION_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
                               "COACH_ENCRYPTION_KEY_FILE": str(workdir / "encryption_keys"),
                               "COACH_WEB_SESSION_SECRET": uuid.uuid4().hex})
        log(f"cluster: {n} Rasa server(s) behind nginx, starting...")
        try:
            t0 = time.monotonic()
            c.start()
            ready = time.monotonic() - t0
            warm_up(c.rest_url(), MIX)
            many = many_people(c.rest_url(), MIX, people, rounds)
            out["sizes"][str(n)] = {"ready_seconds": round(ready, 1), "many": many}
            log(f"cluster: {n} Rasa server(s): {many['per_second']} msg/s, p95 {many['p95_ms']} ms, "
                f"{many['errors']} errors")
        except ClusterError as exc:
            out["sizes"][str(n)] = {"error": str(exc)[:300]}
            log(f"cluster: {n} server(s) failed: {str(exc)[:300]}")
        finally:
            c.stop()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            shutil.rmtree(workdir, ignore_errors=True)
            try:
                import redis

                client = redis.Redis.from_url(BENCH_REDIS_URL)
                keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
                if keys:
                    client.delete(*keys)
            except Exception:  # noqa: BLE001 - leftover lock keys expire on their own
                pass
    admin.dispose()
    sizes = out["sizes"]
    if all("many" in sizes.get(str(n), {}) for n in sizes) and "1" in sizes and "2" in sizes:
        out["gain"] = round(sizes["2"]["many"]["per_second"] / sizes["1"]["many"]["per_second"], 2)
    return out


def run(people: int = 20, rounds: int = 4, turns: int = 300, coach_env: Optional[Dict[str, str]] = None,
        starter: bool = True, with_cluster: bool = True) -> Dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix="coach-speed-"))
    report: Dict[str, object] = {"people": people, "rounds": rounds}
    try:
        if starter:
            report["starter"] = measure(Starter(starter_model(), workdir / "starter.log"), "starter bot", people,
                                        rounds, turns)
        report["coach"] = measure(Coach(workdir / "coach", extra_env=coach_env), "coach", people, rounds, turns)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if with_cluster:
        report["cluster"] = cluster(people, rounds)
    if starter:
        report["ratio"] = {m: round(report["coach"][m]["many"]["per_second"]
                                    / report["starter"][m]["many"]["per_second"], 2) for m in ("mix", "assessment")}
        log("coach / starter bot throughput: " + ", ".join(f"{m} {r}x" for m, r in report["ratio"].items()))
    return report


AIMS = {"throughput_ratio": 1.0, "one_person_p95_ms": 100, "long_ratio": 1.2, "first_answer_seconds": 30,
        "rss_mb": 1024}


def markdown(report: Dict[str, object]) -> List[str]:
    c, s = report["coach"], report.get("starter")
    people = report["people"]
    lines = ["## Speed: the coach beside Rasa's starter bot (REST, loopback, one at a time)", "",
             "Closed loop: each simulated person waits for the answer before sending the next message. "
             "The coach on SQLite with its action server; the starter bot (`rasa init`) with its in-memory "
             "tracker store and no action server. Aims from the performance issue in brackets.", "",
             "| | mix: one person p50 / p95 | mix: " + f"{people} people | assessment: one person p50 / p95 | "
             f"assessment: {people} people |", "|---|---|---|---|---|"]

    def row(name: str, r: Dict[str, object]) -> str:
        cells = []
        for m in ("mix", "assessment"):
            one, many = r[m]["one_person"], r[m]["many"]
            cells += [f"{one['p50_ms']:.0f} / {one['p95_ms']:.0f} ms",
                      f"{many['per_second']} msg/s (p95 {many['p95_ms']} ms, {many['errors']} errors)"]
        return f"| {name} | " + " | ".join(cells) + " |"

    if s:
        lines.append(row("starter bot", s))
    lines.append(row("the coach", c))
    if s:
        ratio = report["ratio"]
        lines.append(f"| coach / starter | | **{ratio['mix']}x** [≥ {AIMS['throughput_ratio']}x] | | "
                     f"**{ratio['assessment']}x** [≥ {AIMS['throughput_ratio']}x] |")
    lines += ["", f"- one person p95, the coach: mix {c['mix']['one_person']['p95_ms']:.0f} ms, assessment "
              f"{c['assessment']['one_person']['p95_ms']:.0f} ms [≤ {AIMS['one_person_p95_ms']} ms]"]
    if c.get("long"):
        lg = c["long"]
        lines.append(f"- a {lg['turns']}-turn conversation, the coach: p95 of the first 30 turns "
                     f"{lg['first_p95_ms']:.0f} ms, of the last 30 {lg['last_p95_ms']:.0f} ms: **{lg['ratio']}x** "
                     f"[≤ {AIMS['long_ratio']}x]; p95 per 30 turns: {', '.join(map(str, lg['p95_per_block']))}")
        if s and s.get("long"):
            ls = s["long"]
            lines.append(f"- the same for the starter bot: {ls['first_p95_ms']:.0f} ms → {ls['last_p95_ms']:.0f} ms "
                         f"({ls['ratio']}x); per 30 turns: {', '.join(map(str, ls['p95_per_block']))}")
    lines.append(f"- first answer after starting the Rasa server: the coach **{c['first_answer_seconds']} s** "
                 f"[≤ {AIMS['first_answer_seconds']} s]" + (f", the starter bot {s['first_answer_seconds']} s" if s else ""))
    lines.append(f"- Rasa server memory after the load: the coach **{c['rss_mb']:.0f} MB** [≤ {AIMS['rss_mb']} MB]"
                 + (f", the starter bot {s['rss_mb']:.0f} MB" if s else ""))
    cl = report.get("cluster")
    if cl and cl.get("skipped"):
        lines += [f"- several servers: not measured ({cl['skipped']})"]
    elif cl:
        sizes = cl["sizes"]
        cells = []
        for n, r in sizes.items():
            cells.append(f"{n} Rasa server{'s' if n != '1' else ''}: " + (
                f"{r['many']['per_second']} msg/s (p95 {r['many']['p95_ms']} ms, {r['many']['errors']} errors)"
                if "many" in r else f"failed: {r.get('error')}"))
        lines.append(f"- the mix, {people} people, through nginx on PostgreSQL and Redis (`make cluster`): "
                     + "; ".join(cells) + (f"; **{cl['gain']}x** with two" if cl.get("gain") else "")
                     + f". On {os.cpu_count()} cores two Rasa servers and the action server share the same CPUs, "
                     "so the gain is bounded here; it is meant for servers on separate machines.")
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4, help="times each person sends the mix")
    parser.add_argument("--turns", type=int, default=300, help="length of the long conversation (0 to skip)")
    parser.add_argument("--no-starter", action="store_true", help="the coach alone")
    parser.add_argument("--no-cluster", action="store_true", help="leave out 1 and 2 Rasa servers behind nginx")
    parser.add_argument("--out", type=Path, help="also write the report as JSON here")
    args = parser.parse_args()
    report = run(args.people, args.rounds, args.turns, starter=not args.no_starter, with_cluster=not args.no_cluster)
    print("\n".join(markdown(report)))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
