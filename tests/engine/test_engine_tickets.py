"""T1 ticket.reply_overdue, T2 ticket.commitment_too_long, T3 ticket.resolution_overdue
(HENAN 二(八): reply within 2 working days, promise a fix at most 5 working days out, the
bureau chases fixes not made by the promised date), by hand. as_of 2025-10-20 (Mon).

Working days (official 2025 calendar): 06-09 … 06-13 Mon–Fri, 06-16 …; 09-26 Fri,
09-28 Sun (make-up), 09-29, 09-30, holiday 10-01 … 10-08, 10-09, 10-10, 10-11 Sat (make-up),
10-13 … 10-17, 10-20. A value is the number of working days after the start day up to the
end day, a non-working end day counting as the next working day.
"""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, ticket

from jicai.errors import CalendarError

T1 = "ticket.reply_overdue"
T2 = "ticket.commitment_too_long"
T3 = "ticket.resolution_overdue"


def test_t1_two_working_days(engine):
    # K01 reported Mon 06-09 → deadline Wed 06-11; replied 06-11 18:00 → none.
    # K02 reported 06-09, replied Thu 06-12 → 3 → warning.
    # K03 reported Tue 09-30 → 10-09, 10-10 → deadline 10-10; replied 10-10 → none.
    # K04 reported 09-30, replied Sat 10-11 (a workday) → 3 → warning.
    # K05 reported Fri 09-26 → Sun 09-28, Mon 09-29 → deadline 09-29; replied 09-29 → none.
    # K06 reported 09-26, replied Tue 09-30 → 3 → warning (only because 09-28 is a workday).
    # K07 reported Wed 10-15, no reply → deadline Fri 10-17 < as_of 10-20 → critical,
    #     10-16, 10-17, 10-20 = 3.
    # K08 reported Thu 10-16, no reply → deadline Mon 10-20 = as_of → none.
    # K09 reported 10-15, replied 10-25 (after as_of → not yet) → critical, 3.
    # K10 reported 10-21, after as_of → none.
    # K11 reported Sat 06-14 → 06-16, 06-17 → deadline 06-17; replied 06-17 → none.
    # K12 reported Sat 06-14, replied Wed 06-18 → 3 → warning.
    run = engine.monitor("2025-10-20", [T1], tickets=[
        ticket("K01", "2025-06-09 15:00", "2025-06-11 18:00"),
        ticket("K02", "2025-06-09 15:00", "2025-06-12 09:00"),
        ticket("K03", "2025-09-30 09:00", "2025-10-10 17:00"),
        ticket("K04", "2025-09-30 09:00", "2025-10-11 10:00"),
        ticket("K05", "2025-09-26 10:00", "2025-09-29 10:00"),
        ticket("K06", "2025-09-26 10:00", "2025-09-30 10:00"),
        ticket("K07", "2025-10-15 10:00"),
        ticket("K08", "2025-10-16 10:00"),
        ticket("K09", "2025-10-15 10:00", "2025-10-25 10:00"),
        ticket("K10", "2025-10-21 10:00"),
        ticket("K11", "2025-06-14 10:00", "2025-06-17 10:00"),
        ticket("K12", "2025-06-14 10:00", "2025-06-18 10:00"),
    ])
    assert_alerts(run.alerts, T1, [
        ("H1", "K02", "warning", 3.0, 2.0),
        ("H1", "K04", "warning", 3.0, 2.0),
        ("H1", "K06", "warning", 3.0, 2.0),
        ("H1", "K07", "critical", 3.0, 2.0),
        ("H1", "K09", "critical", 3.0, 2.0),
        ("H1", "K12", "warning", 3.0, 2.0),
    ])


def test_t2_five_working_days(engine):
    # Q01 replied Mon 06-09 → +5 = Mon 06-16; promised 06-16 → none.
    # Q02 replied 06-09, promised Tue 06-17 → 6 → warning.
    # Q03 replied Mon 09-29 → 09-30, 10-09, 10-10, 10-11, 10-13 → promised 10-13 → none.
    # Q04 replied 09-29, promised 10-14 → 6 → warning (only because 10-11 is a workday).
    # Q05 replied 06-09, promised Sun 06-15 (counts as Mon 06-16) → 5 → none.
    # Q06 replied 10-22, after as_of: its promise is not known yet → none.
    # Q07 replied without a promise → none.
    run = engine.monitor("2025-10-20", [T2], tickets=[
        ticket("Q01", "2025-06-09 09:00", "2025-06-09 10:00", "2025-06-16"),
        ticket("Q02", "2025-06-09 09:00", "2025-06-09 10:00", "2025-06-17"),
        ticket("Q03", "2025-09-29 09:00", "2025-09-29 10:00", "2025-10-13"),
        ticket("Q04", "2025-09-29 09:00", "2025-09-29 10:00", "2025-10-14"),
        ticket("Q05", "2025-06-09 09:00", "2025-06-09 10:00", "2025-06-15"),
        ticket("Q06", "2025-10-15 09:00", "2025-10-22 10:00", "2025-12-31"),
        ticket("Q07", "2025-06-09 09:00", "2025-06-09 10:00"),
    ])
    assert_alerts(run.alerts, T2, [
        ("H1", "Q02", "warning", 6.0, 5.0),
        ("H1", "Q04", "warning", 6.0, 5.0),
    ])


def test_t3_promised_date(engine):
    # value = calendar days past the promised date, threshold 0.
    # S01 promised 06-16, solved 06-16 23:00 → none.
    # S02 promised 06-16, solved 06-17 08:00 → 1 → warning.
    # S03 promised 10-19, unsolved at as_of 10-20 → 1 → critical.
    # S04 promised 10-20 = as_of, unsolved → none.
    # S05 promised 10-10, solved 10-25 (after as_of → not yet) → 10 → critical.
    # S06 promise made in a reply of 10-22 (after as_of) → not known yet → none.
    run = engine.monitor("2025-10-20", [T3], tickets=[
        ticket("S01", "2025-06-09 09:00", "2025-06-10 10:00", "2025-06-16", "2025-06-16 23:00"),
        ticket("S02", "2025-06-09 09:00", "2025-06-10 10:00", "2025-06-16", "2025-06-17 08:00"),
        ticket("S03", "2025-10-13 09:00", "2025-10-14 10:00", "2025-10-19"),
        ticket("S04", "2025-10-13 09:00", "2025-10-14 10:00", "2025-10-20"),
        ticket("S05", "2025-10-09 09:00", "2025-10-09 10:00", "2025-10-10", "2025-10-25 10:00"),
        ticket("S06", "2025-10-13 09:00", "2025-10-22 10:00", "2025-10-15"),
    ])
    assert_alerts(run.alerts, T3, [
        ("H1", "S02", "warning", 1.0, 0.0),
        ("H1", "S03", "critical", 1.0, 0.0),
        ("H1", "S05", "critical", 10.0, 0.0),
    ])


def test_t2_promise_in_an_unknown_year_is_never_silent(engine):
    # as_of 2025-12-31; replied Tue 2025-12-30, fix promised for 2027-01-05. The official
    # calendar package knows 2025 and 2026, not 2027. Whatever 2027 holds, the promise is
    # more than 5 working days out (all of 2026 lies between), so rules.md admits two
    # outcomes: a CalendarError naming 2027, or the T2 alert for Z1 — never silence
    # (rules.md, Working days: "A year the calendar does not know is an error that names
    # the year and how to supply it — never a silent guess").
    try:
        run = engine.monitor("2025-12-31", [T2], drop=NO_PROGRESS, tickets=[
            ticket("Z1", "2025-12-30 09:00", "2025-12-30 10:00", "2027-01-05"),
        ])
    except CalendarError as exc:
        assert exc.year == 2027
        return
    assert [(a["ref"], a["severity"]) for a in run.of(T2)] == [("Z1", "warning")]
