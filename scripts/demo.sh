#!/usr/bin/env bash
# The main job: generate a synthetic province, import it, monitor it, report.
# Extra arguments go to `jicai demo` (e.g. --serve, --lines 1m, --profile henan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jicai demo "$@"
