"""``make cluster``'s configuration (bot/cluster.py, deploy/nginx/), without a trained model.

- what it refuses, with a message that says how to fix it (SQLite, no Redis, no nginx);
- the ``endpoints.yml`` it writes, read by Rasa's own reader, builds the coach's lock store;
- the processes it hands to the supervisor;
- the nginx configuration, run by the real nginx in front of small real HTTP servers standing in
  for the Rasa servers (the coach's own servers are in tests/e2e/test_cluster.py): a server that
  refuses connections is passed over, a message sent to a server that then dies is not sent
  again, Socket.IO is sticky, and export tokens stay out of the access log.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from bot import cluster as cl
from bot.servers import ROOT, free_port

PG = "postgresql://postgres@127.0.0.1:5432/test"
SECRETS = {"COACH_ACTION_SECRET": "cluster-config-action-secret", "COACH_USER_KEY_SECRET": "cluster-config-user",
           "COACH_WEB_SESSION_SECRET": "cluster-config-web"}


def nginx_or_skip() -> str:
    try:
        return cl.find_nginx()
    except cl.ClusterError as e:
        pytest.skip(str(e))


# --------------------------------------------------------------------------- what it refuses


def test_sqlite_is_refused_with_a_reason():
    with pytest.raises(cl.ClusterError, match="SQLite.*PostgreSQL"):
        cl.Cluster(ROOT / "var" / "never", "sqlite:///var/coach.db", extra_env=SECRETS)
    with pytest.raises(cl.ClusterError, match="COACH_DATABASE_URL is not set"):
        cl.check_database_url("")
    assert cl.check_database_url("postgresql+psycopg2://u@h/db")


def test_make_cluster_refuses_sqlite_before_starting_anything(tmp_path):
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(ROOT), "COACH_DATABASE_URL": f"sqlite:///{tmp_path}/coach.db"}
    done = subprocess.run([sys.executable, "-m", "bot.cluster", "--workdir", str(tmp_path / "cluster")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "several servers cannot share a SQLite file" in done.stderr and "PostgreSQL" in done.stderr
    assert not (tmp_path / "cluster").exists()


def test_redis_away_is_named():
    with pytest.raises(cl.ClusterError, match=r"Redis is not reachable at redis://:\*\*\*@127\.0\.0\.1"):
        cl.check_redis(f"redis://:hunter2@127.0.0.1:{free_port()}/0", timeout=1)


def test_nginx_missing_is_named(monkeypatch):
    monkeypatch.setenv("COACH_NGINX", "/nonexistent/nginx")
    with pytest.raises(cl.ClusterError, match="COACH_NGINX"):
        cl.find_nginx()
    monkeypatch.delenv("COACH_NGINX")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(cl.shutil, "which", lambda *a, **k: None)
    with pytest.raises(cl.ClusterError, match="ensure_packages.sh nginx:nginx"):
        cl.find_nginx()


def test_no_model_is_named(tmp_path):
    c = cl.Cluster(tmp_path, PG, model=tmp_path / "none.tar.gz", extra_env=SECRETS)
    with pytest.raises(cl.ClusterError, match="make train"):
        c.prepare()


# --------------------------------------------------------------------------- what it writes


def test_the_example_for_operators_is_the_template_rendered():
    example = ROOT / "deploy" / "nginx" / "coach.conf"
    assert example.read_text() == cl.render_example(), (
        "deploy/nginx/coach.conf is out of step with deploy/nginx/coach.conf.template: regenerate it with "
        "python -m bot.cluster --print-nginx-config --workdir /var/lib/coach/cluster > deploy/nginx/coach.conf")
    assert "{{" not in example.read_text().split("\n", 12)[-1]


def test_make_cluster_prints_the_example(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COACH_DATABASE_URL", None)  # printing needs no database
    done = subprocess.run([sys.executable, "-m", "bot.cluster", "--print-nginx-config", "--workdir",
                           "/var/lib/coach/cluster"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == cl.render_example()


def test_the_rendered_configuration_passes_nginx_t(tmp_path):
    nginx_or_skip()
    c = cl.Cluster(tmp_path, PG, rasa_servers=3, action_servers=2, extra_env=SECRETS)
    c.write_config()  # runs nginx -t
    text = c.nginx_conf.read_text()
    for port in c.rasa_ports:
        assert text.count(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;") == 2  # both upstreams
    for port in c.action_ports:
        assert text.count(f"server 127.0.0.1:{port} ") == 1
    assert "hash $binary_remote_addr consistent;" in text and "least_conn;" in text
    assert f"listen 127.0.0.1:{c.port};" in text and f"listen 127.0.0.1:{c.actions_proxy_port};" in text
    assert "proxy_read_timeout 15s;" in text  # action calls: above COACH_ACTION_TIMEOUT_SECONDS (10)
    assert "# server {\n    #     listen 443 ssl" in text  # where TLS goes


def test_rasa_reads_the_endpoints_it_writes(tmp_path, monkeypatch):
    from rasa.core.utils import AvailableEndpoints

    c = cl.Cluster(tmp_path, PG, extra_env={**SECRETS, "COACH_REDIS_URL": "redis://127.0.0.1:6379/0"})
    c.workdir.mkdir(parents=True, exist_ok=True)
    import yaml

    c.endpoints.write_text(yaml.safe_dump(c.endpoints_config(), sort_keys=False))
    for name, value in c.env.items():
        if name.startswith("COACH_"):
            monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(c.endpoints))
    assert endpoints.action.url == f"http://127.0.0.1:{c.actions_proxy_port}/webhook"
    assert endpoints.action.headers == {"Authorization": f"Bearer {SECRETS['COACH_ACTION_SECRET']}"}
    assert endpoints.lock_store.type == "bot.rasa_ext.lock_store.CoachRedisLockStore"
    assert endpoints.lock_store.url == "redis://127.0.0.1:6379/0"
    assert endpoints.lock_store.kwargs == {"key_prefix": "coach"}
    assert endpoints.tracker_store.type == "bot.rasa_ext.tracker_store.CoachTrackerStore"
    assert endpoints.nlg.type == "bot.rasa_ext.nlg.ContentNLG"
    assert "redis://" not in c.endpoints.read_text()  # the URL (maybe with a password) stays in the environment


def test_every_process_gets_the_same_settings(tmp_path):
    c = cl.Cluster(tmp_path, PG, rasa_servers=2, action_servers=2, extra_env=SECRETS)
    children = c.children()
    assert [ch.name for ch in children] == ["actions-1", "actions-2", "nginx", "rasa-1", "rasa-2"]
    assert all(ch.env is c.env for ch in children)
    env = c.env
    assert env["COACH_DATABASE_URL"] == PG and env["COACH_ACTION_SECRET"] == SECRETS["COACH_ACTION_SECRET"]
    assert env["COACH_PUBLIC_URL"] == c.url
    assert (env["COACH_LOCK_LIFETIME_SECONDS"], env["COACH_LOCK_MAX_HOLD_SECONDS"],
            env["COACH_ACTION_TIMEOUT_SECONDS"]) == ("5", "60", "10")
    rasa = children[3]
    assert rasa.argv[1:3] == ["run", "-m"] and str(c.endpoints) in rasa.argv
    assert rasa.ready_url == f"{c.rasa_urls[0]}/"
    nginx = children[2]
    assert nginx.argv[1:] == ["-p", str(c.nginx_dir), "-c", str(c.nginx_conf), "-e", str(c.nginx_error_log)]
    assert nginx.ready_url == f"{c.actions_proxy_url}/health"


def test_the_timings_keep_a_dead_servers_conversation_within_15_seconds():
    t = cl.Timings()
    # The next message: passed over to a live server (at worst a connect timeout), the dead ticket
    # lapses, then one ordinary turn (about a second here; allow two).
    assert t.connect_timeout + t.lock_lifetime + 2.0 <= 15.0
    assert t.action_read_timeout > t.action_timeout  # Rasa's own limit decides, not nginx's
    assert t.read_timeout >= 2 * t.action_timeout  # a turn with a couple of slow action calls still answers
    assert t.socketio_read_timeout > 25 + 20  # Socket.IO's ping interval + ping timeout
    assert t.lock_max_hold > t.read_timeout


# --------------------------------------------------------------------------- the real nginx


class Backend:
    """A small real HTTP server: records each request's path; ``mode`` "answer" or "die" (read the
    request, then close the connection without a word, as a server killed in the middle)."""

    def __init__(self, name: str) -> None:
        self.name, self.mode, self.seen = name, "answer", []  # type: ignore[var-annotated]
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                backend.seen.append((self.command, self.path, self.headers.get("X-Forwarded-For")))
                if backend.mode == "die":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                body = backend.name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxied(tmp_path):
    """nginx from the cluster's configuration in front of two backends (as Rasa servers) and one
    (as the action server)."""
    nginx_or_skip()
    a, b, actions = Backend("a"), Backend("b"), Backend("actions")
    c = cl.Cluster(tmp_path, PG, rasa_ports=[a.port, b.port], action_ports=[actions.port], extra_env=SECRETS)
    c.write_config()
    c.start_nginx()
    try:
        yield c, a, b
    finally:
        c.stop()
        for backend in (a, b, actions):
            backend.close()


def test_a_server_that_refuses_connections_is_passed_over(proxied):
    c, a, b = proxied
    a.close()  # its port now refuses connections, as a killed server's does
    for _ in range(4):
        r = requests.post(c.rest_url(), json={"sender": "x", "message": "hi"}, timeout=10)
        assert r.status_code == 200 and r.text == "b"
    assert len(b.seen) == 4


def test_a_message_sent_to_a_server_that_dies_is_not_sent_again(proxied):
    c, a, b = proxied
    a.mode = b.mode = "die"
    r = requests.post(c.rest_url(), json={"sender": "x", "message": "hi"}, timeout=10)
    assert r.status_code == 502
    assert len(a.seen) + len(b.seen) == 1  # one server took it; nginx did not try the other


def test_a_page_whose_server_dies_is_asked_of_the_next(proxied):
    c, a, b = proxied
    a.mode = b.mode = "die"
    assert requests.get(f"{c.url}/chat", timeout=10).status_code == 502
    assert len(a.seen) + len(b.seen) == 2  # a GET may be sent again: it changes nothing


def test_socketio_is_sticky_and_the_rest_is_spread(proxied):
    c, a, b = proxied
    for _ in range(10):
        assert requests.get(f"{c.url}/socket.io/?EIO=4&transport=polling", timeout=10).status_code == 200
    sticky = [s for s in (a, b) if any(path.startswith("/socket.io/") for _, path, _ in s.seen)]
    assert len(sticky) == 1 and len(sticky[0].seen) == 10
    for _ in range(10):
        requests.post(c.rest_url(), json={"sender": "x", "message": "hi"}, timeout=10)
    assert sum(1 for _, path, _ in a.seen if path.startswith("/webhooks")) >= 3
    assert sum(1 for _, path, _ in b.seen if path.startswith("/webhooks")) >= 3
    assert all(xff == "127.0.0.1" for s in (a, b) for _, _, xff in s.seen)


def test_the_access_log_keeps_no_export_token_or_query(proxied):
    c, a, b = proxied
    token = "Zx9" * 15
    requests.get(f"{c.url}/webhooks/exports/{token}.json", timeout=10)
    requests.get(f"{c.url}/socket.io/?EIO=4&transport=polling&sid=secretsid", timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and c.nginx_access_log.read_text().count("\n") < 2:
        time.sleep(0.1)
    logged = c.nginx_access_log.read_text()
    assert "/webhooks/exports/-" in logged and "/socket.io/" in logged
    assert token not in logged and "secretsid" not in logged
    assert any(token in path for s in (a, b) for _, path, _ in s.seen)  # the server itself got it


def test_nginx_keeps_its_pid_and_logs_in_the_work_directory(proxied):
    """Our own nginx, a child process (daemon off): its master's pid file and logs are the cluster's."""
    c, _, _ = proxied
    pid = int((c.nginx_dir / "nginx.pid").read_text().strip())
    assert pid == c._nginx.proc.pid
    assert c.nginx_error_log.exists() and c.nginx_access_log.parent == c.nginx_dir
