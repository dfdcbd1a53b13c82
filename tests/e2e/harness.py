"""Starting the real servers on loopback, talking to them and reading stored rows.

Used by the end-to-end tests and by ``make bench``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "coach.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")
SECRET = "e2e-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str, proc: Optional[subprocess.Popen] = None, log: Path = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}\n{tail}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout}s\n{tail}")


class Coach:
    """The two servers, a database file, and helpers to talk and to look at stored rows."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db_path = workdir / "coach.db"
        self.rasa_port = free_port()
        self.actions_port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COACH_DATABASE_URL": f"sqlite:///{self.db_path}",
            "COACH_USER_KEY_SECRET": SECRET,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
        }
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            "tracker_store:\n  type: bot.rasa_ext.tracker_store.CoachTrackerStore\n"
        )
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None

    # ------------------------------------------------------------ processes

    def _spawn(self, args: List[str], log_name: str) -> subprocess.Popen:
        log = open(self.workdir / log_name, "ab")
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_actions(self) -> None:
        self.actions = self._spawn([RASA, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)],
                                   "actions.log")
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok, 120,
                   "action server", self.actions, self.workdir / "actions.log")

    def start_rasa(self) -> None:
        self.rasa = self._spawn(
            [RASA, "run", "-m", str(MODEL), "--port", str(self.rasa_port), "--interface", "127.0.0.1",
             "--credentials", "credentials.yml", "--endpoints", str(self.endpoints)],
            "rasa.log",
        )
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.rasa_port}/", timeout=2).ok and self._model_ready(), 300, "rasa server", self.rasa, self.workdir / "rasa.log")

    def _model_ready(self) -> bool:
        r = requests.post(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook",
                          json={"sender": f"probe-{uuid.uuid4().hex}", "message": "hello"}, timeout=30)
        return r.ok and bool(r.json())

    @staticmethod
    def _stop(proc: Optional[subprocess.Popen]) -> None:
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_rasa(self) -> None:
        self._stop(self.rasa)

    def stop(self) -> None:
        self._stop(self.rasa)
        self._stop(self.actions)

    # ------------------------------------------------------------ talking

    def send_raw(self, sender: str, message) -> requests.Response:
        return requests.post(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook",
                             json={"sender": sender, "message": message}, timeout=60)

    def say(self, sender: str, message: str) -> List[Dict]:
        r = self.send_raw(sender, message)
        assert r.status_code == 200, f"{r.status_code}: {r.text[:500]}"
        replies = r.json()
        assert isinstance(replies, list)
        return replies

    @staticmethod
    def text(replies: List[Dict]) -> str:
        return "\n".join(m.get("text", "") for m in replies)

    @staticmethod
    def payloads(replies: List[Dict]) -> List[str]:
        return [b["payload"] for m in replies for b in m.get("buttons", [])]

    # ------------------------------------------------------------ stored rows

    def user_key(self, sender: str) -> str:
        return hmac.new(SECRET.encode(), sender.encode(), hashlib.sha256).hexdigest()

    def rows(self, sql: str, *params) -> List[tuple]:
        with sqlite3.connect(self.db_path, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def ratings(self, sender: str, status: Optional[str] = None) -> List[tuple]:
        sql = ("SELECT r.dimension_id, r.level, r.skipped, r.note, a.status FROM coach_ratings r "
               "JOIN coach_assessments a ON a.id = r.assessment_id JOIN coach_people p ON p.id = a.person_id "
               "WHERE p.user_key = ?")
        params = [self.user_key(sender)]
        if status:
            sql += " AND a.status = ?"
            params.append(status)
        return self.rows(sql + " ORDER BY r.id", *params)

    def assessments(self, sender: str) -> List[tuple]:
        return self.rows("SELECT a.id, a.status FROM coach_assessments a JOIN coach_people p ON p.id = a.person_id "
                         "WHERE p.user_key = ? ORDER BY a.id", self.user_key(sender))

    def reflections(self, sender: str) -> List[tuple]:
        return self.rows("SELECT r.prompt_id, r.dimension_id, r.answer FROM coach_reflections r "
                         "JOIN coach_people p ON p.id = r.person_id WHERE p.user_key = ? ORDER BY r.id",
                         self.user_key(sender))


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex}"
