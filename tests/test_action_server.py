"""The action server as ``make run`` starts it: on loopback only, and every action call needs the secret.

A real server process (``python -m bot.action_server``) on a free port.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bot.servers import free_port, stop_process, wait_until

ROOT = Path(__file__).resolve().parent.parent
SECRET = "a-test-secret-for-the-action-server"


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_ACTION_SECRET": SECRET,
           "COACH_DATABASE_URL": f"sqlite:///{log.parent / 'coach.db'}", "COACH_USER_KEY_SECRET": "x"}
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--port", str(port)], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok, 120, "action server",
                   proc, log)
        yield port
    finally:
        stop_process(proc)


def _call(port: int, headers=None):
    body = {"next_action": "action_keep_data", "sender_id": "rest:someone", "version": "3.6.21",
            "tracker": {"sender_id": "rest:someone", "slots": {}, "latest_message": {"text": "no"},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"},
            "domain": {}}
    return requests.post(f"http://127.0.0.1:{port}/webhook", json=body, headers=headers or {}, timeout=30)


def _listening_addresses(port: int):
    """The local addresses a TCP socket is listening on for ``port``, from /proc/net/tcp{,6}."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            addr, hexport = fields[1].rsplit(":", 1)
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(addr)
    return found


def test_it_listens_on_loopback_only(action_server):
    addresses = _listening_addresses(action_server)
    if not addresses:
        pytest.skip("/proc/net/tcp is not readable here")
    assert addresses == ["0100007F"], addresses  # 127.0.0.1, and not 0.0.0.0 or ::


def test_a_call_without_the_secret_is_refused(action_server):
    assert _call(action_server).status_code == 401
    assert _call(action_server, {"Authorization": "Bearer wrong"}).status_code == 401
    assert _call(action_server, {"Authorization": SECRET}).status_code == 401
    assert requests.get(f"http://127.0.0.1:{action_server}/actions", timeout=10).status_code == 401


def test_a_call_with_the_secret_runs_the_action(action_server):
    r = _call(action_server, {"Authorization": f"Bearer {SECRET}"})
    assert r.status_code == 200, r.text
    assert r.json()["responses"][0]["text"]
    assert requests.get(f"http://127.0.0.1:{action_server}/health", timeout=10).ok


def test_the_projects_endpoints_send_the_secret_as_rasa_reads_them(monkeypatch):
    """Rasa expands ${...} only in plain YAML values: a quoted header would send the words unexpanded."""
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("COACH_ACTION_SECRET", SECRET)
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    assert config.url == "http://127.0.0.1:5055/webhook"
    assert config.headers == {"Authorization": f"Bearer {SECRET}"}
