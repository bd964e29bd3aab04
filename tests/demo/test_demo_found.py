"""The monitor finds exactly the lapses the demo province plants, under every profile.

One test per (profile, rule the profile switches on): the alerts the monitor raises
are exactly the cases the demo summary lists (by the alert columns a case is keyed
by), with the same values. A rule not registered, or not evaluable, is skipped and
says why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jicai.demo.generate import generate
from jicai.demo.summary import DemoSummary
from jicai.engine.run import MonitorResult, run_monitor
from jicai.policy.profiles import BUILTIN, load_profile
from jicai.warehouse.store import Warehouse

CASES = [(profile, rule) for profile in BUILTIN for rule in load_profile(profile).rules]

# H2 (trace.receipt_unscanned): the demo reports traceability for a sample of
# institutions (jicai.demo.trace) and works H2 out at those. guangdong judges only
# institutions that report scans (reporting_only, GUANGDONG 五(十一)) and finds exactly
# the planted cases; jilin judges every institution (JILIN 第十八条), so it finds them and
# also every drug the other institutions received with no scan at all (coverage 0).
H2 = "trace.receipt_unscanned"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, Warehouse]:
    root: Path = tmp_path_factory.mktemp("demo")
    summary = generate(root / "data", lines="tiny", fmt="csv")
    w = Warehouse(root / "home")
    w.import_folder(root / "data")
    return summary, w


@pytest.fixture(scope="module")
def runs(province: tuple[DemoSummary, Warehouse]) -> dict[str, MonitorResult]:
    summary, w = province
    return {p: run_monitor(w, summary.as_of, load_profile(p), figures=False) for p in BUILTIN}


@pytest.mark.parametrize(("profile", "rule_id"), CASES)
def test_every_planted_lapse_is_found_and_nothing_else(
        province: tuple[DemoSummary, Warehouse], runs: dict[str, MonitorResult],
        profile: str, rule_id: str) -> None:
    summary, w = province
    result = runs[profile]
    run = next(r for r in result.rules if r.rule_id == rule_id)
    if run.status != "ran":
        pytest.skip(f"{rule_id} is {run.status} under {profile}: {run.note}")
    planted = summary.planted.get(rule_id)
    assert planted is not None, f"{rule_id} runs but the demo works out no cases for it"
    assert planted.cases is not None
    expected = dict(planted.cases)
    if rule_id == "demand.below_history":  # cases carry their ratio; profiles differ
        ratio = load_profile(profile).setting(rule_id, "ratio")
        expected = {k: v for k, v in expected.items() if v < ratio}
    found = {tuple(a[f] for f in planted.fields): a["value"]
             for a in result.alerts.to_pylist() if a["rule_id"] == rule_id}
    if rule_id == H2 and not load_profile(profile).setting(rule_id, "reporting_only"):
        # the extra cases: institutions with no scan at all, each at coverage 0
        t = w.read("trace_scans")
        reporting = set(t.column("institution_code").to_pylist()) if t is not None else set()
        extra = {k: v for k, v in found.items() if k not in expected}
        assert extra, "jilin should judge the institutions that scan nothing"
        assert all(v == 0.0 for v in extra.values())
        assert all(a["institution_code"] not in reporting for a in result.alerts.to_pylist()
                   if a["rule_id"] == H2 and tuple(a[f] for f in planted.fields) in extra)
        found = {k: v for k, v in found.items() if k in expected}
    assert set(found) == set(expected)
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, rel=1e-6, abs=1e-6), key


def test_each_new_lapse_is_planted_and_found_somewhere(
        province: tuple[DemoSummary, Warehouse], runs: dict[str, MonitorResult]) -> None:
    """Every v1.1 rule has planted cases in the tiny province, and a profile finds them."""
    summary, _w = province
    new = ("progress.forecast_short", "demand.actual_deviates", "purchase.nonwinning_only",
           "listing.spec_outside_supply_list", "price.above_award",
           "price.offline_above_listing", "supplier.delivery_rate_low",
           "supplier.tickets_concentrated", "substitute.abnormal_growth", "price.risk",
           "trace.duplicate_dispense", "trace.receipt_unscanned",
           "trace.dispensed_over_received", "prescriber.nonwinning_high")
    for rule_id in new:
        assert summary.planted[rule_id].count > 0, rule_id
        counts = [r.alerts for res in runs.values() for r in res.rules
                  if r.rule_id == rule_id and r.status == "ran"]
        assert counts and max(counts) > 0, rule_id


def test_planted_rates_are_the_configured_rates(province: tuple[DemoSummary, Warehouse]) -> None:
    summary, _w = province
    for rule_id, planted in summary.planted.items():
        if planted.rate is None or planted.population < 2000:
            continue  # too few to hold a rate (tiny province); see the generator's own tests
        assert planted.planted_rate == pytest.approx(planted.rate, rel=0.25), rule_id
