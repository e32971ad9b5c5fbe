#!/usr/bin/env bash
# Set up a virtual environment with everything the tests need, then run them.
# PostgreSQL tests use RUNSMIG_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
# without a server they skip and say why, unless RUNSMIG_REQUIRE_PG=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# The TypeScript compat tests compile what runsmig writes with tsc: a pinned TypeScript in .venv/tsc
# (skipped, saying why, without npm; RUNSMIG_TSC points at another tsc).
if [ -z "${RUNSMIG_TSC:-}" ] && command -v npm >/dev/null 2>&1; then
  if [ ! -x .venv/tsc/node_modules/.bin/tsc ]; then
    npm install -s --no-audit --no-fund --prefix .venv/tsc typescript@5.8.3 >/dev/null
  fi
  export RUNSMIG_TSC="$PWD/.venv/tsc/node_modules/.bin/tsc"
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
