#!/usr/bin/env bash
# The one test command (README, .ci/run): set up, lint, type-check, run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests
.venv/bin/mypy
# PostgreSQL is on the machine; start it if it was stopped (tests skip without it
# locally, but CI=true makes them fail instead of skipping).
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
exec .venv/bin/python -m pytest "$@"
