#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what to install.
# Order: $PYTHON, python3.10 on PATH, pyenv's newest 3.10.x.
set -u

is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
    if is310 "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
    echo "error: \$PYTHON=$PYTHON is not a working Python 3.10 interpreter." >&2
    exit 1
fi
if command -v python3.10 >/dev/null 2>&1 && is310 python3.10; then
    command -v python3.10; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
        candidate="$(pyenv prefix "$v" 2>/dev/null)/bin/python3.10"
        if is310 "$candidate"; then echo "$candidate"; exit 0; fi
    done
fi
cat >&2 <<'MSG'
error: Python 3.10 is needed (Rasa 3.6 supports Python 3.8 to 3.10 only; on 3.11 pip
quietly installs an ancient Rasa instead). None was found.
Install one, for example:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv
  - pyenv:          pyenv install 3.10
then run the command again, or point PYTHON at it:  PYTHON=/path/to/python3.10 make run
MSG
exit 1
