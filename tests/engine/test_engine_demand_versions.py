"""Filings in force at as_of (decision 0008): the platform's ``demand_filings`` and jicai's
``demand_filing_versions`` (the web app's approved filings), the latest by ``filed_at`` per
(batch, cycle, institution, variety). Worked out by hand from rules.md D1 D2 D3 N1 and
"records dated after as_of by their own date are ignored".

History 2024 (historical_volumes): H2/V1 500; H1/V1 1000 + member H3/V1 200 → unit H1 1200.
"""

from __future__ import annotations

from typing import Any

import pytest
from engine_kit import NO_PROGRESS, assert_alerts, demand, history, line, province

from jicai.errors import ContractError

D1 = "demand.below_history"
D2 = "demand.missing"
D3 = "demand.actual_deviates"
N1 = "purchase.nonwinning_only"
BY_VARIETY = ("institution_code", "variety_code", "severity")
HISTORY = [history("H2", "V1", 2024, 500), history("H1", "V1", 2024, 1000),
           history("H3", "V1", 2024, 200)]


def version(version_id: str, inst: str, variety: str, units: int, filed_at: str,
            explanation: str | None = None, batch: str = "B1") -> dict[str, Any]:
    return {"version_id": version_id, **demand(batch, inst, variety, units, filed_at,
                                               explanation)}


# H2/V1: the platform's filing of 2025-02-01 (400, no explanation), then the web app's
# version approved 2025-03-10 10:00 (450, explained).
# H1/V1: a web version only (1300 ≥ 1200), approved 2025-03-10 10:00.
VERSIONS = [version("WEB-F7-V1", "H2", "V1", 450, "2025-03-10 10:00", "门诊量下降"),
            version("WEB-F8-V1", "H1", "V1", 1300, "2025-03-10 10:00")]
PLATFORM = [demand("B1", "H2", "V1", 400, "2025-02-01 10:00")]


def test_before_the_web_approval_the_platform_filing_is_in_force(engine):
    # as_of 2025-02-15: H2/V1 in force = platform 400 → D1 400/500 = 0.8 < 1.0, no
    # explanation → warning; H2 filed → no D2. H1/V1: its only filing is approved later →
    # D2 for unit H1 with 1200 (H3's history counts for its lead).
    wh = engine.load(province(NO_PROGRESS, historical_volumes=HISTORY, demand_filings=PLATFORM,
                              demand_filing_versions=VERSIONS))
    run = engine.run(wh, "2025-02-15", {D1: {"ratio": 1.0}, D2: {}})
    assert_alerts(run.alerts, D1, [("H2", "V1", "warning", 0.8, 1.0)], key=BY_VARIETY)
    assert_alerts(run.alerts, D2, [("H1", "V1", "warning", 1200.0, 0.0)], key=BY_VARIETY)
    d1 = run.of(D1)[0]
    assert "报送需求量 400" in d1["message"] and "未作情况说明" in d1["message"]


def test_after_the_web_approval_the_version_is_in_force(engine):
    # as_of 2025-03-31: H2/V1 in force = web 450 → 450/500 = 0.9, explained → info;
    # H1/V1 1300/1200 ≥ 1.0 → no D1, and filed → no D2 (nor for member H3).
    # The last minute before the approval (2025-03-09) still sees the platform's 400.
    wh = engine.load(province(NO_PROGRESS, historical_volumes=HISTORY, demand_filings=PLATFORM,
                              demand_filing_versions=VERSIONS))
    run = engine.run(wh, "2025-03-31", {D1: {"ratio": 1.0}, D2: {}})
    assert_alerts(run.alerts, D1, [("H2", "V1", "info", 0.9, 1.0)], key=BY_VARIETY)
    assert run.of(D2) == []
    assert "报送需求量 450" in run.of(D1)[0]["message"]
    day_before = engine.run(wh, "2025-03-09", {D1: {"ratio": 1.0}})
    assert_alerts(day_before.alerts, D1, [("H2", "V1", "warning", 0.8, 1.0)], key=BY_VARIETY)


def test_a_later_platform_filing_supersedes_an_earlier_web_version(engine):
    # The platform re-exports H2/V1 with 300 filed 2025-04-01, after the web version of
    # 2025-03-10 (450): at 2025-04-30 the platform's 300 is in force → 0.6, warning.
    wh = engine.load(province(NO_PROGRESS, historical_volumes=HISTORY,
                              demand_filings=[demand("B1", "H2", "V1", 300, "2025-04-01 09:00")],
                              demand_filing_versions=VERSIONS[:1]))
    run = engine.run(wh, "2025-04-30", {D1: {"ratio": 1.0}})
    assert_alerts(run.alerts, D1, [("H2", "V1", "warning", 0.6, 1.0)], key=BY_VARIETY)


def test_d3_sets_purchases_beside_the_version_in_force_and_a_v1_folder_runs_as_before(engine):
    # B1 ended 2025-12-31; as_of 2026-01-15. H2 bought PW 100 packs × 10 = 1000 units in
    # the window. With the version in force (450, later 1000 by a second approval of
    # 2025-06-01): 1000/1000 = 1.0 → no D3. Without the versions table (a v1 folder), the
    # platform's 400: 1000/400 = 2.5 > 1.2 → D3 with value 2.5, threshold 1.2.
    orders = [line("D3-1", "H2", "PW", "2025-05-01 09:00", 60),
              line("D3-2", "H2", "PW", "2025-08-01 09:00", 40)]
    later = version("WEB-F9-V1", "H2", "V1", 1000, "2025-06-01 10:00")
    with_versions = engine.load(province(NO_PROGRESS, demand_filings=PLATFORM, orders=orders,
                                         demand_filing_versions=[VERSIONS[0], later]))
    run = engine.run(with_versions, "2026-01-15", {D3: {"deviation": 0.2}})
    assert [a for a in run.of(D3) if a["institution_code"] == "H2"] == []
    v1 = engine.load(province(NO_PROGRESS, demand_filings=PLATFORM, orders=orders))
    run = engine.run(v1, "2026-01-15", {D3: {"deviation": 0.2}})
    assert_alerts(run.alerts, D3, [("H2", "V1", "info", 2.5, 1.2)], key=BY_VARIETY)


def test_n1_counts_a_filing_only_once_it_is_in_force(engine):
    # H2 buys only the non-winning PN in B1's window at 15.00 a pack of 10 (1.50 a unit >
    # PW's 1.00): 20 packs = 200 units. Its only filing is a web version of 300 approved
    # 2025-05-20, and the home has no platform demand_filings at all (every filing is the
    # web app's): the rules that need filings still run. as_of 2025-05-10: no filing in
    # force → N1 with 200; as_of 2025-05-31: a filing of 300 > 0 in force → no N1.
    wh = engine.load(province(NO_PROGRESS, orders=[
        line("N1-1", "H2", "PN", "2025-04-01 09:00", 20, "15.00")],
        demand_filing_versions=[version("WEB-F3-V1", "H2", "V1", 300, "2025-05-20 10:00")]))
    assert "demand_filings" not in wh.tables()
    before = engine.run(wh, "2025-05-10", [N1])
    assert before.status(N1) == "ran"
    assert_alerts(before.alerts, N1, [("H2", "V1", "critical", 200.0, 0.0)], key=BY_VARIETY)
    after = engine.run(wh, "2025-05-31", [N1])
    assert after.of(N1) == []


def test_the_platform_keeps_one_filing_per_key_and_versions_one_per_key_and_time(engine):
    # A platform file with two rows for one (batch, cycle, institution, variety) is still
    # refused, however different their filed_at; versions may repeat the key at another
    # filed_at, never at the same one.
    twice = [demand("B1", "H2", "V1", 400, "2025-02-01 10:00"),
             demand("B1", "H2", "V1", 450, "2025-03-10 10:00")]
    with pytest.raises(ContractError) as err:
        engine.load(province(NO_PROGRESS, demand_filings=twice))
    assert {p.file for p in err.value.problems} == {"demand_filings.csv"}
    same_time = [version("WEB-F1-V1", "H2", "V1", 400, "2025-03-10 10:00"),
                 version("WEB-F2-V1", "H2", "V1", 450, "2025-03-10 10:00")]
    with pytest.raises(ContractError) as err:
        engine.load(province(NO_PROGRESS, demand_filing_versions=same_time))
    assert {p.file for p in err.value.problems} == {"demand_filing_versions.csv"}
    wh = engine.load(province(NO_PROGRESS, demand_filing_versions=[
        *VERSIONS, version("WEB-F9-V1", "H2", "V1", 460, "2025-04-01 10:00")]))
    assert wh.read("demand_filing_versions").num_rows == 3
