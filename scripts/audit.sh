#!/usr/bin/env bash
# `make audit`: check the installed, pinned dependencies (.venv) for known vulnerabilities.
#
# pip-audit runs from its own virtual environment (var/audit-venv), so its dependencies never
# mix with Rasa's pins; it audits .venv's site-packages with --path, i.e. exactly what
# `make setup` installed from requirements.txt + constraints.txt (plus pip, setuptools, wheel).
#
# Writes results/audit.json (pip-audit's JSON, with descriptions and aliases) and
# results/audit.md (a table: package, version, vulnerability, fixed in, "reaches the product?",
# the last copied from the known-issues table in SECURITY.md where an advisory is assessed there).
#
# Exit status: 0 whenever the audit ran, even with findings (they are documented in
# SECURITY.md, not a build failure), and 0 when it could not run for want of a network
# (no package index to install pip-audit from, no vulnerability service): it says so.
# Non-zero only for a real error in this script or in pip-audit.
#
# Settings (environment):
#   AUDIT_SERVICE       pypi | osv | auto (default: auto, the first of PyPI and OSV that answers)
#   AUDIT_TIMEOUT       seconds per request (default 15)
#   AUDIT_OSV_URL       an OSV query endpoint, e.g. an internal mirror (default https://api.osv.dev/v1/query)
#   PIP_AUDIT_VERSION   pip-audit version to install (default below)
set -euo pipefail
cd "$(dirname "$0")/.."

# 2.10.1 installs on Python 3.10 (it needs >= 3.10) and supports --path.
PIP_AUDIT_VERSION="${PIP_AUDIT_VERSION:-2.10.1}"
SERVICE="${AUDIT_SERVICE:-auto}"
TIMEOUT="${AUDIT_TIMEOUT:-15}"
OSV_URL="${AUDIT_OSV_URL:-https://api.osv.dev/v1/query}"
VENV_PY=.venv/bin/python
AUDIT_VENV=var/audit-venv
AUDIT_PY="$AUDIT_VENV/bin/python"
OUT_JSON=results/audit.json
OUT_MD=results/audit.md
NOT_REACHABLE="pip-audit: vulnerability database not reachable; nothing checked"

case "$SERVICE" in pypi|osv|auto) ;; *) echo "error: AUDIT_SERVICE must be pypi, osv or auto, not '$SERVICE'" >&2; exit 2 ;; esac
if [ ! -x "$VENV_PY" ]; then
    echo "error: $VENV_PY not found: run 'make setup' first (or 'make audit', which does)" >&2
    exit 1
fi
mkdir -p results var
export PIP_DISABLE_PIP_VERSION_CHECK=1

# A short report for the runs that checked nothing, so an old audit.md is never taken for today's.
write_not_checked() {  # $1: why
    {
        echo "# Dependency audit"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'): **nothing checked.** $1"
        echo
        echo "Run \`make audit\` again on a machine that reaches PyPI's JSON API (https://pypi.org/pypi/...)"
        echo "or OSV ($OSV_URL). The last assessed findings are in SECURITY.md, \"Dependencies\"."
    } > "$OUT_MD"
}

# --- 1. pip-audit in its own virtual environment, on the same Python as .venv ---------------
venv_version="$("$VENV_PY" -c 'import sys; print(sys.version.split()[0])')"
if [ -x "$AUDIT_PY" ] && [ "$("$AUDIT_PY" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || true)" != "$venv_version" ]; then
    echo "==> $AUDIT_VENV was made with another Python; making it again"
    rm -rf "$AUDIT_VENV"
fi
if [ ! -x "$AUDIT_PY" ]; then
    echo "==> creating $AUDIT_VENV (Python $venv_version, separate from .venv)"
    if ! "$VENV_PY" -m venv "$AUDIT_VENV"; then
        rm -rf "$AUDIT_VENV"
        echo "error: could not create $AUDIT_VENV" >&2
        exit 1
    fi
fi
installed="$("$AUDIT_VENV/bin/pip-audit" --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$installed" != "$PIP_AUDIT_VERSION" ]; then
    echo "==> installing pip-audit $PIP_AUDIT_VERSION into $AUDIT_VENV"
    if ! "$AUDIT_PY" -m pip install --quiet --progress-bar off "pip-audit==$PIP_AUDIT_VERSION" \
            > "$AUDIT_VENV/install.log" 2>&1; then
        grep -iE "error|could not|no matching" "$AUDIT_VENV/install.log" | tail -n 3 >&2 || true
        echo "pip-audit: could not be installed (no package index reachable?); nothing checked"
        write_not_checked "pip-audit $PIP_AUDIT_VERSION could not be installed (no package index reachable?); see $AUDIT_VENV/install.log."
        rm -f "$OUT_JSON"
        exit 0
    fi
fi

# --- 2. Which vulnerability service answers? -------------------------------------------------
# pip-audit reports a package it cannot look up as "skipped" and still says "No known
# vulnerabilities found", so ask the service about one package we know exists first.
probe() {  # $1: pypi | osv; prints nothing, exit status 0 when the service answers properly
    "$AUDIT_PY" - "$1" "$PIP_AUDIT_VERSION" "$TIMEOUT" "$OSV_URL" <<'PY'
import sys
import requests

service, version, timeout, osv_url = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
try:
    if service == "pypi":
        r = requests.get(f"https://pypi.org/pypi/pip-audit/{version}/json", timeout=timeout)
    else:
        r = requests.post(osv_url, timeout=timeout,
                          json={"package": {"name": "pip-audit", "ecosystem": "PyPI"}, "version": version})
    ok = r.status_code == 200 and isinstance(r.json(), dict)
    if ok and service == "pypi":
        ok = "vulnerabilities" in r.json()
    if not ok:
        print(f"  {service}: HTTP {r.status_code} from {r.url}", file=sys.stderr)
    sys.exit(0 if ok else 1)
except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
    print(f"  {service}: {type(error).__name__}: {str(error)[:160]}", file=sys.stderr)
    sys.exit(1)
PY
}
if [ "$SERVICE" = auto ]; then candidates=(pypi osv); else candidates=("$SERVICE"); fi
chosen=""
for s in "${candidates[@]}"; do
    if probe "$s"; then chosen="$s"; break; fi
done
if [ -z "$chosen" ]; then
    echo "$NOT_REACHABLE"
    write_not_checked "No vulnerability service answered (tried: ${candidates[*]})."
    rm -f "$OUT_JSON"
    exit 0
fi

# --- 3. The audit -----------------------------------------------------------------------------
site_packages="$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "==> pip-audit $PIP_AUDIT_VERSION ($chosen) on $site_packages"
tmp_json="$(mktemp results/.audit.XXXXXX.json)"
log="$AUDIT_VENV/last-run.log"
trap 'rm -f "$tmp_json"' EXIT
rc=0
"$AUDIT_VENV/bin/pip-audit" --path "$site_packages" --vulnerability-service "$chosen" --osv-url "$OSV_URL" \
    --format json --desc on --aliases on --progress-spinner off --timeout "$TIMEOUT" \
    --cache-dir "$AUDIT_VENV/cache" --output "$tmp_json" 2> "$log" || rc=$?

# pip-audit exits 1 both for "vulnerabilities found" and for errors: tell them apart by its output.
if ! "$AUDIT_PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp_json" 2>/dev/null; then
    if grep -qE "ConnectionError|ProxyError|SSLError|Timeout|NameResolution|Max retries|Temporary failure|ServiceError|Connection refused" "$log"; then
        echo "$NOT_REACHABLE"
        echo "  ($(grep -E "Error|Timeout" "$log" | tail -n 1 | cut -c1-200))" >&2
        write_not_checked "The vulnerability service ($chosen) stopped answering during the run; see $log."
        rm -f "$OUT_JSON"
        exit 0
    fi
    echo "error: pip-audit failed (exit $rc); the end of its output ($log):" >&2
    tail -n 15 "$log" >&2
    exit 1
fi
mv "$tmp_json" "$OUT_JSON"

# --- 4. The readable report -------------------------------------------------------------------
summary="$("$AUDIT_PY" - "$OUT_JSON" "$OUT_MD" "$chosen" "$PIP_AUDIT_VERSION" "$venv_version" "$site_packages" <<'PY'
import datetime
import json
import re
import sys
from pathlib import Path

src, out, service, tool_version, py_version, site = sys.argv[1:7]
deps = json.loads(Path(src).read_text())["dependencies"]
skipped = [d for d in deps if d.get("skip_reason")]
checked = [d for d in deps if not d.get("skip_reason")]
findings = [(d, v) for d in checked for v in d.get("vulns", [])]
vulnerable = {d["name"] for d, _ in findings}

# "Reaches the product?" comes from SECURITY.md's known-issues table: the row that names the
# advisory (or one of its aliases), the column headed "Reaches the product?".
verdicts = {}
security = Path("SECURITY.md")
if security.exists():
    column = None
    for line in security.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            column = None  # a table ends at the first line that is not a row
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column is None:
            heads = [c.lower() for c in cells]
            column = next((i for i, h in enumerate(heads) if h.startswith("reaches")), None)
            continue
        if column < len(cells):
            for advisory in re.findall(r"\b(?:GHSA(?:-[0-9a-z]{4}){3}|PYSEC-\d{4}-\d+|CVE-\d{4}-\d+)\b", line):
                verdicts.setdefault(advisory, cells[column])


def verdict(v):
    for advisory in [v["id"], *v.get("aliases", [])]:
        if advisory in verdicts:
            return verdicts[advisory]
    return "not yet assessed: add it to SECURITY.md"


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
lines = [
    "# Dependency audit",
    "",
    f"{now}, pip-audit {tool_version} against {'PyPI' if service == 'pypi' else 'OSV'}, "
    f"on `.venv` (Python {py_version}): `{site}`.",
    "",
    f"- packages installed: **{len(deps)}**; checked: **{len(checked)}**; could not be checked: **{len(skipped)}**",
    f"- known vulnerabilities: **{len(findings)}** in **{len(vulnerable)}** package(s)",
    "",
]
if findings:
    lines += [
        "| package | version | vulnerability | also known as | fixed in | reaches the product? |",
        "|---|---|---|---|---|---|",
    ]
    for d, v in sorted(findings, key=lambda f: (f[0]["name"].lower(), f[1]["id"])):
        lines.append(f"| {d['name']} | {d['version']} | {v['id']} | {cell(', '.join(v.get('aliases', [])))} | "
                     f"{cell(', '.join(v.get('fix_versions', [])) or 'no fix released')} | {cell(verdict(v))} |")
    lines += ["", "## What each one is about", ""]
    for d, v in sorted(findings, key=lambda f: (f[0]["name"].lower(), f[1]["id"])):
        description = " ".join((v.get("description") or "no description").split())
        if len(description) > 600:
            description = description[:600].rsplit(" ", 1)[0] + " ..."
        lines += [f"- **{d['name']} {d['version']}, {v['id']}**: {description}", ""]
else:
    lines += ["No known vulnerabilities in the packages that could be checked.", ""]
if skipped:
    lines += ["## Not checked", ""] + [f"- {d['name']}: {d['skip_reason']}" for d in skipped] + [""]
lines += ["The assessment of each finding (does it reach the product, and why) is in SECURITY.md, \"Dependencies\"."]
Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(deps)} {len(checked)} {len(skipped)} {len(findings)} {len(vulnerable)}")
PY
)"
read -r total checked skipped found vulnerable <<< "$summary"

if [ "$checked" -eq 0 ]; then
    # Every lookup failed (a package mirror that does not serve the JSON API answers 404 to all).
    echo "$NOT_REACHABLE ($skipped packages could not be looked up; see $OUT_MD)"
    exit 0
fi
not_checked=""
if [ "$skipped" -gt 0 ]; then not_checked="; $skipped could not be checked"; fi
echo "pip-audit: $checked of $total packages checked; $found known vulnerabilities in $vulnerable package(s)$not_checked"
echo "report: $OUT_MD (JSON: $OUT_JSON); assessment: SECURITY.md, \"Dependencies\""
exit 0
