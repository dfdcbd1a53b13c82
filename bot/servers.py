"""Starting the coach's two real servers on loopback, and talking to them over REST.

Why this lives in ``bot/``: the end-to-end tests, ``make bench`` and (later) a
supervisor for ``make run`` all start the coach the same way: the action server
and the Rasa server as subprocesses on 127.0.0.1, with a given work directory,
database URL, user-key secret and model. Keeping that here means the product
(``scripts/``, ``bot/``, ``actions/``) never imports from ``tests/``
(``tests/test_layers.py`` checks that).

Unlike the rest of ``bot/`` this module is about processes, not coaching; it
uses only ``subprocess`` and ``requests`` (no Rasa imports: the servers are
started through the ``rasa`` command next to the running interpreter).

    servers = CoachServers(workdir, "sqlite:///.../coach.db", secret, model)
    servers.start()                      # action server, then Rasa; waits until ready
    try:
        replies = servers.send("someone", "hello")   # list of message dicts
    finally:
        servers.stop()
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "coach.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")
HOST = "127.0.0.1"

# Timeouts, in seconds.
ACTIONS_READY_TIMEOUT = 120
RASA_READY_TIMEOUT = 300  # loading the model takes about a minute on two cores
PROBE_TIMEOUT = 30
SEND_TIMEOUT = 60
TERM_TIMEOUT = 30  # after SIGTERM to the process group, before SIGKILL
KILL_TIMEOUT = 10
LOG_TAIL = 3000
BODY_EXCERPT = 500


class ServerError(RuntimeError):
    """A server exited or did not become ready; the message ends with the tail of its log."""


class ReplyError(RuntimeError):
    """The Rasa server answered a message with something other than a 200 and a JSON list."""

    def __init__(self, status: int, body: str, detail: str = "") -> None:
        self.status = status
        self.body = body
        super().__init__(f"{detail or 'unexpected reply'}: HTTP {status}: {body[:BODY_EXCERPT]}")


def replies_of(r: requests.Response) -> List[Dict[str, Any]]:
    """The bot's replies in a REST channel response. Raises :class:`ReplyError` unless 200 and a JSON list."""
    if r.status_code != 200:
        raise ReplyError(r.status_code, r.text)
    try:
        replies = r.json()
    except ValueError:
        raise ReplyError(r.status_code, r.text, "reply is not JSON") from None
    if not isinstance(replies, list):
        raise ReplyError(r.status_code, r.text, "reply is not a JSON list")
    return replies


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tail(log: Optional[Path]) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL:] if log and log.exists() else ""


def wait_until(check: Callable[[], bool], timeout: float, what: str,
               proc: Optional[subprocess.Popen] = None, log: Optional[Path] = None) -> None:
    """Poll ``check`` every half second until it returns true.

    Connection errors from ``requests`` count as "not yet". Raises :class:`ServerError`
    if ``proc`` exits first and :class:`TimeoutError` after ``timeout`` seconds, both
    with the tail of ``log``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"{what} exited with {proc.returncode}\n{_tail(log)}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout}s\n{_tail(log)}")


def stop_process(proc: Optional[subprocess.Popen]) -> None:
    """SIGTERM the process's group, then SIGKILL it if still running after a while."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        proc.wait(timeout=KILL_TIMEOUT)
        return
    try:
        proc.wait(timeout=TERM_TIMEOUT)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=KILL_TIMEOUT)


class CoachServers:
    """The action server and the Rasa server for one work directory and database.

    The work directory receives ``endpoints.yml`` (the project's, pointing Rasa at this
    action server), ``actions.log`` and ``rasa.log``.
    Each server runs in its own process group so that stopping it stops its children.
    """

    def __init__(self, workdir: Union[str, Path], database_url: str, user_key_secret: str,
                 model: Union[str, Path] = DEFAULT_MODEL, extra_env: Optional[Dict[str, str]] = None) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.model = Path(model)
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COACH_DATABASE_URL": database_url,
            "COACH_USER_KEY_SECRET": user_key_secret,
            # Made up per instance unless given: the action server refuses calls without it.
            "COACH_ACTION_SECRET": os.environ.get("COACH_ACTION_SECRET") or uuid.uuid4().hex + uuid.uuid4().hex,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            **(extra_env or {}),
        }
        # Links the coach gives out (export downloads) point at this Rasa server.
        self.env.setdefault("COACH_PUBLIC_URL", f"http://{HOST}:{self.rasa_port}")
        self.endpoints = self.workdir / "endpoints.yml"
        # The project's endpoints (tracker store, NLG, ...) with this action server's address.
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text()) or {}
        # Its headers (the secret, from COACH_ACTION_SECRET) are the project's own, so these servers
        # run on the same configuration as `make run`.
        endpoints["action_endpoint"] = {**(endpoints.get("action_endpoint") or {}),
                                        "url": f"http://{HOST}:{self.actions_port}/webhook"}
        self.endpoints.write_text(yaml.safe_dump(endpoints, sort_keys=False))
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None

    # ------------------------------------------------------------ addresses

    @property
    def rasa_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{HOST}:{self.actions_port}"

    @property
    def action_secret(self) -> str:
        return self.env["COACH_ACTION_SECRET"]

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def actions_log(self) -> Path:
        return self.workdir / "actions.log"

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    # ------------------------------------------------------------ processes

    def _spawn(self, args: List[str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start(self) -> None:
        """Start the action server, then the Rasa server; return once both are ready."""
        self.start_actions()
        self.start_rasa()

    def start_actions(self) -> None:
        self.actions = self._spawn([sys.executable, "-m", "bot.action_server", "--port", str(self.actions_port)],
                                   self.actions_log)
        wait_until(lambda: requests.get(f"{self.actions_url}/health", timeout=2).ok, ACTIONS_READY_TIMEOUT,
                   "action server", self.actions, self.actions_log)

    def start_rasa(self) -> None:
        if not self.model.exists():
            raise FileNotFoundError(f"no trained model at {self.model}: run `make train`")
        # As scripts/run.sh: Rasa's HTTP API only when a token protects it.
        token = self.env.get("COACH_RASA_API_TOKEN")
        api = ["--enable-api", "--auth-token", token] if token else []
        self.rasa = self._spawn(
            [RASA, "run", "-m", str(self.model), "--port", str(self.rasa_port), "--interface", HOST,
             "--credentials", "credentials.yml", "--endpoints", str(self.endpoints), *api],
            self.rasa_log,
        )
        wait_until(lambda: requests.get(f"{self.rasa_url}/", timeout=2).ok and self.model_ready(),
                   RASA_READY_TIMEOUT, "rasa server", self.rasa, self.rasa_log)

    def model_ready(self) -> bool:
        """True once the Rasa server answers a message (the model is loaded, not just the port open)."""
        r = requests.post(self.rest_url, json={"sender": f"probe-{uuid.uuid4().hex}", "message": "hello"},
                          timeout=PROBE_TIMEOUT)
        return r.ok and bool(r.json())

    def stop_rasa(self) -> None:
        stop_process(self.rasa)

    def stop_actions(self) -> None:
        stop_process(self.actions)

    def stop(self) -> None:
        """Stop both servers (Rasa first). Safe to call more than once, or if a start failed."""
        try:
            self.stop_rasa()
        finally:
            self.stop_actions()

    def __enter__(self) -> "CoachServers":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------ talking

    def send_raw(self, sender: str, message: Any) -> requests.Response:
        """POST one message to the REST channel and return the response as is."""
        return requests.post(self.rest_url, json={"sender": sender, "message": message}, timeout=SEND_TIMEOUT)

    def send(self, sender: str, message: Any) -> List[Dict[str, Any]]:
        """Send one message; return the bot's replies. Raises :class:`ReplyError` unless 200 and a JSON list."""
        r = self.send_raw(sender, message)
        return replies_of(r)
