"""The case tests once more, on PostgreSQL: grouping, lines, carry-over, scoping, paging,
bulk handling and the delayed lists published into a real server.

Django's test database is chosen when Django starts, so the pass runs in a subprocess
with ``DATABASE_URL`` set. Without a server it skips, saying why — except in CI
(``CI=true``), where it fails.
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
def test_cases_on_postgres(tmp_path: Path) -> None:
    url = require_postgres()
    env = {**os.environ, "DATABASE_URL": url, "JICAI_AUDIT_DB_GUARD": "1",
           "JICAI_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         "-m", "not postgres", "tests/web/test_cases.py", "tests/web/test_lists.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
    assert result.returncode == 0, tail
    assert " passed" in tail and "skipped" not in tail.split("\n")[-1], tail
