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
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
