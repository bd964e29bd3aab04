"""The workflow, scoping, audit and API tests once more, on PostgreSQL.

Django's test database is chosen when Django starts, so the PostgreSQL pass
runs in a subprocess with ``DATABASE_URL`` set (and the audit triggers on).
Without a server it skips, saying why — except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.pg import require_postgres

ROOT = Path(__file__).resolve().parents[2]
FILES = ["test_filings.py", "test_filings_review.py", "test_tickets.py",
         "test_purchases_agreements.py", "test_alerts.py", "test_audit.py", "test_api.py",
         "test_smoke.py", "postgres_pass_checks.py",
         # the API's bounds and its fuzzing, the CSV exports (NUL and length bounds matter here)
         "test_api_bounds.py", "test_fuzz.py", "test_safe_exports_web.py"]


@pytest.mark.postgres
def test_the_web_suite_on_postgres(tmp_path: Path) -> None:
    url = require_postgres()
    env = {**os.environ, "DATABASE_URL": url, "JICAI_AUDIT_DB_GUARD": "1",
           "JICAI_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         "-m", "not postgres",
         *(f"tests/web/{f}" for f in FILES)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, tail
    assert " passed" in tail and "skipped" not in tail.split("\n")[-1], tail
