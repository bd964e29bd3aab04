"""A1 agreement.unsigned (JILIN 第五条) and O1 online.rate_low (GANZHOU 附件1), by hand."""

from __future__ import annotations

from engine_kit import (
    M1,
    M2,
    NO_PROGRESS,
    agreed,
    agreement,
    assert_alerts,
    line,
    product,
    province,
)

A1 = "agreement.unsigned"
O1 = "online.rate_low"


def test_a1_deadline_is_start_plus_30_days(engine):
    # B1 starts 2025-01-01 → deadline 2025-01-31; alert only when as_of > deadline.
    # Pairs in agreed_volumes: B1 H1/M1 (base), H2/M1, H3/M1, H1/M2; B2 H2/M1 (B2 starts
    # 2025-03-01: not started at either as_of → nothing).
    #   H1/M1 signed 2025-01-31 → on the deadline → fine.
    #   H2/M1 signed 2025-02-01 → late: warning, value = 02-01 − 01-01 = 31 days.
    #   H3/M1 signed 2025-02-10 → after as_of 02-05, unsigned then: critical, 02-05 − 01-01 = 35.
    #   H1/M2 agreement row without a date → unsigned: critical, 35.
    # as_of 2025-01-31 (= deadline): no alert at all, though H2, H3, H1/M2 are unsigned then.
    wh = engine.load(province(agreed_volumes=[
        agreed("B1", "H2", "V1", 100), agreed("B1", "H3", "V1", 100),
        agreed("B1", "H1", "V1", 100, company=M2),
    ], agreements=[
        agreement("B1", "H1", M1, "2025-01-31"),
        agreement("B1", "H2", M1, "2025-02-01"),
        agreement("B1", "H3", M1, "2025-02-10"),
        agreement("B1", "H1", M2, None),
    ]))
    assert engine.run(wh, "2025-01-31", [A1]).of(A1) == []
    run = engine.run(wh, "2025-02-05", [A1])
    assert_alerts(run.alerts, A1, [
        ("H1", M2, "critical", 35.0, 30.0),
        ("H2", M1, "warning", 31.0, 30.0),
        ("H3", M1, "critical", 35.0, 30.0),
    ])


def test_o1_online_rate_per_institution_and_category(engine):
    # as_of 2025-06-30; amounts of the year = lines ordered 2025-01-01 … as_of, not cancelled.
    # H1 drug: on 90 × 10.00 = 900.00, off 10 × 10.00 = 100.00 → 900/1000 = 0.9 → none.
    #   Its cancelled off-platform 100.00, its off-platform line of 2025-07-01 and its
    #   off-platform line of 2024-12-31 count nowhere (each would pull it below 0.9).
    # H2 drug: on 1 × 899.00, off 1 × 101.00 → 0.899 < 0.9 → alert.
    # H1 hv_consumable: on 3 × 700 = 2100, off 1 × 700 → 2100/2800 = 0.75 < 0.8 → alert.
    # H2 hv_consumable: on 4 × 700 = 2800, off 1 × 700 → 2800/3500 = 0.8 → none.
    # H3: an ordinary consumable (GZ) bought only off-platform → category not monitored;
    #     a drug line priced 0.00 → denominator 0 → no alert, no crash.
    run = engine.monitor("2025-06-30", [O1], drop=NO_PROGRESS, products=[
        product("GZ", "V3", "consumable"),
    ], orders=[
        line("O01", "H1", "PW", "2025-02-01 09:00", 90),
        line("O02", "H1", "PN", "2025-02-02 09:00", 10, on_platform=False),
        line("O03", "H1", "PN", "2025-02-03 09:00", 10, on_platform=False, status="cancelled"),
        line("O04", "H1", "PN", "2025-07-01 09:00", 10, on_platform=False),
        line("O05", "H1", "PN", "2024-12-31 09:00", 10, on_platform=False),
        line("O06", "H2", "PW", "2025-03-01 09:00", 1, "899.00"),
        line("O07", "H2", "PN", "2025-03-02 09:00", 1, "101.00", on_platform=False),
        line("O08", "H1", "CW", "2025-04-01 09:00", 3, "700.00"),
        line("O09", "H1", "CW", "2025-04-02 09:00", 1, "700.00", on_platform=False),
        line("O10", "H2", "CW", "2025-04-01 09:00", 4, "700.00"),
        line("O11", "H2", "CW", "2025-04-02 09:00", 1, "700.00", on_platform=False),
        line("O12", "H3", "GZ", "2025-04-01 09:00", 5, "3.00", on_platform=False),
        line("O13", "H3", "PW", "2025-04-01 09:00", 1, "0.00"),
    ])
    assert_alerts(run.alerts, O1, [
        ("H1", "hv_consumable", "warning", 0.75, 0.8),
        ("H2", "drug", "warning", 0.899, 0.9),
    ])
