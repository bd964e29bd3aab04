#!/usr/bin/env bash
# Install everything jicai needs on a fresh Debian machine: system packages
# (Chromium and a CJK font for the web tests and PDFs, Java for Spark) and the
# Python packages into ./.venv. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || apt_missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || apt_missing+=(openjdk-17-jre-headless)
# pdftotext / pdftoppm: the report tests read PDFs back and render a page to PNG
command -v pdftotext >/dev/null 2>&1 || apt_missing+=(poppler-utils)
if [ ${#apt_missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing system packages: ${apt_missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${apt_missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
# Install exactly the tested versions (constraints.txt, refreshed by scripts/lock.sh),
# and again only when the dependency list or the lock changed since the last install.
stamp=.venv/.jicai-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  .venv/bin/pip install -q -c constraints.txt -e ".[dev,spark]"
  touch "$stamp"
fi
