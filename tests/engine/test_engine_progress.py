"""P1 progress.behind_schedule, P2 progress.incomplete_at_end, P3 entry.not_entered,
and the progress table (rules.md, shared definitions), worked out by hand.

Calendar facts used below: 2025 has 365 days; B1 runs 2025-01-01 … 2025-12-31
(365 days), B2 runs 2025-03-01 … 2026-02-28 (365 days).
Days elapsed from 2025-01-01: to 03-31 = 31+28+31 = 90; to 06-30 = 90+30+31+30 = 181.
Days elapsed from 2025-03-01: to 03-31 = 31; to 06-30 = 31+30+31+30 = 122;
to 12-31 = 31+30+31+30+31+31+30+31+30+31 = 306.
"""

from __future__ import annotations

from engine_kit import M2, agreed, assert_alerts, exemption, line, province

P1 = "progress.behind_schedule"
P2 = "progress.incomplete_at_end"
P3 = "entry.not_entered"
S1 = "share.nonwinning_high"
BY_VARIETY = ("institution_code", "variety_code", "severity")


def test_p1_boundary_window_cancelled_and_after_as_of(engine):
    # as_of 2025-03-31. B2 window 03-01 … 03-31: schedule = 31/365 (tolerance 0).
    # B2/H1/V2 agreed 365, bought 31 CW (1 unit each) → 31/365 = schedule → no alert.
    # B2/H3/V2 agreed 300 (M1) + 65 (M2) = 365 — completion is against the sum over
    #   companies — bought 30 → 30/365 < 31/365 → alert (one unit short; against 300 alone
    #   it would be 0.1 > schedule).
    # B2/H2/V2 agreed 100 (base): 8 units in the window → 0.08 < 31/365 = 0.0849 → alert.
    #   Its 20 units of 02-28 (before start), 50 cancelled units and 50 units ordered
    #   2025-04-01 (after as_of) count nowhere — any of them would lift it above schedule.
    # B1/H1/V1 agreed 1000: schedule 90/365 = 0.2466; PW 25 packs = 250 units → 0.25 → none.
    run = engine.monitor("2025-03-31", [P1], agreed_volumes=[
        agreed("B2", "H1", "V2", 365), agreed("B2", "H3", "V2", 300),
        agreed("B2", "H3", "V2", 65, company=M2),
    ], orders=[
        line("A1", "H1", "CW", "2025-03-10 09:00", 31, "700.00"),
        line("A2", "H3", "CW", "2025-03-31 23:59", 30, "700.00"),
        line("A3", "H2", "CW", "2025-03-01 00:00", 8, "700.00"),
        line("A4", "H2", "CW", "2025-02-28 23:59", 20, "700.00"),
        line("A5", "H2", "CW", "2025-03-15 09:00", 50, "700.00", status="cancelled"),
        line("A6", "H2", "CW", "2025-04-01 00:00", 50, "700.00"),
        line("A7", "H1", "PW", "2025-02-01 09:00", 25),
    ])
    assert_alerts(run.alerts, P1, [
        ("H2", "V2", "warning", 0.08, 31 / 365),
        ("H3", "V2", "warning", 30 / 365, 31 / 365),
    ], key=BY_VARIETY)
    assert run.row("B2", "H1", "V2")["completion"] == 31 / 365
    assert run.row("B2", "H2", "V2")["winning_units"] == 8


def test_p1_silent_at_end_date_and_p2_boundary(engine):
    # as_of 2025-12-31 = B1's end date: P1 needs as_of < end_date, so B1 is P2's alone.
    # B1/H1/V1 agreed 1000: PW 60 + 40 packs = 1000 units → completion 1.0 → no P2.
    # B1/H2/V1 agreed 1000: PW 99 packs = 990 units → 0.99 < 1 → P2 critical.
    #   Its 10 PB packs are backup, not credited (backup_counts_as_winning = false), and
    #   its PW pack of 2026-01-02 is after as_of; either would make it ≥ 1.
    # B2/H2/V2 (ends 2026-02-28): schedule 306/365 = 0.8384; 83 units of 100 → 0.83 → P1.
    run = engine.monitor("2025-12-31", [P1, P2], agreed_volumes=[
        agreed("B1", "H2", "V1", 1000),
    ], orders=[
        line("B1", "H1", "PW", "2025-02-01 09:00", 60),
        line("B2", "H1", "PW", "2025-12-31 23:00", 40),
        line("B3", "H2", "PW", "2025-05-01 09:00", 99),
        line("B4", "H2", "PB", "2025-05-02 09:00", 10, "12.00"),
        line("B5", "H2", "PW", "2026-01-02 09:00", 1),
        line("B6", "H2", "CW", "2025-04-01 09:00", 83, "700.00"),
    ])
    assert_alerts(run.alerts, P2, [("H2", "V1", "critical", 0.99, 1.0)], key=BY_VARIETY)
    assert_alerts(run.alerts, P1, [("H2", "V2", "warning", 0.83, 306 / 365)], key=BY_VARIETY)


def test_p3_from_the_first_day_of_the_third_month(engine):
    # B1 starts 2025-01-01 → P3 from 2025-03-01 (start + 2 months).
    # B1/H1/V1 agreed 1000: only non-winning PN bought by as_of (PN is no entry of the
    #   winning product); its PW of 2025-03-02 is after both as_of dates.
    # B1/H2/V1 agreed 500: one PW pack on 01-20 → credited 10 → entered.
    # B1/H3/V1 agreed 0 → P3 needs agreed units > 0.
    # B2 starts 2025-03-01: not started at 02-28 (no progress row), and its P3 date is
    #   2025-05-01, so no alert at 03-01.
    wh = engine.load(province(agreed_volumes=[
        agreed("B1", "H2", "V1", 500), agreed("B1", "H3", "V1", 0),
    ], orders=[
        line("C1", "H1", "PN", "2025-02-10 09:00", 10),
        line("C2", "H1", "PW", "2025-03-02 09:00", 5),
        line("C3", "H2", "PW", "2025-01-20 09:00", 1),
    ]))
    before = engine.run(wh, "2025-02-28", [P3])
    assert before.of(P3) == []
    assert {(p["batch_code"], p["institution_code"]) for p in before.progress} == {
        ("B1", "H1"), ("B1", "H2"), ("B1", "H3")}
    on = engine.run(wh, "2025-03-01", [P3])
    # value = credited units (0), threshold = the 2 months.
    assert_alerts(on.alerts, P3, [("H1", "V1", "warning", 0.0, 2.0)], key=BY_VARIETY)
    assert on.row("B2", "H2", "V2")["schedule"] == 1 / 365
    assert on.row("B1", "H3", "V1")["completion"] is None  # agreed 0: empty denominator


def test_jilin_backup_counts_as_winning(engine):
    # JILIN 第二十三条 via the profile switch backup_counts_as_winning.
    # as_of 2025-06-30, B1/H1/V1 agreed 1000, schedule 181/365 = 0.4959.
    # H1 bought PB (backup) 60 packs = 600 units and PN 70 packs = 700 units.
    #   false: credited 0 → completion 0 → P1 (0 < 0.4959) and P3 (credited 0).
    #   true:  credited 600 → 0.6 ≥ 0.4959 → neither.
    #   S1 is the same either way: 700 / (0 + 600 + 700) = 7/13 = 0.5385 > 0.5.
    # B2/H2/V2: 40 CW of 100 → 0.4 ≥ 122/365 = 0.3342 → nothing.
    wh = engine.load(province(orders=[
        line("D1", "H1", "PB", "2025-02-01 09:00", 60, "12.00"),
        line("D2", "H1", "PN", "2025-02-02 09:00", 70),
        line("D3", "H2", "CW", "2025-03-05 09:00", 40, "700.00"),
    ]))
    plain = engine.run(wh, "2025-06-30", [P1, P3, S1])
    assert_alerts(plain.alerts, P1, [("H1", "V1", "warning", 0.0, 181 / 365)], key=BY_VARIETY)
    assert_alerts(plain.alerts, P3, [("H1", "V1", "warning", 0.0, 2.0)], key=BY_VARIETY)
    assert_alerts(plain.alerts, S1, [("H1", "V1", "warning", 7 / 13, 0.5)], key=BY_VARIETY)
    assert plain.row("B1", "H1", "V1")["completion"] == 0.0

    jilin = engine.run(wh, "2025-06-30", [P1, P3, S1], backup_counts=True)
    assert_alerts(jilin.alerts, P1, [], key=BY_VARIETY)
    assert_alerts(jilin.alerts, P3, [], key=BY_VARIETY)
    assert_alerts(jilin.alerts, S1, [("H1", "V1", "warning", 7 / 13, 0.5)], key=BY_VARIETY)
    assert jilin.row("B1", "H1", "V1")["completion"] == 0.6


def test_clinical_change_switches_off_p1_to_p3(engine):
    # as_of 2026-01-10: B1 ended 2025-12-31 (P2 territory), B2 runs to 2026-02-28
    # (P1 territory), both past start + 2 months (P3). Nobody bought anything in a window.
    # Agreed: B1/H1, B1/H2, B1/H3 on V1 (1000 each); B2/H1, B2/H2 on V2 (100 each).
    # Exemptions:
    #   H1/V1 clinical_change 2025-06-01 … 06-30 → overlaps B1's window → H1/V1 off.
    #   H3/V1 clinical_change 2024-01-01 … 2024-12-31 → ends before B1 starts → no effect.
    #   H2/V1 supply_problem all 2025 → not a clinical change → P2/P3 still apply.
    #   (all institutions)/V2 clinical_change 2025-05-01 … 05-31 → B2/H1 and B2/H2 off.
    # H2's PW pack of 2026-01-05 is after B1's end date → outside the window.
    # Expected: P2 and P3 for B1/H2/V1 and B1/H3/V1 only (completion 0 < 1; credited 0).
    run = engine.monitor("2026-01-10", [P1, P2, P3], agreed_volumes=[
        agreed("B1", "H2", "V1", 1000), agreed("B1", "H3", "V1", 1000),
        agreed("B2", "H1", "V2", 100),
    ], exemptions=[
        exemption("H1", "V1", "2025-06-01", "2025-06-30", "clinical_change"),
        exemption("H3", "V1", "2024-01-01", "2024-12-31", "clinical_change"),
        exemption("H2", "V1", "2025-01-01", "2025-12-31", "supply_problem"),
        exemption(None, "V2", "2025-05-01", "2025-05-31", "clinical_change"),
    ], orders=[
        line("E1", "H2", "PW", "2026-01-05 09:00", 1),
    ])
    assert_alerts(run.alerts, P1, [], key=BY_VARIETY)
    assert_alerts(run.alerts, P2, [
        ("H2", "V1", "critical", 0.0, 1.0), ("H3", "V1", "critical", 0.0, 1.0),
    ], key=BY_VARIETY)
    assert_alerts(run.alerts, P3, [
        ("H2", "V1", "warning", 0.0, 2.0), ("H3", "V1", "warning", 0.0, 2.0),
    ], key=BY_VARIETY)
    exemptions = {(p["batch_code"], p["institution_code"], p["variety_code"]): p["exemption"]
                  for p in run.progress}
    assert exemptions == {
        ("B1", "H1", "V1"): "clinical_change",
        ("B1", "H2", "V1"): "supply_problem",
        ("B1", "H3", "V1"): None,
        ("B2", "H1", "V2"): "clinical_change",
        ("B2", "H2", "V2"): "clinical_change",
    }
    # The exempt B2 rows are behind schedule (0 < (31+30+31+30+31+31+30+31+30+31+10)/365),
    # so only the exemption keeps P1 quiet.
    assert run.row("B2", "H2", "V2")["completion"] == 0.0
    assert run.row("B2", "H2", "V2")["schedule"] == 316 / 365


def test_progress_table_row_by_hand(engine):
    # as_of 2025-06-30. B1/H1/V1 agreed 1000. Supply problem H1/V1 2025-05-01 … 05-31.
    # Lines of H1 (V1):
    #   R01 PW 30 packs 02-10            → winning 300
    #   R02 PW  5 packs 02-11 cancelled  → nowhere
    #   R03 PW 10 packs 07-01            → after as_of, nowhere
    #   R04 PW 10 packs 2024-12-31       → before the window, nowhere
    #   R05 PB 10 packs 03-05            → backup 100
    #   R06 PN 20 packs 04-01 @ 9.00     → non-winning 200 (cheap, but not quality-equivalent)
    #   R07 PN 10 packs 05-10            → non-winning 100, excluded (supply problem)
    #   R08 PB  5 packs 05-15            → backup 50, excluded (supply problem)
    #   R09 PQ 10 packs 06-10 @ 9.00     → 0.90/unit ≤ 1.00 lowest winning → excluded (100)
    #   R10 PQ 10 packs 06-11 @ 10.00    → 1.00/unit = 1.00 → excluded (100)
    #   R11 PQ 10 packs 06-12 @ 10.01    → 1.001/unit > 1.00 → counted (100)
    #   R12 PQ 10 packs 05-20 @ 9.00     → supply problem AND cheap equivalent → excluded
    #                                      once (100)
    # winning 300, backup 100+50 = 150, non-winning 200+100+100+100+100+100 = 700,
    # excluded 100+50+100+100+100 = 450 (of which non-winning 400, backup 50).
    # completion = 300/1000 = 0.3; schedule = 181/365;
    # share = (700-400) / (300+150+700-400-50) = 300/700 = 3/7 → no S1 (≤ 0.5).
    # (R12 excluded twice would give 200/600.)
    # B2/H2/V2: nothing bought: completion 0, schedule 122/365, share empty → None.
    run = engine.monitor("2025-06-30", [P1, S1], exemptions=[
        exemption("H1", "V1", "2025-05-01", "2025-05-31", "supply_problem"),
    ], orders=[
        line("R01", "H1", "PW", "2025-02-10 09:00", 30),
        line("R02", "H1", "PW", "2025-02-11 09:00", 5, status="cancelled"),
        line("R03", "H1", "PW", "2025-07-01 09:00", 10),
        line("R04", "H1", "PW", "2024-12-31 09:00", 10),
        line("R05", "H1", "PB", "2025-03-05 09:00", 10, "12.00"),
        line("R06", "H1", "PN", "2025-04-01 09:00", 20, "9.00"),
        line("R07", "H1", "PN", "2025-05-10 09:00", 10),
        line("R08", "H1", "PB", "2025-05-15 09:00", 5, "12.00"),
        line("R09", "H1", "PQ", "2025-06-10 09:00", 10, "9.00"),
        line("R10", "H1", "PQ", "2025-06-11 09:00", 10, "10.00"),
        line("R11", "H1", "PQ", "2025-06-12 09:00", 10, "10.01"),
        line("R12", "H1", "PQ", "2025-05-20 09:00", 10, "9.00"),
    ])
    row = run.row("B1", "H1", "V1")
    assert {k: row[k] for k in ("agreed_units", "winning_units", "backup_units",
                                "nonwinning_units", "excluded_units", "exemption")} == {
        "agreed_units": 1000, "winning_units": 300, "backup_units": 150,
        "nonwinning_units": 700, "excluded_units": 450, "exemption": "supply_problem"}
    assert row["completion"] == 0.3
    assert row["schedule"] == 181 / 365
    assert abs(row["nonwinning_share"] - 3 / 7) < 1e-12
    empty = run.row("B2", "H2", "V2")
    assert (empty["completion"], empty["schedule"], empty["nonwinning_share"],
            empty["excluded_units"], empty["exemption"]) == (0.0, 122 / 365, None, 0, None)
    assert_alerts(run.alerts, S1, [], key=BY_VARIETY)
    assert_alerts(run.alerts, P1, [
        ("H1", "V1", "warning", 0.3, 181 / 365), ("H2", "V2", "warning", 0.0, 122 / 365),
    ], key=BY_VARIETY)
