"""The shared fixture of the engine tests: a hand-made folder → a warehouse → a monitor run.

``engine.load(tables)`` writes ``tables`` (``builders.base_tables()`` plus the
test's rows, see ``engine_kit.province``) as CSV files into a fresh folder under
``tmp_path``, imports it into a fresh warehouse and returns the warehouse;
``engine.run(warehouse, as_of, rules)`` runs ``run_monitor`` with a profile that
switches on only ``rules`` (rules.md default settings) and returns the alerts
and the progress table as lists of dicts. ``engine.monitor(as_of, rules, **rows)``
does both at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_kit import Engine


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(tmp_path)
