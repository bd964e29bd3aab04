"""The background-job tests once more, on PostgreSQL: the unique slot that refuses a
second run, and django-tasks-db's worker (``SELECT … FOR UPDATE SKIP LOCKED``) there.

As in ``test_postgres.py``: a subprocess with ``DATABASE_URL`` set; skips without a
server, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.pg import require_postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_job_tests_on_postgres(tmp_path: Path) -> None:
    url = require_postgres()
    env = {**os.environ, "DATABASE_URL": url, "JICAI_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         "-m", "not postgres", "tests/web/test_jobs.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, tail
    assert "5 passed" in tail, tail
