"""D1 demand.below_history and D2 demand.missing, worked out by hand
(rules.md; HENAN 二(一), GANZHOU 二(一)). History is of the year before the cycle's
start year: 2024 for both B1 (starts 2025-01-01) and B2 (starts 2025-03-01).
H3 is a member of H1's tight consortium: H1 files for it, so their history is summed."""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, demand, history, line, province

D1 = "demand.below_history"
D2 = "demand.missing"
BY_VARIETY = ("institution_code", "variety_code", "severity")


def test_d1_ratio_1_and_0_8_consortium_explanation_and_late_filing(engine):
    # History 2024: H1/V1 1000 + H3/V1 200 → filing unit H1: 1200; H2/V1 500; H2/V2 100;
    # H1/V2 50. H2/V1 2023 9999 is the wrong year.
    # Filings (as_of 2025-06-30):
    #   B1 H1/V1 1100              → 1100/1200 = 0.916667 (H3's history counts for H1)
    #   B1 H2/V1 500               → 500/500 = 1.0
    #   B2 H2/V2 80 with a reason  → 80/100 = 0.8 (explained → info)
    #   B2 H1/V2 39                → 39/50 = 0.78
    #   B2 H3/V2 100 filed 2025-07-01 → after as_of, ignored (it would lift H1's unit
    #     to 139/50).
    # ratio 1.0 (HENAN): H1/V1 warning, H1/V2 warning, H2/V2 info; H2/V1 equal → none.
    # ratio 0.8 (GANZHOU): H1/V2 (0.78) only; H2/V2 equal → none; H1/V1 0.92 → none.
    wh = engine.load(province(NO_PROGRESS, historical_volumes=[
        history("H1", "V1", 2024, 1000), history("H3", "V1", 2024, 200),
        history("H2", "V1", 2024, 500), history("H2", "V2", 2024, 100),
        history("H1", "V2", 2024, 50), history("H2", "V1", 2023, 9999),
    ], demand_filings=[
        demand("B1", "H1", "V1", 1100, "2024-12-01 10:00"),
        demand("B1", "H2", "V1", 500, "2024-12-01 10:00"),
        demand("B2", "H2", "V2", 80, "2025-02-01 10:00", "本院开展替代术式，需求下降"),
        demand("B2", "H1", "V2", 39, "2025-02-01 10:00"),
        demand("B2", "H3", "V2", 100, "2025-07-01 10:00"),
    ]))
    henan = engine.run(wh, "2025-06-30", {D1: {"ratio": 1.0}})
    assert_alerts(henan.alerts, D1, [
        ("H1", "V1", "warning", 1100 / 1200, 1.0),
        ("H1", "V2", "warning", 39 / 50, 1.0),
        ("H2", "V2", "info", 0.8, 1.0),
    ], key=BY_VARIETY)
    ganzhou = engine.run(wh, "2025-06-30", {D1: {"ratio": 0.8}})
    assert_alerts(ganzhou.alerts, D1, [("H1", "V2", "warning", 39 / 50, 0.8)], key=BY_VARIETY)


def test_d2_zero_is_a_filing_consortium_and_late_filing(engine):
    # History 2024: H1/V1 1000, H3/V1 200, H2/V1 500, H2/V2 0, H1/V2 0, H3/V2 30;
    # H2/V2 2023 800 (wrong year). as_of 2025-06-30.
    # Filings: B1 H1/V1 reported 0 (a filing of 0 is a filing; it covers member H3);
    #          B1 H2/V1 600 filed 2025-07-01 (after as_of → not filed yet).
    # Missing: unit H1/V2 (H1 0 + member H3 30 = 30 > 0, no filing) and H2/V1 (500).
    # H2/V2: history 0 (the 800 are of 2023) → nothing to miss.
    # value = the historical units, threshold 0.
    run = engine.monitor("2025-06-30", [D2], drop=NO_PROGRESS, historical_volumes=[
        history("H1", "V1", 2024, 1000), history("H3", "V1", 2024, 200),
        history("H2", "V1", 2024, 500), history("H2", "V2", 2024, 0),
        history("H1", "V2", 2024, 0), history("H3", "V2", 2024, 30),
        history("H2", "V2", 2023, 800),
    ], demand_filings=[
        demand("B1", "H1", "V1", 0, "2024-12-01 10:00"),
        demand("B1", "H2", "V1", 600, "2025-07-01 10:00"),
    ])
    assert_alerts(run.alerts, D2, [
        ("H1", "V2", "warning", 30.0, 0.0),
        ("H2", "V1", "warning", 500.0, 0.0),
    ], key=BY_VARIETY)


def test_d2_history_derived_from_orders(engine):
    # No historical_volumes table: history = units of the orders of 2024 (data contract).
    # H2/V1 2024: PN 10 packs (100) + PW 5 packs (50) = 150; its cancelled 2024 line
    # (100 packs) counts nowhere. H1/V1: only a 2023 line → no 2024 history.
    # H2/V2 2024: CW 2 → 2, but H2 filed B2/V2 (0 units) → not missing.
    # Expected: D2 for H2/V1 with value 150.
    run = engine.monitor("2025-06-30", [D2], drop=NO_PROGRESS, demand_filings=[
        demand("B2", "H2", "V2", 0, "2025-02-01 10:00"),
    ], orders=[
        line("H01", "H2", "PN", "2024-05-01 09:00", 10),
        line("H02", "H2", "PW", "2024-06-01 09:00", 5),
        line("H03", "H2", "PW", "2024-07-01 09:00", 100, status="cancelled"),
        line("H04", "H1", "PW", "2023-07-01 09:00", 100),
        line("H05", "H2", "CW", "2024-07-01 09:00", 2, "700.00"),
    ])
    assert_alerts(run.alerts, D2, [("H2", "V1", "warning", 150.0, 0.0)], key=BY_VARIETY)
