"""The supervisor behind ``make run`` (bot/supervise.py), around small real processes instead of the coach.

Each test starts a real supervisor process (``python -c`` with injected :class:`ChildSpec`s and fast
:class:`Timing`s) whose children are tiny Python processes: one that serves a health URL, one that
crashes, one that ignores SIGTERM. The supervisor's log lines are read from its output.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from bot.servers import free_port
from bot.supervise import Backoff, Timing, coach_children

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

DRIVER = """
import json, sys
from bot.supervise import ChildSpec, Supervisor, Timing, configure_logging
config = json.loads(sys.argv[1])
configure_logging()
children = [ChildSpec(**c) for c in config["children"]]
sys.exit(Supervisor(children, Timing(**config["timing"]), ready_message=config.get("ready")).run())
"""

SLEEPER = "import time; time.sleep(120)"
STUCK = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('stuck up', flush=True); "
         "time.sleep(120)")


def web(port: int) -> List[str]:
    """A child that answers GET / with 200 on ``port``."""
    return [PY, "-c", "import http.server, sys; http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), "
            "http.server.SimpleHTTPRequestHandler).serve_forever()", str(port)]


class Run:
    """A supervisor process and its output, read as it comes."""

    def __init__(self, children: List[Dict], timing: Dict, ready: Optional[str] = None) -> None:
        config = {"children": children, "timing": timing, "ready": ready}
        self.proc = subprocess.Popen([PY, "-c", DRIVER, json.dumps(config)], cwd=ROOT,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: List[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def events(self, event: str, **fields: str) -> List[Dict[str, str]]:
        """The log lines of ``event`` (as field dicts) whose fields include ``fields``."""
        found = []
        for line in list(self.lines):
            if f"event={event} " not in line + " ":
                continue
            parsed = dict(re.findall(r"(\w+)=(\S+)", line))
            if all(parsed.get(k) == v for k, v in fields.items()):
                found.append(parsed)
        return found

    def wait_for(self, event: str, count: int = 1, timeout: float = 15.0, **fields: str) -> List[Dict[str, str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(event, **fields)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count} x event={event} {fields} in:\n{self.text}")

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 15.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def runs():
    started: List[Run] = []
    yield lambda *a, **kw: started.append(Run(*a, **kw)) or started[-1]
    for run in started:
        run.kill()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


FAST = {"backoff_initial": 0.2, "backoff_max": 0.8, "stable_after": 60, "stop_timeout": 2, "poll_interval": 0.05,
        "probe_interval": 0.1, "probe_timeout": 1}


# --------------------------------------------------------------------------- back-off


def test_backoff_doubles_to_the_cap_and_starts_again_after_a_stable_run():
    b = Backoff(1, 30, 60)
    assert [b.delay(0.5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert b.delay(61) == 1  # it ran a minute: a fresh start
    assert b.delay(3) == 2


def test_default_timing_is_make_runs():
    t = Timing()
    assert (t.backoff_initial, t.backoff_max, t.stable_after, t.stop_timeout) == (1, 30, 60, 10)


def test_the_coach_commands_are_run_sh_s():
    actions, rasa = coach_children(5005, 5055, env={"COACH_RASA_API_TOKEN": "tok", "COACH_CORS_ORIGINS": "https://x"})
    assert actions.argv[1:] == ["-m", "bot.action_server", "--port", "5055", "--quiet"]
    assert actions.ready_url == "http://127.0.0.1:5055/health"
    assert rasa.argv[0].endswith("rasa") and rasa.argv[1:] == [
        "run", "-m", "models/coach.tar.gz", "--port", "5005", "--interface", "127.0.0.1", "--credentials",
        "credentials.yml", "--enable-api", "--auth-token", "tok", "--endpoints", "endpoints.yml", "--cors",
        "https://x", "--quiet"]
    assert rasa.ready_url == "http://127.0.0.1:5005/"
    _, rasa = coach_children(5005, 5055, env={"COACH_HOST": "0.0.0.0"})
    assert "--enable-api" not in rasa.argv and rasa.argv[rasa.argv.index("--cors") + 1] == "*"
    assert rasa.ready_url == "http://127.0.0.1:5005/"  # all interfaces: asked on loopback


# --------------------------------------------------------------------------- real processes


def test_a_crashing_child_is_restarted_with_backoff_and_counted(runs):
    run = runs([{"name": "crashy", "argv": [PY, "-c", "import sys, time; time.sleep(0.2); sys.exit(3)"]},
                {"name": "calm", "argv": [PY, "-c", SLEEPER]}], FAST)
    exits = run.wait_for("child_exited", count=4, name="crashy")
    assert [e["code"] for e in exits[:4]] == ["3"] * 4
    assert [e["restart_in"] for e in exits[:4]] == ["0.2s", "0.4s", "0.8s", "0.8s"]  # doubling, capped
    assert [e["restarts"] for e in exits[:4]] == ["1", "2", "3", "4"]
    restarted = run.wait_for("child_restarted", count=3, name="crashy")
    assert [r["restarts"] for r in restarted[:3]] == ["1", "2", "3"]
    assert not run.events("child_exited", name="calm") and not run.events("child_restarted", name="calm")
    run.signal(signal.SIGTERM)
    assert run.finish() == 0
    assert run.events("stopping", reason="SIGTERM") and run.events("stopped")


def test_a_server_killed_with_sigkill_comes_back_and_the_banner_is_printed_once(runs):
    port = free_port()
    run = runs([{"name": "web", "argv": web(port), "ready_url": f"http://127.0.0.1:{port}/"},
                {"name": "calm", "argv": [PY, "-c", SLEEPER]}], FAST, ready="READY-BANNER")
    run.wait_for("all_ready")
    run.wait_for("child_ready", name="web")
    assert run.lines.count("READY-BANNER") == 1
    first = run.events("child_started", name="web")[0]["pid"]
    os.killpg(int(first), signal.SIGKILL)
    exited = run.wait_for("child_exited", name="web")[0]
    assert exited["code"] == "-9" and exited["restart_in"] == "0.2s" and exited["restarts"] == "1"
    ready = run.wait_for("child_ready", count=2, name="web")[1]
    assert ready["restarts"] == "1" and ready["pid"] != first
    assert run.lines.count("READY-BANNER") == 1  # said once, when both were first ready

    calm = run.events("child_started", name="calm")[0]["pid"]
    run.signal(signal.SIGTERM)
    assert run.finish() == 0
    assert wait_gone(int(ready["pid"])) and wait_gone(int(calm))
    assert not run.events("child_killed")  # both stopped on SIGTERM, nothing had to be killed


def test_a_child_that_ignores_sigterm_is_killed_after_the_stop_timeout(runs):
    run = runs([{"name": "stuck", "argv": [PY, "-c", STUCK]}], {**FAST, "stop_timeout": 1})
    run.wait_for("all_ready")
    deadline = time.monotonic() + 10
    while "stuck up" not in run.lines and time.monotonic() < deadline:  # its SIGTERM handler is in place
        time.sleep(0.05)
    pid = int(run.events("child_started", name="stuck")[0]["pid"])
    started = time.monotonic()
    run.signal(signal.SIGINT)
    assert run.finish() == 0
    took = time.monotonic() - started
    assert 0.9 < took < 5, took
    assert run.events("child_killed", name="stuck", reason="stop_timeout")
    assert wait_gone(pid)


def test_a_second_ctrl_c_kills_at_once(runs):
    run = runs([{"name": "stuck", "argv": [PY, "-c", STUCK]}], {**FAST, "stop_timeout": 30})
    run.wait_for("all_ready")
    deadline = time.monotonic() + 10
    while "stuck up" not in run.lines and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(run.events("child_started", name="stuck")[0]["pid"])
    run.signal(signal.SIGINT)
    run.wait_for("stopping", reason="SIGINT")
    started = time.monotonic()
    run.signal(signal.SIGINT)
    assert run.finish(timeout=10) == 0
    assert time.monotonic() - started < 5
    assert run.events("child_killed", name="stuck", reason="second_signal")
    assert wait_gone(pid)


def test_a_child_that_never_starts_makes_the_supervisor_give_up(runs):
    port = free_port()  # nothing listens here
    run = runs([{"name": "broken", "argv": [PY, "-c", "import sys; sys.exit(2)"],
                 "ready_url": f"http://127.0.0.1:{port}/"},
                {"name": "calm", "argv": [PY, "-c", SLEEPER]}], {**FAST, "max_failed_starts": 3})
    assert run.finish() == 1
    assert len(run.events("child_exited", name="broken")) == 3
    assert run.events("child_gave_up", name="broken", failed_starts="3")
    assert run.events("stopped")
    assert wait_gone(int(run.events("child_started", name="calm")[0]["pid"]))
