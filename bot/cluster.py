"""Several Rasa servers and action servers behind nginx, on PostgreSQL and Redis (``make cluster``).

What runs (``docs/cluster.md`` has the picture and the reasons for every timing):

- ``M`` action servers (``python -m bot.action_server``) on loopback;
- nginx (Debian's package, run as a child process with a generated configuration, never the
  system service) on the public port (8080 for ``make cluster``): the Rasa servers behind it
  (``least_conn``; Socket.IO sticky by client address), and, on an internal loopback port, the
  action servers behind it for the Rasa servers' action calls;
- ``N`` Rasa servers (``rasa run``), each with the same ``endpoints.yml`` written for the cluster:
  the project's (tracker store, NLG) plus the action endpoint (nginx's internal port) and the
  lock store (:class:`bot.rasa_ext.lock_store.CoachRedisLockStore` on ``COACH_REDIS_URL``).

Why the action calls go through nginx rather than each Rasa server to "its" action server: any
Rasa server can then use any action server, so one action server dying (or being restarted) costs
a single connection attempt instead of every action call of one Rasa server failing until it is
back; and N and M can be chosen independently.

Before any Rasa server starts, ``python -m bot.storage upgrade`` runs once, so the servers do not
race each other through the migrations. Every process shares the same secrets: the action secret
goes to all of them in the environment (as ``make run`` does); the user-key secret, the web
session secret and the encryption keys come from the environment when set there
(``COACH_USER_KEY_SECRET``, ``COACH_WEB_SESSION_SECRET``, ``COACH_ENCRYPTION_KEYS``) and otherwise
from the same files under ``var/``, made once here before anything starts
(:func:`ensure_shared_secrets`).

Like :mod:`bot.servers` and :mod:`bot.supervise` this module is about processes only: no Rasa
imports. :class:`Cluster` is the Python interface the end-to-end tests and ``make bench`` use::

    with Cluster(workdir, "postgresql://...", "redis://127.0.0.1:6379/0", rasa_servers=2) as cluster:
        cluster.send("someone", "hello")            # through nginx
        cluster.send("someone", "hello", via=1)     # straight to Rasa server 1
        cluster.kill_rasa(0)                        # SIGKILL, as a crash

``python -m bot.cluster`` (what ``make cluster`` runs, through ``scripts/cluster.sh``) starts the
same processes under :class:`bot.supervise.Supervisor`: a child that stops is restarted with
back-off (logged), Ctrl-C stops them all.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union
from urllib.parse import urlparse

import requests
import yaml

from bot.servers import (DEFAULT_MODEL, PROBE_TIMEOUT, RASA, ROOT, SEND_TIMEOUT, ServerError, free_port, replies_of,
                         stop_process, wait_until)

log = logging.getLogger("coach.cluster")

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_RASA_SERVERS = 2
DEFAULT_ACTION_SERVERS = 1
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_KEY_PREFIX = "coach"
# make cluster's fixed ports: Rasa servers from 5005, action servers from 5055, nginx's internal
# port for action calls 5050 (tests and the bench take free ports instead).
RASA_BASE_PORT = 5005
ACTIONS_BASE_PORT = 5055
ACTIONS_PROXY_PORT = 5050
TEMPLATE = ROOT / "deploy" / "nginx" / "coach.conf.template"
LOCK_STORE_CLASS = "bot.rasa_ext.lock_store.CoachRedisLockStore"

ACTIONS_READY_TIMEOUT = 120.0
NGINX_READY_TIMEOUT = 30.0
RASA_READY_TIMEOUT = 300.0  # one server loading the model on two cores; more servers load together
KILL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Timings:
    """The cluster's timings in seconds, set together (``docs/cluster.md``, "Timings").

    A conversation whose Rasa server died carries on within 15 s: the person's next message reaches
    another server at once (the dead one refuses connections; ``connect_timeout`` when its machine
    is gone), waits at most ``lock_lifetime`` for the dead server's ticket to lapse, and is then
    handled like any other (about a second; each action call at most ``action_timeout``).
    """

    lock_lifetime: float = 5.0  # COACH_LOCK_LIFETIME_SECONDS: a dead server's ticket lapses after this
    lock_max_hold: float = 60.0  # COACH_LOCK_MAX_HOLD_SECONDS: the longest a live turn keeps the lock
    action_timeout: float = 10.0  # COACH_ACTION_TIMEOUT_SECONDS: the longest one action call may take
    connect_timeout: float = 2.0  # nginx: a server that does not accept a connection by then is passed over
    send_timeout: float = 10.0  # nginx: between two writes of a request to a server
    read_timeout: float = 30.0  # nginx: the longest answer to one message (a few action calls and a wait)
    socketio_read_timeout: float = 60.0  # nginx: above Socket.IO's 25 s ping interval + 20 s ping timeout
    fail_timeout: float = 10.0  # nginx: a server that failed is left alone this long, then tried again
    next_upstream_timeout: float = 10.0  # nginx: the longest it looks for a server that takes a request

    @property
    def action_read_timeout(self) -> float:
        """nginx's limit for an action call: above Rasa's own, so that Rasa's decides."""
        return self.action_timeout + 5.0

    def env(self) -> Dict[str, str]:
        return {"COACH_LOCK_LIFETIME_SECONDS": f"{self.lock_lifetime:g}",
                "COACH_LOCK_MAX_HOLD_SECONDS": f"{self.lock_max_hold:g}",
                "COACH_ACTION_TIMEOUT_SECONDS": f"{self.action_timeout:g}"}


class ClusterError(RuntimeError):
    """Something the cluster needs is missing or wrong; the message says what and how to fix it."""


# --------------------------------------------------------------------------- what it needs


def find_nginx() -> str:
    """The nginx binary: ``COACH_NGINX``, else on PATH or in /usr/sbin (Debian's, not on a user's PATH)."""
    named = os.environ.get("COACH_NGINX")
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise ClusterError(f"COACH_NGINX={named} is not an executable file")
        return named
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/usr/local/nginx/sbin")
    if not found:
        raise ClusterError("nginx is not installed: `make cluster-packages` (or `scripts/ensure_packages.sh "
                           "nginx:nginx`) installs Debian's package; elsewhere install nginx or set COACH_NGINX")
    return found


def check_database_url(url: Optional[str]) -> str:
    """The URL, if it names PostgreSQL; a :class:`ClusterError` saying why not otherwise."""
    if not url:
        raise ClusterError("COACH_DATABASE_URL is not set: a cluster needs PostgreSQL, e.g. "
                           "COACH_DATABASE_URL=postgresql://coach@127.0.0.1:5432/coach")
    scheme = urlparse(url).scheme.split("+")[0]
    if scheme != "postgresql" and scheme != "postgres":
        raise ClusterError(f"COACH_DATABASE_URL is {scheme or 'not a URL'}: several servers cannot share a SQLite "
                           "file. A cluster needs PostgreSQL, e.g. postgresql://coach@127.0.0.1:5432/coach")
    return url


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def check_redis(url: str, timeout: float = 3.0) -> None:
    """A :class:`ClusterError` unless Redis answers a PING at ``url``."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except (redis.RedisError, ValueError) as e:
        raise ClusterError(f"Redis is not reachable at {_hide_password(url)} ({type(e).__name__}: {e}): start it, "
                           "or set COACH_REDIS_URL (redis://[:password@]host:port/db)") from None


def ensure_shared_secrets(env: Dict[str, str]) -> None:
    """Make the secret files under ``var/`` that ``env`` does not replace, once, before any server starts.

    The servers would make them too (safely: ``bot.keyfiles.read_or_create``); making them here means
    that every process of the cluster reads the same files from its very first message.
    """
    from bot import keyfiles

    if not env.get("COACH_USER_KEY_SECRET"):
        from bot import identity

        keyfiles.secret("COACH_USER_KEY_SECRET", Path(env.get("COACH_USER_KEY_SECRET_FILE") or identity.SECRET_FILE),
                        lambda: secrets.token_hex(32))
    if not env.get("COACH_WEB_SESSION_SECRET"):
        from bot import web_sessions

        keyfiles.secret("COACH_WEB_SESSION_SECRET",
                        Path(env.get("COACH_WEB_SESSION_SECRET_FILE") or web_sessions.SECRET_FILE),
                        lambda: secrets.token_hex(32))
    if not env.get("COACH_ENCRYPTION_KEYS"):
        from cryptography.fernet import Fernet

        from bot import crypto

        keyfiles.read_or_create(Path(env.get("COACH_ENCRYPTION_KEY_FILE") or crypto.KEY_FILE),
                                lambda: Fernet.generate_key().decode())


def action_secret(env: Dict[str, str]) -> str:
    """The action servers' shared secret: ``COACH_ACTION_SECRET`` in ``env``, else ``var/action_secret``."""
    if env.get("COACH_ACTION_SECRET"):
        return env["COACH_ACTION_SECRET"]
    from bot.action_server import action_secret as from_file

    return from_file()


# --------------------------------------------------------------------------- the nginx configuration


def _server_lines(ports: Sequence[int], timings: Timings, host: str = HOST) -> str:
    return "\n".join(f"        server {host}:{port} max_fails=1 fail_timeout={timings.fail_timeout:g}s;"
                     for port in ports)


def render_nginx(prefix: Union[str, Path], listen: str, rasa_ports: Sequence[int], action_ports: Sequence[int],
                 actions_listen: str, timings: Timings = Timings(), worker_processes: str = "auto",
                 template: Path = TEMPLATE) -> str:
    """``deploy/nginx/coach.conf.template`` with every ``{{place}}`` filled in."""
    values = {
        "prefix": str(prefix), "listen": listen, "actions_listen": actions_listen,
        "worker_processes": worker_processes,
        "rasa_servers": _server_lines(rasa_ports, timings), "action_servers": _server_lines(action_ports, timings),
        "lock_lifetime": f"{timings.lock_lifetime:g}", "action_timeout": f"{timings.action_timeout:g}",
        "connect_timeout": f"{timings.connect_timeout:g}", "send_timeout": f"{timings.send_timeout:g}",
        "read_timeout": f"{timings.read_timeout:g}", "socketio_read_timeout": f"{timings.socketio_read_timeout:g}",
        "action_read_timeout": f"{timings.action_read_timeout:g}",
        "next_upstream_timeout": f"{timings.next_upstream_timeout:g}",
    }
    text = template.read_text()
    unknown = set(re.findall(r"\{\{(\w+)\}\}", text)) - set(values)
    if unknown:
        raise ClusterError(f"{template} has places nobody fills: {', '.join(sorted(unknown))}")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)


# The example for operators, deploy/nginx/coach.conf: the template rendered with these.
EXAMPLE = dict(prefix="/var/lib/coach/cluster/nginx", listen=f"127.0.0.1:{DEFAULT_PORT}",
               rasa_ports=[RASA_BASE_PORT, RASA_BASE_PORT + 1], action_ports=[ACTIONS_BASE_PORT],
               actions_listen=f"127.0.0.1:{ACTIONS_PROXY_PORT}")


def render_example() -> str:
    return render_nginx(**EXAMPLE)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the cluster


@dataclass
class _Process:
    name: str
    argv: List[str]
    log: Path
    ready_url: str
    proc: Optional[subprocess.Popen] = None


class Cluster:
    """N Rasa servers, M action servers and nginx on one machine (see the module docstring).

    ``port``: nginx's public port (a free one when None). ``rasa_ports``/``action_ports``/
    ``actions_proxy_port``: fixed ports (free ones when None). ``extra_env`` is added to every
    child's environment (after the cluster's own settings, so it can replace them).
    ``workdir`` receives ``endpoints.yml``, ``nginx/`` (configuration, logs, pid) and a log per server.
    """

    def __init__(self, workdir: Union[str, Path], database_url: str, redis_url: str = DEFAULT_REDIS_URL,
                 rasa_servers: int = DEFAULT_RASA_SERVERS, action_servers: int = DEFAULT_ACTION_SERVERS,
                 port: Optional[int] = None, model: Union[str, Path] = DEFAULT_MODEL,
                 extra_env: Optional[Dict[str, str]] = None, listen_host: str = HOST,
                 rasa_ports: Optional[Sequence[int]] = None, action_ports: Optional[Sequence[int]] = None,
                 actions_proxy_port: Optional[int] = None, key_prefix: str = DEFAULT_KEY_PREFIX,
                 timings: Timings = Timings(), worker_processes: str = "1", quiet: bool = False) -> None:
        if rasa_servers < 1 or action_servers < 1:
            raise ClusterError("a cluster needs at least one Rasa server and one action server")
        if not key_prefix.isalnum():
            raise ClusterError(f"the lock store's key prefix must be letters and digits, not {key_prefix!r}")
        self.workdir = Path(workdir).resolve()
        self.database_url = check_database_url(database_url)
        self.redis_url = redis_url
        self.model = Path(model)
        self.timings = timings
        self.key_prefix = key_prefix
        self.worker_processes = worker_processes
        self.quiet = quiet
        self.listen_host = listen_host
        self.port = port or free_port()
        self.rasa_ports = list(rasa_ports) if rasa_ports else [free_port() for _ in range(rasa_servers)]
        self.action_ports = list(action_ports) if action_ports else [free_port() for _ in range(action_servers)]
        if len(self.rasa_ports) != rasa_servers or len(self.action_ports) != action_servers:
            raise ClusterError("give one port per server")
        self.actions_proxy_port = actions_proxy_port or free_port()
        self.nginx_dir = self.workdir / "nginx"
        self.nginx_conf = self.nginx_dir / "coach.conf"
        self.endpoints = self.workdir / "endpoints.yml"
        base = {k: v for k, v in os.environ.items() if k not in ("SANIC_WORKERS", "TICKET_LOCK_LIFETIME")}
        self.env: Dict[str, str] = {
            **base,
            "PYTHONPATH": str(ROOT),
            "COACH_DATABASE_URL": database_url,
            "COACH_REDIS_URL": redis_url,
            "COACH_PUBLIC_URL": os.environ.get("COACH_PUBLIC_URL") or f"http://{self._probe_host}:{self.port}",
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
            "RASA_TELEMETRY_ENABLED": "false",
            **timings.env(),
            **(extra_env or {}),
        }
        self._actions = [_Process(f"actions-{i + 1}",
                                  [sys.executable, "-m", "bot.action_server", "--port", str(port), "--host", HOST,
                                   *(["--quiet"] if quiet else [])],
                                  self.workdir / f"actions-{i + 1}.log", f"http://{HOST}:{port}/health")
                         for i, port in enumerate(self.action_ports)]
        self._nginx = _Process("nginx", [], self.nginx_dir / "nginx.out",
                               f"http://{HOST}:{self.actions_proxy_port}/health")
        self._rasa = [_Process(f"rasa-{i + 1}", self._rasa_argv(port), self.workdir / f"rasa-{i + 1}.log",
                               f"http://{HOST}:{port}/")
                      for i, port in enumerate(self.rasa_ports)]

    # ------------------------------------------------------------ addresses

    @property
    def _probe_host(self) -> str:
        return HOST if self.listen_host in ("", "0.0.0.0", "::") else self.listen_host

    @property
    def url(self) -> str:
        """nginx: where people (and the tests) reach the coach."""
        return f"http://{self._probe_host}:{self.port}"

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://{HOST}:{port}" for port in self.rasa_ports]

    @property
    def action_urls(self) -> List[str]:
        return [f"http://{HOST}:{port}" for port in self.action_ports]

    @property
    def actions_proxy_url(self) -> str:
        return f"http://{HOST}:{self.actions_proxy_port}"

    def rest_url(self, via: Optional[int] = None) -> str:
        """The REST webhook through nginx, or straight at Rasa server ``via`` (0-based)."""
        base = self.url if via is None else self.rasa_urls[via]
        return f"{base}/webhooks/rest/webhook"

    def rasa_log(self, i: int) -> Path:
        return self._rasa[i].log

    @property
    def nginx_access_log(self) -> Path:
        return self.nginx_dir / "access.log"

    @property
    def nginx_error_log(self) -> Path:
        return self.nginx_dir / "error.log"

    def rasa_process(self, i: int) -> Optional[subprocess.Popen]:
        return self._rasa[i].proc

    # ------------------------------------------------------------ configuration

    def _rasa_argv(self, port: int) -> List[str]:
        token = self.env.get("COACH_RASA_API_TOKEN")
        api = ["--enable-api", "--auth-token", token] if token else []
        return [RASA, "run", "-m", str(self.model), "--port", str(port), "--interface", HOST,
                "--credentials", "credentials.yml", "--endpoints", str(self.endpoints), *api,
                "--cors", self.env.get("COACH_CORS_ORIGINS") or "*", *(["--quiet"] if self.quiet else [])]

    def _nginx_argv(self) -> List[str]:
        return [find_nginx(), "-p", str(self.nginx_dir), "-c", str(self.nginx_conf), "-e", str(self.nginx_error_log)]

    def endpoints_config(self) -> Dict[str, Any]:
        """The project's ``endpoints.yml`` with nginx's internal port for actions and the Redis lock store."""
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text()) or {}
        endpoints["action_endpoint"] = {**(endpoints.get("action_endpoint") or {}),
                                        "url": f"{self.actions_proxy_url}/webhook"}
        # ${COACH_REDIS_URL}: Rasa expands it from each server's environment (a password stays out of files).
        endpoints["lock_store"] = {"type": LOCK_STORE_CLASS, "url": "${COACH_REDIS_URL}", "key_prefix": self.key_prefix}
        return endpoints

    def nginx_config(self) -> str:
        return render_nginx(self.nginx_dir, f"{self.listen_host}:{self.port}", self.rasa_ports, self.action_ports,
                            f"{HOST}:{self.actions_proxy_port}", self.timings, self.worker_processes)

    def write_config(self) -> None:
        """``endpoints.yml`` and nginx's configuration into the work directory (checked with ``nginx -t``)."""
        for folder in (self.workdir, self.nginx_dir, *(self.nginx_dir / "tmp" / d for d in
                                                        ("body", "proxy", "fastcgi", "uwsgi", "scgi"))):
            folder.mkdir(parents=True, exist_ok=True)
        self.endpoints.write_text(yaml.safe_dump(self.endpoints_config(), sort_keys=False))
        self.nginx_conf.write_text(self.nginx_config())
        check = subprocess.run([*self._nginx_argv(), "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise ClusterError(f"nginx refuses the configuration {self.nginx_conf}:\n{check.stderr[-2000:]}")

    def _ensure_action_secret(self) -> None:
        """``COACH_ACTION_SECRET`` for every process (from the environment, else made once under ``var/``)."""
        self.env["COACH_ACTION_SECRET"] = action_secret(self.env)

    def prepare(self) -> None:
        """Everything before the first process: prerequisites, configuration, secrets, the database schema."""
        self._ensure_action_secret()
        if not self.model.exists():
            raise ClusterError(f"no trained model at {self.model}: run `make train`")
        find_nginx()
        check_redis(self.redis_url)
        self.write_config()
        ensure_shared_secrets(self.env)
        upgrade = subprocess.run([sys.executable, "-m", "bot.storage", "upgrade"], cwd=ROOT, env=self.env,
                                 capture_output=True, text=True)
        if upgrade.returncode != 0:
            raise ClusterError(f"could not bring the database schema up to date at "
                               f"{_hide_password(self.database_url)} (is PostgreSQL running and reachable?):\n"
                               f"{(upgrade.stderr or upgrade.stdout)[-2000:]}")
        log.info("event=cluster_prepared rasa_servers=%d action_servers=%d port=%d", len(self._rasa),
                 len(self._actions), self.port)

    # ------------------------------------------------------------ processes (tests and the bench)

    def _spawn(self, process: _Process) -> None:
        with open(process.log, "ab") as out:  # the child keeps its own copy of the descriptor
            process.proc = subprocess.Popen(process.argv, cwd=ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        """Prepare, then start the action servers, nginx and the Rasa servers; return once all are ready."""
        self.prepare()
        for process in self._actions:
            self._spawn(process)
        for process in self._actions:
            wait_until(lambda p=process: requests.get(p.ready_url, timeout=2).ok, ACTIONS_READY_TIMEOUT,
                       process.name, process.proc, process.log)
        self.start_nginx()
        for i in range(len(self._rasa)):
            self.start_rasa(i, wait=False)
        for i in range(len(self._rasa)):
            self.wait_rasa(i, timeout=RASA_READY_TIMEOUT * (1 + 0.5 * (len(self._rasa) - 1)))
        log.info("event=cluster_ready url=%s rasa=%s", self.url, ",".join(self.rasa_urls))

    def start_nginx(self) -> None:
        self._nginx.argv = self._nginx_argv()
        self._spawn(self._nginx)
        wait_until(lambda: requests.get(self._nginx.ready_url, timeout=2).ok, NGINX_READY_TIMEOUT, "nginx",
                   self._nginx.proc, self.nginx_error_log)

    def start_rasa(self, i: int, wait: bool = True) -> None:
        """Start Rasa server ``i`` (0-based); with ``wait``, return once it answers a message."""
        if not self.model.exists():
            raise FileNotFoundError(f"no trained model at {self.model}: run `make train`")
        process = self._rasa[i]
        if process.proc is not None and process.proc.poll() is None:
            raise ServerError(f"{process.name} is running already")
        self._spawn(process)
        if wait:
            self.wait_rasa(i)

    def wait_rasa(self, i: int, timeout: float = RASA_READY_TIMEOUT) -> None:
        process = self._rasa[i]
        wait_until(lambda: requests.get(process.ready_url, timeout=2).ok and self._answers(i), timeout,
                   process.name, process.proc, process.log)

    def _answers(self, i: int) -> bool:
        """True once Rasa server ``i`` answers a message (the model is loaded, not just the port open)."""
        r = requests.post(self.rest_url(i), json={"sender": f"probe-{uuid.uuid4().hex}", "message": "hello"},
                          timeout=PROBE_TIMEOUT)
        return r.ok and bool(r.json())

    def kill_rasa(self, i: int, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to Rasa server ``i``'s process group (SIGKILL: as a crash; reaped before returning)."""
        proc = self._rasa[i].proc
        if proc is None or proc.poll() is not None:
            raise ServerError(f"{self._rasa[i].name} is not running")
        os.killpg(proc.pid, sig)
        if sig == signal.SIGKILL:
            proc.wait(timeout=KILL_TIMEOUT)

    def stop_rasa(self, i: int) -> None:
        proc = self._rasa[i].proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGCONT)  # a server frozen with SIGSTOP cannot handle SIGTERM
            except ProcessLookupError:
                pass
        stop_process(proc)

    def stop(self) -> None:
        """Stop everything (Rasa servers, nginx, action servers). Safe to call more than once."""
        try:
            for i in range(len(self._rasa)):
                self.stop_rasa(i)
        finally:
            try:
                stop_process(self._nginx.proc)
            finally:
                for process in self._actions:
                    stop_process(process.proc)

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ------------------------------------------------------------ talking

    def send_raw(self, sender: str, message: Any, via: Optional[int] = None,
                 timeout: float = SEND_TIMEOUT) -> requests.Response:
        """POST one message to the REST channel, through nginx or straight to Rasa server ``via``."""
        return requests.post(self.rest_url(via), json={"sender": sender, "message": message}, timeout=timeout)

    def send(self, sender: str, message: Any, via: Optional[int] = None) -> List[Dict[str, Any]]:
        """Send one message; the bot's replies. Raises :class:`ReplyError` unless 200 and a JSON list."""
        r = self.send_raw(sender, message, via)
        return replies_of(r)

    # ------------------------------------------------------------ under the supervisor (make cluster)

    def children(self) -> List[Any]:
        """The processes as :class:`bot.supervise.ChildSpec` s, in starting order: action servers, nginx,
        Rasa servers (the supervisor stops them in the reverse order)."""
        from bot.supervise import ChildSpec

        self._ensure_action_secret()
        ready = RASA_READY_TIMEOUT * (1 + 0.5 * (len(self._rasa) - 1))
        return ([ChildSpec(p.name, p.argv, ready_url=p.ready_url, ready_timeout=ACTIONS_READY_TIMEOUT, env=self.env)
                 for p in self._actions]
                + [ChildSpec("nginx", self._nginx_argv(), ready_url=self._nginx.ready_url,
                             ready_timeout=NGINX_READY_TIMEOUT, env=self.env)]
                + [ChildSpec(p.name, p.argv, ready_url=p.ready_url, ready_timeout=ready, env=self.env)
                   for p in self._rasa])


# --------------------------------------------------------------------------- python -m bot.cluster


def _port_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def build_parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m bot.cluster", description=__doc__.split("\n")[0])
    parser.add_argument("--rasa-servers", type=int, default=int(env.get("COACH_RASA_SERVERS") or DEFAULT_RASA_SERVERS))
    parser.add_argument("--action-servers", type=int,
                        default=int(env.get("COACH_ACTION_SERVERS") or DEFAULT_ACTION_SERVERS))
    parser.add_argument("--port", type=int, default=int(env.get("COACH_CLUSTER_PORT") or DEFAULT_PORT),
                        help="nginx's port for people")
    parser.add_argument("--listen", default=env.get("COACH_CLUSTER_LISTEN") or HOST,
                        help="nginx's interface (127.0.0.1; 0.0.0.0 for every interface)")
    parser.add_argument("--rasa-base-port", type=int, default=RASA_BASE_PORT)
    parser.add_argument("--actions-base-port", type=int, default=ACTIONS_BASE_PORT)
    parser.add_argument("--actions-proxy-port", type=int, default=ACTIONS_PROXY_PORT)
    parser.add_argument("--workdir", default=str(ROOT / "var" / "cluster"))
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--ready-message", help="printed once every process answers for the first time")
    parser.add_argument("--print-nginx-config", action="store_true",
                        help="print the nginx configuration this would run, and stop")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    from bot.supervise import STOPPED, Supervisor, configure_logging

    args = build_parser().parse_args(argv)
    configure_logging()
    if args.print_nginx_config:
        print(render_nginx(Path(args.workdir).resolve() / "nginx", f"{args.listen}:{args.port}",
                           [args.rasa_base_port + i for i in range(args.rasa_servers)],
                           [args.actions_base_port + i for i in range(args.action_servers)],
                           f"{HOST}:{args.actions_proxy_port}"), end="")
        return 0
    try:
        cluster = Cluster(Path(args.workdir), os.environ.get("COACH_DATABASE_URL") or "",
                          os.environ.get("COACH_REDIS_URL") or DEFAULT_REDIS_URL,
                          rasa_servers=args.rasa_servers, action_servers=args.action_servers, port=args.port,
                          model=args.model, listen_host=args.listen,
                          rasa_ports=[args.rasa_base_port + i for i in range(args.rasa_servers)],
                          action_ports=[args.actions_base_port + i for i in range(args.action_servers)],
                          actions_proxy_port=args.actions_proxy_port, worker_processes="auto", quiet=True)
        busy = [p for p in (cluster.port, cluster.actions_proxy_port, *cluster.rasa_ports, *cluster.action_ports)
                if not _port_free(p, HOST if p != cluster.port else cluster._probe_host)]
        if busy:
            raise ClusterError(f"ports already in use: {', '.join(map(str, busy))} (is `make run` or another "
                               "cluster running?); choose others with --port, --rasa-base-port, "
                               "--actions-base-port, --actions-proxy-port")
        cluster.prepare()
    except ClusterError as e:
        print(f"make cluster: {e}", file=sys.stderr)
        return 2
    code = Supervisor(cluster.children(), ready_message=args.ready_message).run()
    print(STOPPED, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
