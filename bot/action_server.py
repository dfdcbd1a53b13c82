"""The coach's action server: rasa-sdk's app on loopback, answering only calls that carry the secret.

rasa-sdk's own ``rasa run actions`` listens on every interface with no authentication and
believes the sender id it is sent, so anyone who reached its port could read or erase anyone's
data. This runs the same app (``rasa_sdk.endpoint.create_app``) with two differences:

- it binds to ``127.0.0.1`` unless ``--host`` / ``COACH_ACTIONS_HOST`` says otherwise (a cluster
  puts action servers on a private network and still needs the secret);
- ``/webhook`` and ``/actions`` refuse (401) any request without
  ``Authorization: Bearer <secret>``; the secret is ``COACH_ACTION_SECRET`` or the file
  ``var/action_secret`` (made on first run, mode 0600). The Rasa server sends it: see the
  ``headers`` of ``action_endpoint`` in ``endpoints.yml``. ``/health`` stays open (it says nothing).

    python -m bot.action_server [--port 5055] [--host 127.0.0.1]
    python -m bot.action_server --print-secret      # for scripts that start the Rasa server
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import secrets
import sys
from typing import List, Optional

from bot.keyfiles import VAR, secret

SECRET_FILE = VAR / "action_secret"
PROTECTED = ("/webhook", "/actions")
DEFAULT_PORT = 5055
DEFAULT_HOST = "127.0.0.1"

log = logging.getLogger("coach.action_server")


def action_secret() -> str:
    return secret("COACH_ACTION_SECRET", SECRET_FILE, lambda: secrets.token_urlsafe(32))


def authorised(header: Optional[str], secret: str) -> bool:
    expected = f"Bearer {secret}"
    return bool(header) and hmac.compare_digest(header.encode(), expected.encode())


def create_app(secret: str, package: str = "actions"):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    app = sdk_app(package, cors_origins=None)

    @app.on_request
    async def require_secret(request):
        if request.path.rstrip("/") in PROTECTED and not authorised(request.headers.get("authorization"), secret):
            log.warning("event=action_call_refused path=%s", request.path)
            return response.json({"error": "unauthorised"}, status=401)
        return None

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT") or DEFAULT_PORT))
    parser.add_argument("--host", default=os.environ.get("COACH_ACTIONS_HOST") or DEFAULT_HOST)
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--print-secret", action="store_true", help="print the shared secret and exit")
    parser.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    args = parser.parse_args(argv)
    secret = action_secret()
    if args.print_secret:
        print(secret)
        return 0
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from bot import logsafe

    logsafe.install()
    app = create_app(secret, args.actions)
    log.info("event=action_server_starting host=%s port=%d", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
