"""Build the Microsoft Teams app package: ``dist/coach-teams-app.zip``.

Teams installs a bot from a zip holding ``manifest.json`` and its two icons at the root. The
manifest in ``teams/`` has placeholders; this fills them in from the environment:

``COACH_TEAMS_APP_ID`` (required)
    The bot's Microsoft app id, a GUID: the app id and the bot id of the manifest.
``COACH_TEAMS_APP_DOMAIN`` (optional)
    The host the coach is served from (e.g. ``coach.example.org``): used for the developer links
    and as the only valid domain. Without it the links point at example.org and no domain is listed.

Exit status 2, with a message, when the app id is missing or not a GUID, or the result is not a
complete manifest. Prints the path of the zip on success.

    COACH_TEAMS_APP_ID=... python scripts/teams_package.py [--out dist/coach-teams-app.zip]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ROOT / "teams"
DEFAULT_OUT = ROOT / "dist" / "coach-teams-app.zip"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")
REQUIRED = ("manifestVersion", "version", "id", "developer", "name", "description", "icons", "bots")


class PackageError(Exception):
    """Something that stops the package being built; the message says what to do."""


def settings(env: Mapping[str, str]) -> Dict[str, str]:
    app_id = (env.get("COACH_TEAMS_APP_ID") or "").strip()
    if not app_id:
        raise PackageError("COACH_TEAMS_APP_ID is not set: set it to the bot's Microsoft app id (a GUID)")
    if not GUID.match(app_id):
        raise PackageError(f"COACH_TEAMS_APP_ID is not a GUID: {app_id!r}")
    domain = (env.get("COACH_TEAMS_APP_DOMAIN") or "").strip().lower()
    if domain and not DOMAIN.match(domain):
        raise PackageError(f"COACH_TEAMS_APP_DOMAIN is not a host name: {domain!r}")
    return {"app_id": app_id.lower(), "domain": domain}


def fill(template: str, app_id: str, domain: str) -> Dict[str, Any]:
    """The manifest with the placeholders filled in (an empty domain list when no domain is given)."""
    text = template.replace("{{COACH_TEAMS_APP_ID}}", app_id).replace("{{COACH_TEAMS_APP_DOMAIN}}",
                                                                      domain or "example.org")
    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise PackageError(f"teams/manifest.json is not valid JSON: {error}") from None
    if not domain:
        manifest["validDomains"] = []
    return manifest


def problems(manifest: Any, app_id: str) -> List[str]:
    """What is missing or wrong in a filled-in manifest (empty when it is complete)."""
    if not isinstance(manifest, dict):
        return ["the manifest is not a JSON object"]
    found = [f"missing field {name}" for name in REQUIRED if not manifest.get(name)]
    if "{{" in json.dumps(manifest):
        found.append("a placeholder was left unfilled")
    if manifest.get("id") != app_id:
        found.append("the app id is not COACH_TEAMS_APP_ID")
    bots = manifest.get("bots") if isinstance(manifest.get("bots"), list) else []
    if not bots or bots[0].get("botId") != app_id:
        found.append("the bot id is not COACH_TEAMS_APP_ID")
    elif set(bots[0].get("scopes", [])) != {"personal", "team", "groupChat"}:
        found.append("the bot scopes must be personal, team and groupChat")
    icons = manifest.get("icons") if isinstance(manifest.get("icons"), dict) else {}
    if (icons.get("color"), icons.get("outline")) != ICONS:
        found.append("the icons must be color.png and outline.png")
    return found


def build(env: Mapping[str, str], out: Path = DEFAULT_OUT, source: Path = TEAMS) -> Path:
    s = settings(env)
    manifest = fill((source / "manifest.json").read_text(encoding="utf-8"), s["app_id"], s["domain"])
    found = problems(manifest, s["app_id"])
    if found:
        raise PackageError("the manifest is incomplete: " + "; ".join(found))
    for icon in ICONS:
        if not (source / icon).is_file():
            raise PackageError(f"teams/{icon} is missing: run scripts/make_teams_icons.py")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for icon in ICONS:
            z.write(source / icon, icon)
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Teams app package.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the zip")
    args = parser.parse_args(argv)
    try:
        path = build(os.environ, args.out)
    except PackageError as error:
        print(f"teams-package: {error}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
