"""D3 demand.actual_deviates (rules.md, "Rules added in contract v1.1"; HENAN 二(一)),
worked out by hand.

After the cycle (as_of ≥ end_date), per filing unit and variety with a filing: actual =
units of every product of the variety (winning, backup, non-winning; on and off
platform) ordered in the window; |actual / reported − 1| > 0.3 → info, value = the ratio,
threshold = the bound crossed (1.3 or 0.7); reported 0 and actual > 0 → value = actual,
threshold 0. H3 is a member of H1's tight consortium: when H3 files nothing, H1's filing
covers it and H3's purchases count for H1 (as D1/D2).
"""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, demand, exemption, line, province

D3 = "demand.actual_deviates"
BY_VARIETY = ("institution_code", "variety_code", "severity")

B1_ORDERS = [
    line("D01", "H1", "PW", "2025-02-01 09:00", 60),                      # 600
    line("D02", "H1", "PN", "2025-03-01 09:00", 20, "15.00"),             # 200 non-winning
    line("D03", "H1", "PQ", "2025-04-01 09:00", 10, "9.00", on_platform=False),  # 100 off
    line("D04", "H3", "PW", "2025-05-01 09:00", 50),                      # 500 member of H1
    line("D05", "H2", "PW", "2025-06-01 09:00", 130),                     # 1300
    line("D06", "H2", "PW", "2024-12-31 23:59", 10),                      # before the window
    line("D07", "H2", "PW", "2026-01-05 09:00", 10),                      # after end_date
    line("D08", "H2", "PW", "2025-07-01 09:00", 10, status="cancelled"),  # counts nowhere
]
B1_FILINGS = [demand("B1", "H1", "V1", 1000, "2024-12-01 10:00"),
              demand("B1", "H2", "V1", 1000, "2024-12-01 10:00")]


def test_d3_consortium_boundary_window_and_cycle_end(engine):
    # Unit H1: 600 + 200 + 100 (H1, every product, off platform too) + 500 (H3) = 1400
    #   → 1400/1000 = 1.4, |0.4| > 0.3 → info, threshold 1.3. (H1 alone: 900 → 0.9, none.)
    # H2: 1300/1000 = 1.3 → |0.3| is not above 0.3 (in binary 1300/1000 − 1 exceeds it:
    #   the 1e-9 tolerance) → none; D06, D07, D08 outside or cancelled (each would tip it).
    # An exemption of H1/V1 for 2024 does not overlap the 2025 window → no effect.
    wh = engine.load(province(NO_PROGRESS, orders=B1_ORDERS, demand_filings=B1_FILINGS,
                              exemptions=[exemption("H1", "V1", "2024-01-01", "2024-12-31",
                                                    "clinical_change")]))
    run = engine.run(wh, "2026-01-10", [D3])
    assert_alerts(run.alerts, D3, [("H1", "V1", "info", 1.4, 1.3)], key=BY_VARIETY)
    (a,) = run.of(D3)
    assert (a["batch_code"], a["cycle_no"]) == ("B1", 1)
    assert "1400" in a["message"] and "1000" in a["message"]
    # The day before end_date the cycle is still running → no D3; on end_date it is over.
    assert engine.run(wh, "2025-12-30", [D3]).of(D3) == []
    assert len(engine.run(wh, "2025-12-31", [D3]).of(D3)) == 1


def test_d3_clinical_change_of_a_member_exempts_the_unit(engine):
    # A clinical_change exemption naming H3 (filed for by H1) overlapping the window: the
    # unit's demand did change (临床无使用调整 is the condition) → no alert for H1.
    run = engine.monitor("2026-01-10", [D3], drop=NO_PROGRESS, orders=B1_ORDERS,
                         demand_filings=B1_FILINGS, exemptions=[
                             exemption("H3", "V1", "2025-11-01", "2026-03-31",
                                       "clinical_change"),
                             exemption("H2", "V1", "2025-11-01", "2026-03-31",
                                       "supply_problem")])
    assert run.of(D3) == []


def test_d3_below_zero_filing_and_late_filing(engine):
    # B2 (2025-03-01 … 2026-02-28) at as_of 2026-02-28:
    # H1 filed 100 for V2, bought 50 CW; member H3 (its own filing is made 2026-03-05,
    #   after as_of: not yet filed) bought 10 on the last day → unit H1: 60/100 = 0.6 <
    #   0.7 → info, threshold 0.7. (Were H3's filing seen, H1 would be 0.5 and H3 a
    #   zero-filing alert of 10.)
    # H2 filed 0 and bought 5 → value 5 (units), threshold 0.
    run = engine.monitor("2026-02-28", [D3], drop=NO_PROGRESS, orders=[
        line("E01", "H1", "CW", "2025-03-01 00:00", 50, "700.00"),
        line("E02", "H3", "CW", "2026-02-28 23:59", 10, "700.00"),
        line("E03", "H2", "CW", "2025-09-01 09:00", 5, "700.00"),
    ], demand_filings=[
        demand("B2", "H1", "V2", 100, "2025-02-01 10:00"),
        demand("B2", "H2", "V2", 0, "2025-02-01 10:00"),
        demand("B2", "H3", "V2", 0, "2026-03-05 10:00"),
    ])
    assert_alerts(run.alerts, D3, [("H1", "V2", "info", 0.6, 0.7),
                                   ("H2", "V2", "info", 5.0, 0.0)], key=BY_VARIETY)
