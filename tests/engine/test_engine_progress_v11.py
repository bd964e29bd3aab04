"""P4 progress.forecast_short (rules.md, "Rules added in contract v1.1"), worked out by hand.

projected = (credited + r × days remaining) / agreed, r = credited units ordered in the
last recent_days (60) days of the window / recent_days; alert when in execution, at
least min_days (60) of the window elapsed, not behind (completion ≥ schedule) and
projected < 1. Severity info, value = projected, threshold 1.

B1 runs 2025-01-01 … 2025-12-31. At as_of 2025-06-30: 181 days elapsed, schedule
181/365 = 0.495890, 184 days remaining (06-30 → 12-31); the last 60 days of the window
are 2025-05-02 … 2025-06-30 (06-30 − 59 days = 05-02).
B2 runs 2025-03-01 … 2026-02-28; 60 days elapsed at 2025-04-29 (31 + 29).
"""

from __future__ import annotations

from engine_kit import agreed, assert_alerts, exemption, line, province

P4 = "progress.forecast_short"
BY_VARIETY = ("institution_code", "variety_code", "severity")

H1_LINES = [
    # credited (winning PW, 10 units a pack): 480 + 10 + 10 = 500 → completion 0.5 ≥ 0.4959
    line("F1", "H1", "PW", "2025-02-03 09:00", 48),
    line("F2", "H1", "PW", "2025-05-01 23:59", 1),   # one day before the recent 60 days
    line("F3", "H1", "PW", "2025-05-02 00:00", 1),   # the first of the recent 60 days
    # backup PB 300 units on 06-10: credited only where backup counts as winning
    line("F4", "H1", "PB", "2025-06-10 09:00", 30, "12.00"),
    line("F5", "H1", "PN", "2025-06-15 09:00", 10, "15.00"),  # non-winning: never credited
    line("F6", "H1", "PW", "2025-06-20 09:00", 50, status="cancelled"),  # counts nowhere
    line("F7", "H1", "PW", "2025-07-01 00:00", 100),  # after as_of: not yet ordered
]


def test_p4_recent_rate_edges_backup_cancelled_and_after_as_of(engine):
    # H1/V1 (agreed 1000): recent credited = F3 only = 10 units → r = 10/60;
    #   projected = (500 + 184 × 10/60) / 1000 = 0.530667 < 1 → info.
    #   (F2 in the recent days would give (500 + 184 × 20/60)/1000 = 0.561333; F6 or F7
    #   counted would lift the projection above 1.)
    # H2/V1 (agreed 1000 added): PW 390 units on 03-03 + 150 units on 06-30 (the last day)
    #   → completion 0.54; r = 150/60 = 2.5; projected = (540 + 184 × 2.5)/1000 = 1.0
    #   exactly → equal is no alert.
    # B2/H2/V2 (agreed 100): schedule 122/365 = 0.3342, no CW bought → completion 0 <
    #   schedule: already behind (P1's business) → no P4.
    wh = engine.load(province(agreed_volumes=[agreed("B1", "H2", "V1", 1000)], orders=[
        *H1_LINES,
        line("F8", "H2", "PW", "2025-03-03 09:00", 39),
        line("F9", "H2", "PW", "2025-06-30 23:59", 15),
    ]))
    run = engine.run(wh, "2025-06-30", [P4])
    assert_alerts(run.alerts, P4, [("H1", "V1", "info", 0.530667, 1.0)], key=BY_VARIETY)
    (a,) = run.of(P4)
    assert (a["batch_code"], a["cycle_no"], a["ref"]) == ("B1", 1, None)
    assert "50.0%" in a["message"] and "60 天" in a["message"] and "53.1%" in a["message"]
    # JILIN reading (backup counts): H1 credited 800, recent 10 + 300 = 310 →
    # projected = (800 + 184 × 310/60)/1000 = 1.750667 → none. H2 unchanged (1.0) → none.
    jilin = engine.run(wh, "2025-06-30", [P4], backup_counts=True)
    assert jilin.of(P4) == []


def test_p4_min_days_boundary_and_recent_days_setting(engine):
    # B2/H2/V2 agreed 100: 40 CW units on 2025-03-01. With recent_days 30 the recent days
    # at 2025-04-29 are 03-31 … 04-29 → r = 0; projected = 40/100 = 0.4 (completion 0.4 ≥
    # schedule 60/365 = 0.1644). 60 days elapsed = min_days → alert; at 04-28 only 59
    # days have elapsed → none.
    wh = engine.load(province(orders=[line("G1", "H2", "CW", "2025-03-01 08:00", 40, "700.00")]))
    settings = {P4: {"recent_days": 30}}
    run = engine.run(wh, "2025-04-29", settings)
    assert_alerts(run.alerts, P4, [("H2", "V2", "info", 0.4, 1.0)], key=BY_VARIETY)
    assert engine.run(wh, "2025-04-28", settings).of(P4) == []
    # (B1/H1/V1 of the base, agreed 1000 with nothing bought, is behind schedule: no P4.)


def test_p4_clinical_change_switches_it_off(engine):
    # The same H1 data; a clinical_change exemption for H1/V1 overlapping the window
    # (2025-06-01 … 2025-09-30) switches the completion rules off, P4 included. One for
    # H2 only leaves H1 alerting.
    off = engine.monitor("2025-06-30", [P4], orders=H1_LINES, exemptions=[
        exemption("H1", "V1", "2025-06-01", "2025-09-30", "clinical_change")])
    assert off.of(P4) == []
    on = engine.monitor("2025-06-30", [P4], orders=H1_LINES, exemptions=[
        exemption("H2", "V1", "2025-06-01", "2025-09-30", "clinical_change")])
    assert_alerts(on.alerts, P4, [("H1", "V1", "info", 0.530667, 1.0)], key=BY_VARIETY)
