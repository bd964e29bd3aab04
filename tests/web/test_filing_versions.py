"""Web filings are versions beside the platform's (issue 9 item 3, decision 0008).

The defect: publishing overwrote the platform's demand_filings of the same keys with the
web filing (dated at its submission), so a re-run at an earlier as-of date found no
filing and raised a false 有历史采购量但未报量 (D2) for a line filed and approved at three
levels. Now the web filing is a version in force from its final approval; the platform's
row stays, and the monitor reads, for each as-of date, the filing in force then.

The test province: H_A bought 1000 units of V1 in 2024; DRUG1 (cycle 1) starts 2025-03-01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from django.test import Client

from jicai.warehouse.store import Warehouse
from jicai.web import clock
from jicai.web.audit.record import Actor
from jicai.web.filings import review
from jicai.web.filings.models import DemandFiling
from jicai.web.monitoring.runs import start_run
from tests.web.records import build_records
from tests.web.warehouse_data import world_tables
from tests.web.world import World

PROFILE = "national"  # D1 with ratio 1.0, and D2
D1, D2 = "demand.below_history", "demand.missing"
PLATFORM_FILED = dt.datetime(2025, 2, 1, 9)


@pytest.fixture
def home(world: World, settings, tmp_path: Path) -> Path:
    """The test province in a warehouse, with the platform's filings of DRUG1 for H_A
    (V1 900, V2 40), filed 2025-02-01."""
    settings.HOME = tmp_path
    tables = world_tables()
    tables["demand_filings"] = pa.table({
        "batch_code": ["DRUG1", "DRUG1"], "cycle_no": [1, 1],
        "institution_code": ["H_A", "H_A"], "variety_code": ["V1", "V2"],
        "reported_units": [900, 40], "filed_at": [PLATFORM_FILED] * 2,
        "explanation": [None, None]})
    Warehouse(tmp_path).import_tables(tables, source="test", user="test")
    return tmp_path


def _approved(world: World) -> DemandFiling:
    """H_A's web filing (1200 of V1 and of V2), approved by county, city and province."""
    filing = build_records(world).filing
    for who in ("county_a", "city", "province"):
        review.approve(Actor(world.users[who]), filing)
    filing.refresh_from_db()
    assert filing.approved_at is not None
    return filing


def test_publishing_twice_stores_each_version_once_beside_the_platform_rows(
        world: World, home: Path, as_: Callable[[str], Client]) -> None:
    filing = _approved(world)
    for _ in range(2):
        r = as_("province").post("/monitoring/publish/")
        assert r.status_code == 302, r.content[:500]
    w = Warehouse(home)
    versions = sorted(w.read("demand_filing_versions").to_pylist(),
                      key=lambda v: v["variety_code"])
    approved = clock.naive_beijing(filing.approved_at)
    assert versions == [
        {"version_id": f"WEB-F{filing.pk}-V1", "batch_code": "DRUG1", "cycle_no": 1,
         "institution_code": "H_A", "variety_code": "V1", "reported_units": 1200,
         "filed_at": approved, "explanation": None},
        {"version_id": f"WEB-F{filing.pk}-V2", "batch_code": "DRUG1", "cycle_no": 1,
         "institution_code": "H_A", "variety_code": "V2", "reported_units": 1200,
         "filed_at": approved, "explanation": None}]
    platform = sorted((r["variety_code"], r["reported_units"], r["filed_at"])
                      for r in w.read("demand_filings").to_pylist())
    assert platform == [("V1", 900, PLATFORM_FILED), ("V2", 40, PLATFORM_FILED)]


def test_a_rerun_at_an_earlier_as_of_sees_the_filing_in_force_then(
        world: World, home: Path, as_: Callable[[str], Client], at) -> None:  # type: ignore[no-untyped-def]
    at("2025-12-01 10:00")  # the filing is approved today, after 2025-09-30
    _approved(world)
    assert as_("province").post("/monitoring/publish/").status_code == 302
    province = Actor(world.users["province"])
    # Today (after the approval): the web version (1200 ≥ 1000) is in force → no D1, no D2.
    now = start_run(province, clock.today(), PROFILE)
    assert now.status == "succeeded", now.message
    assert not now.alerts.filter(rule_id__in=[D1, D2], institution_id="H_A").exists()
    # 2025-09-30, before the approval: the platform's 900 is in force → no D2 (the
    # defect), and D1 with 900 / 1000 = 0.9 < 1.0 for V1 (V2 has no history).
    earlier = start_run(province, dt.date(2025, 9, 30), PROFILE)
    assert earlier.status == "succeeded", earlier.message
    assert not earlier.alerts.filter(rule_id=D2, institution_id="H_A").exists()
    d1 = list(earlier.alerts.filter(rule_id=D1, institution_id="H_A")
              .values_list("variety_code", "value"))
    assert d1 == [("V1", pytest.approx(0.9))]
    # D2 did run (its silence is an outcome, not a skipped rule)
    assert next(r for r in earlier.rules if r["rule_id"] == D2)["status"] == "ran"
