"""What the coach's adapters to Rasa (bot/rasa_ext/runtime.py) buy, measured two ways.

1. Micro: Rasa's ``RemoteAction._validate_action_result`` against the patched one
   (bot/rasa_ext/fast_action_validation.py) on a typical action-server answer (6 events, 2 messages),
   in microseconds per call; also the patched one with the events schema checked whole (one cached
   validator, no dispatch on the event name), to show what each half of the patch is worth.
2. End to end: the real servers (bot.servers.CoachServers, models/coach.tar.gz, SQLite) started once
   with ``COACH_RASA_ADAPTERS=off`` (Rasa as shipped) and once with the adapters, alternately for
   ``--rounds`` rounds; ``--users`` simulated people in closed loop for ``--seconds`` after a warm-up,
   each going through the issue's 5-message mix with a fresh sender id per conversation.
   Reports messages/s, p50/p95 latency and the Rasa server's CPU milliseconds per message.

    python scripts/bench_adapters.py                      # both parts: ~6 minutes
    python scripts/bench_adapters.py --micro-only         # seconds
    python scripts/bench_adapters.py --users 20 --seconds 60 --rounds 2
    python scripts/bench_adapters.py --skip-micro --profile results/profile   # where the CPU goes (py-spy)

Needs the trained model (``make train``) for part 2. Prints a table and writes nothing else
(work directories go to the system temporary directory and are removed) except, with ``--profile``,
py-spy's raw stacks in the directory given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import timeit
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.speed import percentile  # noqa: E402  (the same percentiles as make bench)

MIX = ["hi", "tell me about holding to account", "what courses could help me?", "I'd like to reflect on my week",
       "thanks, bye"]
SECRET = "bench-adapters-user-key-secret"

TYPICAL_ANSWER = {
    "events": [
        {"event": "slot", "timestamp": None, "name": "dimension", "value": "holding_to_account"},
        {"event": "slot", "timestamp": None, "name": "last_topic", "value": "dimension"},
        {"event": "slot", "timestamp": None, "name": "recommended", "value": ["c1", "c2"]},
        {"event": "active_loop", "timestamp": None, "name": None},
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": None},
        {"event": "followup", "timestamp": None, "name": "action_listen"},
    ],
    "responses": [
        {"text": "Holding to account is about ...", "buttons": [], "elements": [], "custom": {}, "template": None,
         "response": None, "image": None, "attachment": None},
        {"text": "Would you like some courses?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                             {"title": "No", "payload": "/deny"}],
         "elements": [], "custom": {}, "template": None, "response": None, "image": None, "attachment": None},
    ],
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- micro


def micro(number: int) -> Dict[str, float]:
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_ext import fast_action_validation as fav

    fav.install()
    assert fav.installed(), fav.pinned_problem()
    action = RemoteAction("action_bench", None)
    original, patched = fav._PATCH.original, fav._validate_action_result
    assert original(action, TYPICAL_ANSWER) is True and patched(action, TYPICAL_ANSWER) is True

    whole = fav._Checker.__new__(fav._Checker)  # the same checker, without the dispatch on the name
    from jsonschema.validators import validator_for

    spec = action.action_response_format_spec()
    whole.schema, whole.full, whole.outer, whole.by_name = spec, validator_for(spec)(spec), None, {}

    def cached_whole():
        return whole.surely_valid(TYPICAL_ANSWER) or original(action, TYPICAL_ANSWER)

    def per_call(fn, n):
        best = min(timeit.repeat(fn, number=n, repeat=5))
        return best / n * 1e6

    return {
        "rasa (jsonschema.validate per call)": per_call(lambda: original(action, TYPICAL_ANSWER), max(number // 50, 20)),
        "cached validator, whole schema": per_call(cached_whole, max(number // 10, 50)),
        "patched (cached + dispatch on name)": per_call(lambda: patched(action, TYPICAL_ANSWER), number),
    }


# --------------------------------------------------------------------------- end to end


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants, in seconds."""
    import subprocess

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
        out = subprocess.run(["pgrep", "-P", str(p)], capture_output=True, text=True).stdout.split()
        pids += [int(x) for x in out]
    return total


def summarise_profile(raw: Path, top: int = 25) -> str:
    """py-spy's raw (collapsed) stacks as two tables: the functions that hold the CPU themselves
    (self) and those under which it is spent (inclusive), as shares of the samples."""
    self_count: Dict[str, int] = {}
    incl_count: Dict[str, int] = {}
    package_count: Dict[str, int] = {}
    total = 0
    import re

    text = re.sub(r'process \d+:".*?";', "", raw.read_text(errors="replace"), flags=re.S)  # --subprocesses
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = []
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            file = where.rsplit(":", 1)[0]
            file = file.split("site-packages/")[-1].split("/work/main/")[-1]
            frames.append(f"{name} ({file})")
        if not frames:
            continue
        self_count[frames[-1]] = self_count.get(frames[-1], 0) + n
        file = frames[-1].rpartition("(")[2].rstrip(")")
        parts = file.split("/")
        package = "/".join(parts[:3] if parts[0] == "rasa" else parts[:1]) if len(parts) > 1 else "(stdlib/other)"
        package_count[package] = package_count.get(package, 0) + n
        for f in set(frames):
            incl_count[f] = incl_count.get(f, 0) + n
    out = [f"{total} samples of the Rasa server while busy", "", "| self % | function |", "|---|---|"]
    for f, n in sorted(self_count.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"| {100 * n / total:.1f} | {f} |")
    out += ["", "| self % | package (where the sampled frame's file is) |", "|---|---|"]
    for f, n in sorted(package_count.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"| {100 * n / total:.1f} | {f} |")
    out += ["", "| inclusive % | function |", "|---|---|"]
    for f, n in sorted(incl_count.items(), key=lambda kv: -kv[1])[:top * 2]:
        out.append(f"| {100 * n / total:.1f} | {f} |")
    return "\n".join(out)


def end_to_end(adapters: bool, users: int, seconds: float, warmup: float,
               profile: "Path | None" = None) -> Dict[str, float]:
    from bot.servers import DEFAULT_MODEL, CoachServers

    workdir = Path(tempfile.mkdtemp(prefix="coach-bench-adapters-"))
    env = {"COACH_RATE_LIMIT_PER_MINUTE": "1000000", "COACH_ENCRYPTION_KEY_FILE": str(workdir / "encryption_keys"),
           "COACH_RASA_ADAPTERS": "" if adapters else "off"}
    coach = CoachServers(workdir, f"sqlite:///{workdir / 'coach.db'}", SECRET, DEFAULT_MODEL, extra_env=env)
    label = "on" if adapters else "off"
    log(f"adapters {label}: starting the servers...")
    try:
        coach.start()
        latencies: List[float] = []
        errors: List[str] = []
        lock = threading.Lock()
        t_start = time.monotonic() + warmup
        t_end = t_start + seconds

        def person() -> None:
            while time.monotonic() < t_end:
                sender = f"bench-{uuid.uuid4().hex}"
                for text in MIX:
                    t0 = time.monotonic()
                    if t0 >= t_end:
                        return
                    try:
                        coach.send(sender, text)
                        ok = True
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        ok = False
                        err = repr(exc)
                    t1 = time.monotonic()
                    if t0 >= t_start and t1 <= t_end:
                        with lock:
                            (latencies.append((t1 - t0) * 1000) if ok else errors.append(err))

        threads = [threading.Thread(target=person, daemon=True) for _ in range(users)]
        for th in threads:
            th.start()
        time.sleep(max(0.0, t_start - time.monotonic()))
        cpu0 = _cpu_seconds(coach.rasa.pid), _cpu_seconds(coach.actions.pid)
        spy = None
        if profile is not None:  # sampling pauses the server briefly: profile runs are not for timing
            import subprocess

            spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
                                    str(coach.rasa.pid), "--subprocesses", "--rate", "100", "--format", "raw",
                                    "--duration", str(int(seconds) - 2), "--output", str(profile)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(max(0.0, t_end - time.monotonic()))
        cpu1 = _cpu_seconds(coach.rasa.pid), _cpu_seconds(coach.actions.pid)
        if spy is not None:
            spy.wait(timeout=120)
        for th in threads:
            th.join(timeout=120)
        log_text = coach.rasa_log.read_text(errors="replace")
        n = len(latencies)
        result = {
            "messages": n, "errors": len(errors), "per_s": n / seconds,
            "p50_ms": percentile(latencies, .5), "p95_ms": percentile(latencies, .95),
            "rasa_cpu_ms_per_msg": (cpu1[0] - cpu0[0]) * 1000 / max(n, 1),
            "actions_cpu_ms_per_msg": (cpu1[1] - cpu0[1]) * 1000 / max(n, 1),
            "patched_seen_in_log": "rasa_adapter_installed" in log_text and "rasa_adapter_skipped" not in log_text,
            "off_seen_in_log": "rasa_adapters_off" in log_text,
        }
        if errors:
            log(f"adapters {label}: {len(errors)} errors, e.g. {errors[0][:300]}")
        log(f"adapters {label}: {n / seconds:.1f} messages/s, p50 {result['p50_ms']:.0f} ms, "
            f"p95 {result['p95_ms']:.0f} ms, Rasa CPU {result['rasa_cpu_ms_per_msg']:.1f} ms/message")
        return result
    finally:
        coach.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--micro-only", action="store_true")
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--number", type=int, default=2000, help="calls per timing of the patched method")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="off/on pairs, alternating")
    parser.add_argument("--profile", metavar="DIR",
                        help="instead of timing: sample the Rasa server with py-spy (pip install py-spy) under the "
                             "same load, adapters off and on, and print where its CPU goes")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    if not args.skip_micro:
        timings = micro(args.number)
        base = next(iter(timings.values()))
        print("\nValidation of one typical answer (6 events, 2 messages), best of 5:\n")
        print(f"| {'variant':<38} | {'µs/call':>9} | {'speed-up':>8} |")
        print(f"|{'-' * 40}|{'-' * 11}|{'-' * 10}|")
        for name, us in timings.items():
            print(f"| {name:<38} | {us:>9.1f} | {base / us:>7.1f}x |")
        print()
    if args.micro_only:
        return

    if args.profile:
        out = Path(args.profile)
        out.mkdir(parents=True, exist_ok=True)
        for adapters in (False, True):
            raw = out / f"rasa-adapters-{'on' if adapters else 'off'}.txt"
            end_to_end(adapters, args.users, args.seconds, args.warmup, profile=raw)
            print(f"\n## Rasa server, adapters {'on' if adapters else 'off'} ({raw})\n")
            print(summarise_profile(raw))
        return

    runs: List[Dict] = []
    for r in range(args.rounds):
        for adapters in (False, True):
            res = end_to_end(adapters, args.users, args.seconds, args.warmup)
            runs.append({"round": r + 1, "adapters": "on" if adapters else "off", **res})
    print(f"\nEnd to end: {args.users} people in closed loop, {args.seconds:.0f} s after {args.warmup:.0f} s warm-up, "
          f"the mix {MIX}\n")
    print("| round | adapters | messages | errors | messages/s | p50 ms | p95 ms | Rasa CPU ms/msg | actions CPU ms/msg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for x in runs:
        print(f"| {x['round']} | {x['adapters']}{'' if x['patched_seen_in_log'] or x['adapters'] == 'off' else ' (?)'} "
              f"| {x['messages']} | {x['errors']} | {x['per_s']:.1f} | {x['p50_ms']:.0f} | {x['p95_ms']:.0f} "
              f"| {x['rasa_cpu_ms_per_msg']:.1f} | {x['actions_cpu_ms_per_msg']:.1f} |")


if __name__ == "__main__":
    main()
