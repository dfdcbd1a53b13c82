#!/usr/bin/env bash
# Build the chat page's vendor files into web/vendor/ (served at /chat/vendor/<file>).
#
#   - installs web/node_modules with `npm ci` when it is missing or older than web/package-lock.json
#     (the only step that needs the network; later runs work offline);
#   - compiles the NHS.UK frontend styles to web/vendor/nhsuk.css with its Frutiger @font-face
#     turned off ($nhsuk-include-default-font-face: false), so the page loads no web fonts from
#     assets.nhs.uk (the page uses Arial, see web/public/chat.css), and checks that no @font-face,
#     assets.nhs.uk or absolute url() is left;
#   - copies the icons that CSS refers to, and socket.io-client's dist/socket.io.min.js.
#
# Idempotent: run it as often as you like. Exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")/.."

WEB=web
VENDOR="$WEB/vendor"
LOCK="$WEB/package-lock.json"
STAMP="$WEB/node_modules/.package-lock.json"   # written by npm at every install

say() { echo "==> build_web: $*"; }
die() { echo "build_web: error: $*" >&2; exit 1; }
trap 'echo "build_web: failed (see the messages above)" >&2' ERR

command -v node >/dev/null 2>&1 || die "node is not installed. Install Node.js 20 and npm (e.g. apt-get install -y nodejs npm), then run this again."
command -v npm >/dev/null 2>&1 || die "npm is not installed. Install it (e.g. apt-get install -y npm), then run this again."
[ -f "$WEB/package.json" ] || die "$WEB/package.json is missing."
[ -f "$LOCK" ] || die "$LOCK is missing: run 'npm install' in $WEB/ once and commit the lock file."

# ---------------------------------------------------------------- 1. node_modules
if [ ! -f "$STAMP" ] || [ "$LOCK" -nt "$STAMP" ]; then
    say "installing the page's npm packages in $WEB/ (npm ci; needs the npm registry)"
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error) \
        || die "npm ci failed in $WEB/ (is the npm registry reachable?)"
    touch "$STAMP"
else
    say "$WEB/node_modules is up to date with $LOCK (no network needed)"
fi

NM="$WEB/node_modules"
NHSUK_VERSION="$(node -p "require('./$NM/nhsuk-frontend/package.json').version")"
SIO_VERSION="$(node -p "require('./$NM/socket.io-client/package.json').version")"
SASS="$NM/.bin/sass"
[ -x "$SASS" ] || die "$SASS is missing: delete $NM and run this again."

# ---------------------------------------------------------------- 2. vendor files, built aside
TMP="$(mktemp -d "$WEB/.vendor.XXXXXX")"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

say "compiling nhsuk-frontend $NHSUK_VERSION styles without web fonts -> $VENDOR/nhsuk.css"
# Image urls are relative to the stylesheet: the server serves web/vendor/<file> flat, at
# /chat/vendor/<file>, so the icons sit next to nhsuk.css.
"$SASS" --stdin --load-path="$NM" --no-source-map --style=compressed --quiet-deps > "$TMP/nhsuk.css" <<'SCSS' \
    || die "sass could not compile nhsuk-frontend"
@use "nhsuk-frontend/dist/nhsuk" with (
  $nhsuk-include-default-font-face: false,
  $nhsuk-images-path: ""
);
SCSS

say "checking nhsuk.css loads nothing from elsewhere"
if grep -q "@font-face" "$TMP/nhsuk.css"; then die "nhsuk.css still has an @font-face rule"; fi
if grep -qi "assets\.nhs\.uk" "$TMP/nhsuk.css"; then die "nhsuk.css still refers to assets.nhs.uk"; fi
if grep -Eqi "url\(['\"]?(https?:)?//" "$TMP/nhsuk.css"; then die "nhsuk.css has an absolute url()"; fi
if grep -Eqi "@import" "$TMP/nhsuk.css"; then die "nhsuk.css has an @import"; fi

say "copying the icons nhsuk.css uses"
IMAGES="$NM/nhsuk-frontend/dist/nhsuk/assets/images"
for file in $(grep -oE "url\([\"']?[^\"')]+" "$TMP/nhsuk.css" | sed -E "s/^url\([\"']?//" | grep -v "^data:" | sort -u); do
    case "$file" in
        */* | .*) die "nhsuk.css refers to $file, which is not a plain file name" ;;
    esac
    [ -f "$IMAGES/$file" ] || die "nhsuk.css refers to $file, which nhsuk-frontend does not ship"
    cp "$IMAGES/$file" "$TMP/$file"
    echo "    $file"
done

say "copying socket.io-client $SIO_VERSION -> $VENDOR/socket.io.min.js"
cp "$NM/socket.io-client/dist/socket.io.min.js" "$TMP/socket.io.min.js"

cat > "$TMP/VERSIONS.txt" <<EOF
Built by scripts/build_web.sh; do not edit (the folder is rebuilt every run).
nhsuk-frontend $NHSUK_VERSION (MIT licence): nhsuk.css (compiled without @font-face) and its icons
socket.io-client $SIO_VERSION (MIT licence): socket.io.min.js
EOF

# ---------------------------------------------------------------- 3. swap in
say "writing $VENDOR/"
rm -rf "$VENDOR.old"
if [ -d "$VENDOR" ]; then mv "$VENDOR" "$VENDOR.old"; fi
mv "$TMP" "$VENDOR"
chmod 755 "$VENDOR"
rm -rf "$VENDOR.old"
trap - EXIT

ls -l "$VENDOR" | tail -n +2 | awk '{printf "    %-40s %8d bytes\n", $NF, $5}'
say "done"
