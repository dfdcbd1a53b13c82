"""``make run``'s supervisor: keeps the action server and the Rasa server running.

Before, ``scripts/run.sh`` started both servers and ended (both) as soon as either stopped, so a
crashed action server left every conversation silent until someone restarted the coach. Now
``run.sh`` hands over to this module (``python -m bot.supervise``), which:

- starts each server as a child process, in its own process group, with the commands ``run.sh``
  used (:func:`coach_children`), and waits until each answers its health URL (the action server's
  ``/health``, the Rasa server's ``/``). Once both have answered for the first time it prints the
  "ready" text it was given (``--ready-message``; ``run.sh`` writes it, so no sentence lives here);
- restarts a child that exits when it was not asked to, after a back-off of 1 s, 2 s, 4 s ...
  capped at 30 s. The back-off starts again at 1 s once a child has run for 60 s (:class:`Backoff`).
  A child that has never become ready and exits (or fails its readiness deadline) five times in a
  row is a start-up mistake (no model, a port in use): the supervisor then stops everything and
  exits with 1 rather than retrying for ever;
- logs one line per event: ``event=child_started``, ``child_ready``, ``child_exited`` (with the exit
  code, negative for a signal, and ``restart_in``), ``child_restarted`` (with the restart count),
  ``child_not_ready``, ``child_gave_up``, ``all_ready``, ``stopping``, ``child_killed``, ``stopped``;
- on SIGINT (Ctrl-C) or SIGTERM stops everything: SIGTERM to each child's process group, up to
  10 s for them to exit, then SIGKILL to the groups still there. A second signal kills at once.
  The children also get SIGTERM if the supervisor itself dies (Linux ``PR_SET_PDEATHSIG``).

Like :mod:`bot.servers` this module is about processes only: no Rasa imports (the Rasa server is
started through the ``rasa`` command next to the running interpreter). What it runs is injectable
(:class:`ChildSpec`, :class:`Timing`), so ``tests/test_supervise.py`` supervises small real
processes instead of the coach.

    python -m bot.supervise --rasa-port 5005 --actions-port 5055 --ready-message "..."
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Callable, List, Mapping, Optional, Sequence

import requests

from bot.servers import RASA, ROOT

log = logging.getLogger("coach.supervise")

DEFAULT_RASA_PORT = 5005
DEFAULT_ACTIONS_PORT = 5055
DEFAULT_HOST = "127.0.0.1"
MODEL = "models/coach.tar.gz"
STOPPED = "coach stopped."
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class ChildSpec:
    """One process to keep running.

    ``ready_url``: the child is ready once a GET of it answers 2xx; None means ready once started.
    ``ready_timeout``: seconds from start to ready, after which the child is killed and restarted.
    ``env``: the child's whole environment (None: the supervisor's own).
    """

    name: str
    argv: Sequence[str]
    ready_url: Optional[str] = None
    ready_timeout: float = 300.0
    env: Optional[Mapping[str, str]] = None
    cwd: Path = ROOT


@dataclass(frozen=True)
class Timing:
    """The supervisor's timings, in seconds (the defaults are ``make run``'s)."""

    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    stable_after: float = 60.0  # a child that ran this long starts its back-off again at the beginning
    stop_timeout: float = 10.0  # after SIGTERM, before SIGKILL
    poll_interval: float = 0.2
    probe_interval: float = 0.5
    probe_timeout: float = 2.0
    max_failed_starts: int = 5  # exits in a row before a child was ever ready; 0: never give up


class Backoff:
    """Delays before restarts: ``initial``, doubling up to ``maximum``; back to ``initial`` after a run
    of at least ``stable_after`` seconds."""

    def __init__(self, initial: float, maximum: float, stable_after: float) -> None:
        self.initial, self.maximum, self.stable_after = initial, maximum, stable_after
        self._next = initial

    def delay(self, ran_for: float) -> float:
        """The delay before restarting a child that exited after running ``ran_for`` seconds."""
        if ran_for >= self.stable_after:
            self._next = self.initial
        delay = self._next
        self._next = min(delay * 2, self.maximum)
        return delay


@dataclass
class _Child:
    """A :class:`ChildSpec` and what the supervisor knows of its current process."""

    spec: ChildSpec
    backoff: Backoff
    proc: Optional[subprocess.Popen] = None
    started_at: float = 0.0
    ready: bool = False
    ever_ready: bool = False
    restarts: int = 0
    failed_starts: int = 0
    restart_at: Optional[float] = None
    next_probe: float = 0.0

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def _seconds(value: float) -> str:
    """``2s``, ``0.25s``: a duration for a log line."""
    return f"{round(value, 2):g}s"


def _say(text: str) -> None:
    print(text, flush=True)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the children outlive a supervisor that is killed -9
        pass


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` to the child's process group (its leader may already be gone)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Supervisor:
    """Runs ``children`` until SIGINT/SIGTERM (see the module docstring). :meth:`run` returns the exit code."""

    def __init__(self, children: Sequence[ChildSpec], timing: Timing = Timing(),
                 ready_message: Optional[str] = None, out: Callable[[str], None] = _say) -> None:
        if len({c.name for c in children}) != len(children):
            raise ValueError("child names must be unique")
        self.timing = timing
        self.children = [_Child(c, Backoff(timing.backoff_initial, timing.backoff_max, timing.stable_after))
                         for c in children]
        self.ready_message = ready_message
        self.out = out
        self._stop_signal: Optional[str] = None
        self._force = False
        self._announced = False

    # ------------------------------------------------------------ signals

    def _on_signal(self, signum: int, _frame: Optional[FrameType]) -> None:
        name = signal.Signals(signum).name
        if self._stop_signal is None:
            self._stop_signal = name
        else:
            self._force = True

    def request_stop(self, reason: str = "request") -> None:
        """Ask :meth:`run` to stop everything (what SIGINT/SIGTERM do)."""
        self._stop_signal = self._stop_signal or reason

    # ------------------------------------------------------------ children

    def _spawn(self, child: _Child) -> None:
        spec = child.spec
        env = dict(spec.env) if spec.env is not None else None
        child.proc = subprocess.Popen(list(spec.argv), cwd=spec.cwd, env=env, start_new_session=True,
                                      preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        child.started_at = time.monotonic()
        child.ready = spec.ready_url is None
        child.restart_at = None
        child.next_probe = 0.0
        if child.restarts:
            log.info("event=child_restarted name=%s pid=%d restarts=%d", spec.name, child.proc.pid, child.restarts)
        else:
            log.info("event=child_started name=%s pid=%d", spec.name, child.proc.pid)
        if child.ready:
            self._became_ready(child)

    def _became_ready(self, child: _Child) -> None:
        child.ready = child.ever_ready = True
        child.failed_starts = 0
        log.info("event=child_ready name=%s pid=%d after=%s restarts=%d", child.spec.name,
                 child.proc.pid if child.proc else 0, _seconds(time.monotonic() - child.started_at), child.restarts)

    def _probe(self, child: _Child, now: float) -> None:
        if now < child.next_probe or child.spec.ready_url is None:
            return
        child.next_probe = now + self.timing.probe_interval
        try:
            ok = requests.get(child.spec.ready_url, timeout=self.timing.probe_timeout).ok
        except requests.RequestException:
            ok = False
        if ok:
            self._became_ready(child)
        elif time.monotonic() - child.started_at > child.spec.ready_timeout:
            log.warning("event=child_not_ready name=%s pid=%d after=%s", child.spec.name,
                        child.proc.pid if child.proc else 0, _seconds(child.spec.ready_timeout))
            if child.proc is not None:
                _signal_group(child.proc, signal.SIGKILL)  # reported as an exit on the next round

    def _exited(self, child: _Child, now: float) -> bool:
        """Note a child's unexpected exit and schedule its restart; False when it must not be restarted."""
        assert child.proc is not None
        code = child.proc.returncode
        _signal_group(child.proc, signal.SIGKILL)  # anything it left behind in its group (a port held)
        ran_for = now - child.started_at
        if not child.ready:
            child.failed_starts += 1
        child.proc, child.ready = None, False
        limit = self.timing.max_failed_starts
        if limit and not child.ever_ready and child.failed_starts >= limit:
            log.error("event=child_exited name=%s code=%s ran_for=%s restart_in=never", child.spec.name, code,
                      _seconds(ran_for))
            log.error("event=child_gave_up name=%s failed_starts=%d", child.spec.name, child.failed_starts)
            return False
        delay = child.backoff.delay(ran_for)
        child.restart_at = now + delay
        child.restarts += 1
        log.warning("event=child_exited name=%s code=%s ran_for=%s restart_in=%s restarts=%d", child.spec.name,
                    code, _seconds(ran_for), _seconds(delay), child.restarts)
        return True

    def _round(self) -> bool:
        """One look at every child; False when the supervisor has to give up."""
        for child in self.children:
            now = time.monotonic()
            if child.proc is not None and child.proc.poll() is not None:
                if not self._exited(child, now):
                    return False
            elif child.proc is None and child.restart_at is not None and now >= child.restart_at:
                self._spawn(child)
            elif child.proc is not None and not child.ready:
                self._probe(child, now)
        if not self._announced and all(c.ready for c in self.children):
            self._announced = True
            log.info("event=all_ready children=%s", ",".join(c.spec.name for c in self.children))
            if self.ready_message:
                self.out(self.ready_message)
        return True

    def _stop_all(self) -> None:
        log.info("event=stopping reason=%s", self._stop_signal)
        running = [c for c in reversed(self.children) if c.running]  # the last started (Rasa) first
        for child in running:
            _signal_group(child.proc, signal.SIGTERM)  # type: ignore[arg-type]
        deadline = time.monotonic() + self.timing.stop_timeout
        while not self._force and time.monotonic() < deadline and any(c.running for c in running):
            time.sleep(min(0.1, self.timing.poll_interval))
        for child in running:
            assert child.proc is not None
            if child.proc.poll() is None:
                log.warning("event=child_killed name=%s pid=%d reason=%s", child.spec.name, child.proc.pid,
                            "second_signal" if self._force else "stop_timeout")
            _signal_group(child.proc, signal.SIGKILL)  # the child, or what it left in its group
            child.proc.wait()
        log.info("event=stopped")

    def run(self) -> int:
        """Start the children and keep them running until a signal (0) or giving up (1)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        code = 0
        try:
            for child in self.children:
                self._spawn(child)
            while self._stop_signal is None:
                if not self._round():
                    self._stop_signal, code = "child_gave_up", 1
                    break
                time.sleep(self.timing.poll_interval)
        finally:
            self._stop_signal = self._stop_signal or "error"
            self._stop_all()
        return code


# ---------------------------------------------------------------- the coach's two servers


def _probe_host(host: str) -> str:
    """Where to knock for a server listening on ``host`` (all interfaces: loopback)."""
    return DEFAULT_HOST if host in ("", "0.0.0.0", "::") else host


def coach_children(rasa_port: int, actions_port: int, env: Mapping[str, str] = os.environ) -> List[ChildSpec]:
    """The action server and the Rasa server exactly as ``scripts/run.sh`` started them.

    From the environment: ``COACH_HOST`` (Rasa's interface), ``COACH_ACTIONS_HOST`` (the action
    server's), ``COACH_RASA_API_TOKEN`` (Rasa's HTTP API only when a token protects it) and
    ``COACH_CORS_ORIGINS``. The secret (``COACH_ACTION_SECRET``) reaches both through the environment.
    """
    host = env.get("COACH_HOST") or DEFAULT_HOST
    actions_host = env.get("COACH_ACTIONS_HOST") or DEFAULT_HOST
    token = env.get("COACH_RASA_API_TOKEN")
    api = ["--enable-api", "--auth-token", token] if token else []
    return [
        ChildSpec("actions", [sys.executable, "-m", "bot.action_server", "--port", str(actions_port), "--quiet"],
                  ready_url=f"http://{_probe_host(actions_host)}:{actions_port}/health", ready_timeout=120.0),
        ChildSpec("rasa", [RASA, "run", "-m", MODEL, "--port", str(rasa_port), "--interface", host,
                           "--credentials", "credentials.yml", *api, "--endpoints", "endpoints.yml",
                           "--cors", env.get("COACH_CORS_ORIGINS") or "*", "--quiet"],
                  ready_url=f"http://{_probe_host(host)}:{rasa_port}/", ready_timeout=300.0),
    ]


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s supervise %(levelname)s %(message)s")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.supervise", description=__doc__.split("\n")[0])
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT") or DEFAULT_RASA_PORT))
    parser.add_argument("--actions-port", type=int,
                        default=int(os.environ.get("ACTIONS_PORT") or DEFAULT_ACTIONS_PORT))
    parser.add_argument("--ready-message", help="printed once both servers answer for the first time")
    args = parser.parse_args(argv)
    configure_logging()
    code = Supervisor(coach_children(args.rasa_port, args.actions_port), ready_message=args.ready_message).run()
    _say(STOPPED)
    return code


if __name__ == "__main__":
    sys.exit(main())
