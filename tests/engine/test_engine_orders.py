"""R1 order.unresponded_48h, R2 order.escalation_24h (GANZHOU 二(六)) and R3 delivery.overdue
(GUANGDONG 五(十); HENAN 二(九)), by hand. Only on-platform lines are held to these clocks
(engine design). as_of D means the end of D, i.e. D+1 00:00."""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, line, province

R1 = "order.unresponded_48h"
R2 = "order.escalation_24h"
R3 = "delivery.overdue"


def test_r1_48_hours(engine):
    # as_of 2025-06-30 → the clock stops at 2025-07-01 00:00 for unanswered lines.
    # A01 06-10 08:00 → answered 06-12 08:00: 48 h exactly → none.
    # A02 06-10 08:00 → answered 06-12 09:00: 49 h → warning.
    # A03 06-28 00:00, unanswered: 72 h to 07-01 00:00 → critical.
    # A04 06-29 00:00, unanswered: 48 h exactly → none.
    # A05 06-27 10:00, answered 07-02 (after as_of → not yet): 3 d 14 h = 86 h → critical.
    # A06 off-platform, A07 cancelled (both unanswered since 06-10) → none.
    # A08 ordered 07-01 08:00 (after as_of) → none.
    # A09 (H2) 06-20 12:00 → answered 06-22 12:30: 48.5 h → warning.
    run = engine.monitor("2025-06-30", [R1], drop=NO_PROGRESS, orders=[
        line("A01", "H1", "PW", "2025-06-10 08:00", 1, responded_at="2025-06-12 08:00"),
        line("A02", "H1", "PW", "2025-06-10 08:00", 1, responded_at="2025-06-12 09:00"),
        line("A03", "H1", "PW", "2025-06-28 00:00", 1),
        line("A04", "H1", "PW", "2025-06-29 00:00", 1),
        line("A05", "H1", "PW", "2025-06-27 10:00", 1, responded_at="2025-07-02 10:00"),
        line("A06", "H1", "PW", "2025-06-10 08:00", 1, on_platform=False),
        line("A07", "H1", "PW", "2025-06-10 08:00", 1, status="cancelled"),
        line("A08", "H1", "PW", "2025-07-01 08:00", 1),
        line("A09", "H2", "CW", "2025-06-20 12:00", 1, "700.00",
             responded_at="2025-06-22 12:30"),
    ])
    assert_alerts(run.alerts, R1, [
        ("H1", "A02", "warning", 49.0, 48.0),
        ("H1", "A03", "critical", 72.0, 48.0),
        ("H1", "A05", "critical", 86.0, 48.0),
        ("H2", "A09", "warning", 48.5, 48.0),
    ])


def test_r2_list_day_holiday_and_make_up_workdays(engine):
    # The delayed-response list goes out at the end of the first working day that begins
    # after the 48 h mark; alert when there is still no answer 24 h after that.
    # value = hours from the list going out to the answer (or to the end of as_of).
    # E01/E02 (rules.md example) ordered Fri 06-13 10:00 → mark Sun 06-15 10:00 → list at
    #   the end of Mon 06-16 (06-17 00:00) → deadline 06-18 00:00.
    #   E01 answered 06-18 00:00 → none; E02 answered 06-18 01:00 → 25 h, warning.
    # E03/E04 ordered Sun 09-28 10:00 → mark Tue 09-30 10:00 → 10-01 … 10-08 are holidays →
    #   list at the end of Thu 10-09 (10-10 00:00) → deadline 10-11 00:00.
    #   E03 answered 10-11 00:00 → none; E04 answered 10-11 00:30 → 24.5 h, warning.
    # E05/E06 ordered Thu 09-25 10:00 → mark Sat 09-27 10:00 → Sun 09-28 is a make-up
    #   workday → list at 09-29 00:00 → deadline 09-30 00:00.
    #   E05 answered 09-30 00:00 → none; E06 answered 09-30 00:30 → 24.5 h, warning.
    # E07/E08 ordered Wed 10-08 10:00 → mark Fri 10-10 10:00 → Sat 10-11 is a make-up
    #   workday → list at 10-12 00:00 → deadline 10-13 00:00.
    #   E07 answered 10-13 00:00 → none; E08 answered 10-13 01:00 → 25 h, warning.
    # E09 answered before the mark, E10 between the mark and the deadline → none.
    # E11 off-platform, never answered → none.
    # E12 ordered Tue 10-14 10:00 → mark Thu 10-16 10:00 → list at the end of Fri 10-17
    #   (10-18 00:00) → deadline 10-19 00:00; answered 10-22, after as_of 10-20 → still
    #   unanswered at 10-21 00:00: 72 h, critical.
    run = engine.monitor("2025-10-20", [R2], drop=NO_PROGRESS, orders=[
        line("E01", "H1", "PW", "2025-06-13 10:00", 1, responded_at="2025-06-18 00:00"),
        line("E02", "H1", "PW", "2025-06-13 10:00", 1, responded_at="2025-06-18 01:00"),
        line("E03", "H1", "PW", "2025-09-28 10:00", 1, responded_at="2025-10-11 00:00"),
        line("E04", "H1", "PW", "2025-09-28 10:00", 1, responded_at="2025-10-11 00:30"),
        line("E05", "H1", "PW", "2025-09-25 10:00", 1, responded_at="2025-09-30 00:00"),
        line("E06", "H1", "PW", "2025-09-25 10:00", 1, responded_at="2025-09-30 00:30"),
        line("E07", "H1", "PW", "2025-10-08 10:00", 1, responded_at="2025-10-13 00:00"),
        line("E08", "H1", "PW", "2025-10-08 10:00", 1, responded_at="2025-10-13 01:00"),
        line("E09", "H1", "PW", "2025-06-13 10:00", 1, responded_at="2025-06-15 09:00"),
        line("E10", "H1", "PW", "2025-06-13 10:00", 1, responded_at="2025-06-16 10:00"),
        line("E11", "H1", "PW", "2025-06-13 10:00", 1, on_platform=False),
        line("E12", "H1", "PW", "2025-10-14 10:00", 1, responded_at="2025-10-22 10:00"),
    ])
    assert_alerts(run.alerts, R2, [
        ("H1", "E02", "warning", 25.0, 24.0),
        ("H1", "E04", "warning", 24.5, 24.0),
        ("H1", "E06", "warning", 24.5, 24.0),
        ("H1", "E08", "warning", 25.0, 24.0),
        ("H1", "E12", "critical", 72.0, 24.0),
    ])


def test_r2_rules_md_example_unanswered(engine):
    # rules.md: a 48 h mark on Sunday 10:00 → list at the end of Monday → escalation 24 h
    # later. Ordered Fri 2025-06-13 10:00, never answered: mark Sun 06-15 10:00, list out
    # 06-17 00:00 (end of Mon 06-16), deadline 06-18 00:00 (end of Tue 06-17).
    # as_of Tue 06-17 → the run sees up to 06-18 00:00 = the deadline → not past it → none.
    # as_of Wed 06-18 → 06-19 00:00 − 06-17 00:00 = 48 h → critical.
    wh = engine.load(province(NO_PROGRESS, orders=[line("X1", "H2", "PW", "2025-06-13 10:00", 1)]))
    assert engine.run(wh, "2025-06-17", [R2]).of(R2) == []
    run = engine.run(wh, "2025-06-18", [R2])
    assert_alerts(run.alerts, R2, [("H2", "X1", "critical", 48.0, 24.0)])


def test_r3_delivery_72_hours(engine):
    # as_of 2025-06-30; only lines answered by as_of count (confirmed, not delivered).
    # D01 06-10 08:00, delivered 06-13 08:00: 72 h → none.
    # D02 06-10 08:00, delivered 06-13 09:00: 73 h → warning.
    # D03 06-27 10:00, answered, not delivered: to 07-01 00:00 = 86 h → critical.
    # D04 as D03 but delivered 07-02 (after as_of → not yet) → 86 h, critical.
    # D05 never answered; D06 answered 07-01 (after as_of) → not confirmed → none.
    # D07 off-platform, D08 cancelled (answered, not delivered) → none.
    # D09 06-28 00:00 answered, not delivered: 72 h exactly at 07-01 00:00 → none.
    ok = {"responded_at": "2025-06-10 09:00"}
    run = engine.monitor("2025-06-30", [R3], drop=NO_PROGRESS, orders=[
        line("D01", "H1", "PW", "2025-06-10 08:00", 1, delivered_at="2025-06-13 08:00", **ok),
        line("D02", "H1", "PW", "2025-06-10 08:00", 1, delivered_at="2025-06-13 09:00", **ok),
        line("D03", "H1", "PW", "2025-06-27 10:00", 1, responded_at="2025-06-27 11:00"),
        line("D04", "H1", "PW", "2025-06-27 10:00", 1, responded_at="2025-06-27 11:00",
             delivered_at="2025-07-02 10:00"),
        line("D05", "H1", "PW", "2025-06-10 08:00", 1),
        line("D06", "H1", "PW", "2025-06-10 08:00", 1, responded_at="2025-07-01 09:00"),
        line("D07", "H1", "PW", "2025-06-10 08:00", 1, on_platform=False, **ok),
        line("D08", "H1", "PW", "2025-06-10 08:00", 1, status="cancelled", **ok),
        line("D09", "H1", "PW", "2025-06-28 00:00", 1, responded_at="2025-06-28 01:00"),
    ])
    assert_alerts(run.alerts, R3, [
        ("H1", "D02", "warning", 73.0, 72.0),
        ("H1", "D03", "critical", 86.0, 72.0),
        ("H1", "D04", "critical", 86.0, 72.0),
    ])
