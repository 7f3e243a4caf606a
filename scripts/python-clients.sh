#!/usr/bin/env bash
# Creates the Python clients and reference server that tests and benchmarks use, in a venv at
# ${PYTHON_CLIENTS:-<repo>/.build/python-clients}: pip, uv, twine and pypiserver, at pinned versions.
# Idempotent; when the venv already holds exactly these pins it prints nothing and returns at once.
# Tests find the tools as $PYTHON_CLIENTS/bin/{python,pip,uv,twine,pypi-server}, and twine 6 as
# $PYTHON_CLIENTS/twine6/bin/twine: twine 6.2 and 7 refuse --skip-existing for every repository but pypi.org and
# test.pypi.org before it sends anything, so the 409 → "skipped" path is reachable with twine 6.1 (6.2 added the same refusal).
#
# pypiserver is installed the way its own documentation and official Docker image run it for real use:
#   - extra "cache" (watchdog): the README's "Serving Thousands of Packages" section says that without it
#     every request rescans the package directory (and rehashes files); with it listings and digests are cached;
#   - gunicorn, and gevent for its workers: the official Docker image's server (its docker-requirements.txt:
#     gunicorn "with gevent workers", one worker). It is run as `GUNICORN_CMD_ARGS="..." pypi-server run
#     --server gunicorn ...` (pypiserver hands gunicorn no argv; GUNICORN_CMD_ARGS or a gunicorn.conf.py in the
#     working directory configure it). Benchmarks/pypi.sh uses threaded workers (2 x 4 threads), which served
#     its 1,000-file page about twice as fast as gevent here; gevent stays installed to reproduce the image;
#   - waitress: what `--server auto` (the CLI default) picks first, so a plain `pypi-server run` gets a
#     production-quality server rather than wsgiref (the Docker image installs it as that fallback too);
#     `--server waitress` itself is refused by pypiserver 2.4's CLI, only `auto` reaches it;
#   - extra "passlib": needed for `-P htpasswd` authenticated uploads (twine tests against pypiserver).
# Environment: PYTHON (python3) the interpreter the venv is made from; PYTHON_CLIENTS the venv directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PYTHON_CLIENTS:-$ROOT/.build/python-clients}"
PYTHON="${PYTHON:-python3}"

# Exact versions, checked to install together on Debian 12 / CPython 3.11 (the versions PyPI offered when
# this was written). Bump them here; the venv is updated on the next run.
PIP_VERSION=26.3
UV_VERSION=0.13.9
TWINE6_VERSION=6.1.0
PINS=(
    "twine==7.0.0"
    "pypiserver[cache,passlib]==2.4.2"
    "watchdog==6.0.0"
    "gunicorn==27.0.1"
    "gevent==26.9.0"
    "waitress==3.0.2"
)
STAMP_TEXT="pip==$PIP_VERSION uv==$UV_VERSION ${PINS[*]} twine6==$TWINE6_VERSION"
STAMP="$VENV/.artifactfs-python-clients"

up_to_date() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/uv" ] && [ -x "$VENV/bin/pypi-server" ] && [ -x "$VENV/bin/twine" ] \
        && [ -x "$VENV/twine6/bin/twine" ] && [ -f "$STAMP" ] && [ "$(< "$STAMP")" = "$STAMP_TEXT" ]
}

# Fast path: no interpreter started, nothing printed.
up_to_date && exit 0

mkdir -p "$(dirname "$VENV")"
# Concurrent callers (parallel test runs) wait for one installer instead of racing in the same venv.
exec 9> "$VENV.lock"
flock 9
up_to_date && exit 0

command -v "$PYTHON" >/dev/null 2>&1 || { echo "python-clients: $PYTHON not found (set PYTHON= to a Python 3.8+)" >&2; exit 1; }
echo "python-clients: installing pip $PIP_VERSION, uv $UV_VERSION, ${PINS[*]} into $VENV" >&2
t0=$SECONDS

if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" > "$VENV.venv.log" 2>&1; then
        if ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
            echo "python-clients: '$PYTHON -m venv' failed because this Python has no ensurepip module." >&2
            echo "python-clients: on Debian install python3-venv (apt-get install python3-venv), or use a Python" >&2
            echo "python-clients: that ships ensurepip (pyenv, python.org builds): PYTHON=/path/to/python3 $0" >&2
        else
            echo "python-clients: '$PYTHON -m venv $VENV' failed:" >&2
            cat "$VENV.venv.log" >&2
        fi
        rm -rf "$VENV" "$VENV.venv.log"
        exit 1
    fi
    rm -f "$VENV.venv.log"
fi

rm -f "$STAMP"
# pip first (pypiserver requires a recent one), then uv, which installs the rest much faster than pip would.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "pip==$PIP_VERSION" "uv==$UV_VERSION"
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" "${PINS[@]}"
rm -rf "$VENV/twine6"
"$VENV/bin/python" -m venv --without-pip "$VENV/twine6"
"$VENV/bin/uv" pip install --quiet --python "$VENV/twine6/bin/python" "twine==$TWINE6_VERSION"

for tool in pip uv twine pypi-server gunicorn waitress-serve ../twine6/bin/twine; do
    [ -x "$VENV/bin/$tool" ] || { echo "python-clients: $VENV/bin/$tool missing after the install" >&2; exit 1; }
done
"$VENV/bin/python" -c 'import gevent, watchdog, passlib, pypiserver' \
    || { echo "python-clients: the venv's pypiserver extras do not import" >&2; exit 1; }
printf '%s' "$STAMP_TEXT" > "$STAMP"
echo "python-clients: ready in $((SECONDS - t0)) s" >&2
