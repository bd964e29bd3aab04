"""The warehouse's derived line facts (decision 0012): ``settlements``, worked out by hand.

Each line is PW 10 packs × 10.00 = 100.00 of H1; due = the last day of the month after
the month of receipt (JILIN 第八条). The facts are derived at import, re-derived only when
orders or payments change, and a run over a home without them derives the same inline.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from engine_kit import NO_PROGRESS, Engine, assert_alerts, line, payment, province

from builders import write
from jicai.warehouse.store import Warehouse

M1 = "payment.overdue"


def _orders() -> list[dict[str, object]]:
    return [
        # received 2025-01-31 → due 2025-02-28
        line("Z1", "H1", "PW", "2025-01-20 09:00", 10, received_at="2025-01-31 10:00"),
        # received 2025-02-01 → due 2025-03-31
        line("Z2", "H1", "PW", "2025-01-25 09:00", 10, received_at="2025-02-01 08:00"),
        # never received: no fact
        line("Z3", "H1", "PW", "2025-01-25 09:00", 10),
        # cancelled: no fact
        line("Z4", "H1", "PW", "2025-01-25 09:00", 10, received_at="2025-01-31 10:00",
             status="cancelled"),
    ]


PAYMENTS = [
    payment("Q1a", "Z1", "50.00", "2025-03-05"),   # after the due day
    payment("Q1b", "Z1", "50.00", "2025-06-01"),   # settles Z1, 93 days late
    payment("Q2a", "Z2", "30.00", "2025-03-01"),   # by the due day
    payment("Q2b", "Z2", "70.00", "2025-03-31"),   # on the due day: settled on time
]


def _facts(wh: Warehouse) -> dict[str, dict[str, object]]:
    import pyarrow.parquet as pq

    files = wh.derived_files("settlements")
    assert len(files) == 1
    rows = pq.read_table(files[0]).to_pylist()
    return {str(r["order_line_id"]): r for r in rows}


def test_settlements_by_hand(engine: Engine) -> None:
    wh = engine.load(province(NO_PROGRESS, orders=_orders(), payments=PAYMENTS))
    f = _facts(wh)
    assert sorted(f) == ["Z1", "Z2"]  # Z3 never received, Z4 cancelled
    assert f["Z1"]["due"] == date(2025, 2, 28)
    assert f["Z1"]["paid_by_due"] == Decimal("0")  # both payments after 02-28
    assert f["Z1"]["paid_total"] == Decimal("100")
    assert f["Z1"]["last_paid_at"] == date(2025, 6, 1)
    assert f["Z2"]["due"] == date(2025, 3, 31)
    assert f["Z2"]["paid_by_due"] == Decimal("100")  # 30 + 70, the second on the day
    assert f["Z2"]["last_paid_at"] == date(2025, 3, 31)


def test_m1_on_a_day_before_later_payments(engine: Engine) -> None:
    # The facts know every payment; a run on an earlier day must not.
    wh = engine.load(province(NO_PROGRESS, orders=_orders(), payments=PAYMENTS))
    # as_of 2025-04-01: Z1 due 02-28, 50 paid by now (03-05), not settled → critical,
    # 2025-02-28 → 04-01 = 32 days, unpaid 50.00. Z2 settled on time → none.
    run = engine.run(wh, "2025-04-01", [M1])
    assert_alerts(run.alerts, M1, [("H1", "Z1", "critical", 32.0, 0.0)])
    assert "至今仍欠 50.00 元" in run.alerts[0]["message"]
    # as_of 2025-03-04: nothing paid on Z1 yet → critical, 02-28 → 03-04 = 4 days, 100 owed.
    run = engine.run(wh, "2025-03-04", [M1])
    assert_alerts(run.alerts, M1, [("H1", "Z1", "critical", 4.0, 0.0)])
    assert "至今仍欠 100.00 元" in run.alerts[0]["message"]
    # as_of 2025-07-01: settled 06-01 → warning, 02-28 → 06-01 = 93 days.
    run = engine.run(wh, "2025-07-01", [M1])
    assert_alerts(run.alerts, M1, [("H1", "Z1", "warning", 93.0, 0.0)])


def test_reimport_changes_the_facts_exactly(engine: Engine, tmp_path: Path) -> None:
    wh = engine.load(province(NO_PROGRESS, orders=_orders(), payments=PAYMENTS))
    first = wh.manifest()["derived"]["settlements"]
    # The same rows again in another file: derived again, the same facts.
    wh.import_folder(write({"payments": PAYMENTS[::-1]}, tmp_path / "same"))
    assert _facts(wh)["Z2"]["paid_by_due"] == Decimal("100")
    # A corrected payment replaces its row: Q2b was 60.00, not 70.00 → Z2 short by 10.
    fixed = write({"payments": [payment("Q2b", "Z2", "60.00", "2025-03-31")]},
                  tmp_path / "fixed")
    wh.import_folder(fixed)
    f = _facts(wh)
    assert f["Z2"]["paid_by_due"] == Decimal("90")
    assert f["Z2"]["paid_total"] == Decimal("90")
    run = engine.run(wh, "2025-04-01", [M1])
    assert_alerts(run.alerts, M1, [("H1", "Z1", "critical", 32.0, 0.0),
                                   ("H1", "Z2", "critical", 1.0, 0.0)])
    assert first["version"] == wh.manifest()["derived"]["settlements"]["version"]


def test_an_unrelated_import_links_the_facts(engine: Engine, tmp_path: Path) -> None:
    wh = engine.load(province(NO_PROGRESS, orders=_orders(), payments=PAYMENTS))
    before = wh.derived_files("settlements")[0]
    tables = province(NO_PROGRESS)
    # a changed companies file (a company renamed) is a new import of companies only
    rows = [{**tables["companies"][0], "name": "改名后的企业"}, *tables["companies"][1:]]
    result = wh.import_folder(write({"companies": rows}, tmp_path / "companies"))
    assert result.changed
    after = wh.derived_files("settlements")[0]
    assert after != before
    assert after.stat().st_ino == before.stat().st_ino  # the same file, hard-linked


def test_a_home_without_facts_runs_the_same(engine: Engine) -> None:
    wh = engine.load(province(NO_PROGRESS, orders=_orders(), payments=PAYMENTS))
    expected = engine.run(wh, "2025-04-01", [M1]).alerts
    # As an earlier jicai wrote it: no derived facts in the manifest.
    snap = wh.snapshot_dir
    assert snap is not None
    m = json.loads((snap / "manifest.json").read_text(encoding="utf-8"))
    del m["derived"]
    (snap / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    shutil.rmtree(snap / "derived")
    old = Warehouse(wh.home)
    assert old.derived_files("settlements") == []
    assert engine.run(old, "2025-04-01", [M1]).alerts == expected
