#!/usr/bin/env bash
# Refresh constraints.txt, the lock that scripts/setup.sh installs from.
#
# Installs jicai with every extra into a throwaway venv with nothing pinned, so pip
# picks the newest release inside each range of pyproject.toml, and writes what it got.
# Run it after changing a dependency range, then run `bash scripts/test.sh` (which
# reinstalls from the new lock) before committing both files.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip
"$tmp/venv/bin/pip" install -q -e ".[dev,spark]"
{
  echo "# The versions jicai is tested with; scripts/setup.sh installs exactly these."
  echo "# Made by scripts/lock.sh from the ranges in pyproject.toml; do not edit by hand."
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^jicai[= @]'
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages pinned" >&2
