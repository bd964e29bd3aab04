"""M1 payment.overdue (JILIN 第八条: 结清时间不得超过交货验收合格后次月底; GUANGDONG 四(八)),
by hand. due = the last day of the month after the month of received_at; alert when as_of
> due and the payments dated on or before due do not cover the line; value = days past due
(to the settling payment, or to as_of while unpaid), threshold 0."""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, line, payment, province

M1 = "payment.overdue"


def _lines():
    # Each line: PW 10 packs × 10.00 = 100.00.
    def y(lid, ordered, received, **kw):
        return line(lid, "H1", "PW", ordered, 10, received_at=received, **kw)

    return [
        y("Y01", "2025-01-20 09:00", "2025-01-31 10:00"),  # due 2025-02-28
        y("Y02", "2025-01-20 09:00", "2025-01-31 10:00"),  # due 2025-02-28
        y("Y03", "2025-12-01 09:00", "2025-12-15 10:00"),  # due 2026-01-31
        y("Y04", "2025-12-01 09:00", "2025-12-15 10:00"),  # due 2026-01-31
        y("Y05", "2025-12-20 09:00", "2026-01-01 10:00"),  # due 2026-02-28
        y("Y06", "2026-01-20 09:00", "2026-02-05 10:00"),  # received after as_of
        y("Y07", "2025-02-01 09:00", "2025-02-10 10:00"),  # due 2025-03-31
        line("Y08", "H1", "PW", "2025-01-20 09:00", 10),   # never received
        y("Y09", "2025-01-20 09:00", "2025-01-31 10:00", status="cancelled"),
        y("Y10", "2025-01-20 09:00", "2025-01-31 10:00"),  # due 2025-02-28
        y("Y11", "2025-01-20 09:00", "2025-01-31 10:00"),  # due 2025-02-28
    ]


PAYMENTS = [
    payment("P01", "Y01", "100.00", "2025-02-28"),                 # on the due date
    payment("P02a", "Y02", "60.00", "2025-02-20"),
    payment("P02b", "Y02", "40.00", "2025-03-01", "fund_direct"),  # settled 1 day late
    payment("P04", "Y04", "100.00", "2026-01-31"),                 # on the due date
    payment("P07", "Y07", "100.00", "2026-02-10"),                 # after as_of 2026-02-01
    payment("P10", "Y10", "99.99", "2025-02-28"),                  # 0.01 short, forever
    # In two parts, the second on the due date: no single payment settles Y11, so it
    # is summed payment by payment — and it was paid in full on time.
    payment("P11a", "Y11", "30.00", "2025-02-03"),
    payment("P11b", "Y11", "70.00", "2025-02-28"),
]


def test_m1_end_of_next_month(engine):
    # as_of 2026-02-01:
    # Y01 paid in full on its due date 02-28 → none.
    # Y02 60 by the due date, 40 on 03-01 → settled late: warning, 03-01 − 02-28 = 1 day.
    # Y03 received 2025-12-15 → due 2026-01-31 → unpaid at 02-01: critical, 1 day.
    # Y04 same, paid 2026-01-31 → none. Y05 due 2026-02-28, not yet → none.
    # Y06 received 2026-02-05, after as_of → not received yet → none.
    # Y07 due 2025-03-31, paid 2026-02-10 (after as_of → not yet): critical,
    #     2025-03-31 → 2026-02-01 = 30+31+30+31+31+30+31+30+31+31+1 = 307 days.
    # Y08 never received; Y09 cancelled → none. Y11 30 + 70 by 02-28 → none.
    # Y10 99.99 of 100.00 by the due date, never the rest → critical,
    #     2025-02-28 → 2026-02-01 = 365 − 27 = 338 days.
    wh = engine.load(province(NO_PROGRESS, orders=_lines(), payments=PAYMENTS))
    run = engine.run(wh, "2026-02-01", [M1])
    assert_alerts(run.alerts, M1, [
        ("H1", "Y02", "warning", 1.0, 0.0),
        ("H1", "Y03", "critical", 1.0, 0.0),
        ("H1", "Y07", "critical", 307.0, 0.0),
        ("H1", "Y10", "critical", 338.0, 0.0),
    ])
    # The boundary on the same data: received 2025-01-31 → due 2025-02-28.
    # as_of 2025-02-28 = due → no alert for anyone.
    assert engine.run(wh, "2025-02-28", [M1]).of(M1) == []
    # as_of 2025-03-01: Y02 settled on 03-01 (1 day late, warning); Y10 still 0.01 short
    # (critical, 1 day); Y07 not due before 03-31; Y03…Y06 not received yet.
    run = engine.run(wh, "2025-03-01", [M1])
    assert_alerts(run.alerts, M1, [
        ("H1", "Y02", "warning", 1.0, 0.0),
        ("H1", "Y10", "critical", 1.0, 0.0),
    ])
