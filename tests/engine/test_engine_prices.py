"""C1 price.above_listing (GUANGDONG 二(二)) and C2 price.nonwinning_above_cap
(HENAN 二(六); JILIN 第十条), by hand. as_of 2025-06-30."""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, line, listing

C1 = "price.above_listing"
C2 = "price.nonwinning_above_cap"


def test_c1_listing_in_effect_on_the_order_date(engine):
    # Listings: PW 10.00 from 2025-01-01, 9.50 from 2025-06-01 (20.00 from 07-01, after
    # as_of); PB 12.00 from 2025-01-01. Alert when unit_price > listing + 0.005;
    # value = unit price, threshold = the listing price.
    # C01 PW 05-31 @ 10.005  → = 10.00 + 0.005 → none.
    # C02 PW 05-31 @ 10.0051 → alert (10.0051 vs 10.00).
    # C03 PW 06-01 08:00 @ 10.00 → the 9.50 listing is in effect → alert.
    # C04 PW 06-02 @ 9.505 → = 9.50 + 0.005 → none.
    # C05 PW 05-31 23:59 @ 10.00 → still the 10.00 listing → none.
    # C06 off-platform @ 20.00, C07 cancelled @ 20.00 → none.
    # C08 PN (no listing) @ 50.00 → nothing to compare → none.
    # C09 PW 2024-12-31 @ 20.00 → before the first listing → none.
    # C10 PW 2025-07-01 @ 30.00 → after as_of → none.
    # C11 (H2) PB 03-01 @ 12.01 → alert (12.01 vs 12.00).
    run = engine.monitor("2025-06-30", [C1], drop=NO_PROGRESS, listing_prices=[
        listing("PW", "2025-01-01", "10.00"),
        listing("PW", "2025-06-01", "9.50"),
        listing("PW", "2025-07-01", "20.00"),
        listing("PB", "2025-01-01", "12.00"),
    ], orders=[
        line("C01", "H1", "PW", "2025-05-31 10:00", 1, "10.005"),
        line("C02", "H1", "PW", "2025-05-31 10:00", 1, "10.0051"),
        line("C03", "H1", "PW", "2025-06-01 08:00", 1, "10.00"),
        line("C04", "H1", "PW", "2025-06-02 08:00", 1, "9.505"),
        line("C05", "H1", "PW", "2025-05-31 23:59", 1, "10.00"),
        line("C06", "H1", "PW", "2025-05-31 10:00", 1, "20.00", on_platform=False),
        line("C07", "H1", "PW", "2025-05-31 10:00", 1, "20.00", status="cancelled"),
        line("C08", "H1", "PN", "2025-05-31 10:00", 1, "50.00"),
        line("C09", "H1", "PW", "2024-12-31 10:00", 1, "20.00"),
        line("C10", "H1", "PW", "2025-07-01 10:00", 1, "30.00"),
        line("C11", "H2", "PB", "2025-03-01 10:00", 1, "12.01"),
    ])
    assert_alerts(run.alerts, C1, [
        ("H1", "C02", "warning", 10.0051, 10.0),
        ("H1", "C03", "warning", 10.0, 9.5),
        ("H2", "C11", "warning", 12.01, 12.0),
    ])


def test_c2_listing_in_force_at_as_of(engine):
    # The listing in force at as_of (latest effective_date ≤ as_of), unless delisted;
    # alert when price > price_cap; ref = its effective date.
    # PN: 9.00 / cap 8.00 from 01-01 (superseded), 8.00 / cap 8.00 from 04-01 → equal → none.
    # PQ: 8.01 / cap 8.00 from 02-01 → alert.
    # PB: 12.00 / cap 11.00 from 01-01 is in force (10.00 from 07-01 is after as_of) → alert.
    # PW: 10.00 without cap from 01-01, then 20.00 / cap 10.00 delisted from 03-01 → none.
    # CW: no cap → none.
    run = engine.monitor("2025-06-30", [C2], listing_prices=[
        listing("PN", "2025-01-01", "9.00", "8.00"),
        listing("PN", "2025-04-01", "8.00", "8.00"),
        listing("PQ", "2025-02-01", "8.01", "8.00"),
        listing("PB", "2025-01-01", "12.00", "11.00"),
        listing("PB", "2025-07-01", "10.00", "11.00"),
        listing("PW", "2025-01-01", "10.00"),
        listing("PW", "2025-03-01", "20.00", "10.00", status="delisted"),
        listing("CW", "2025-01-01", "700.00"),
    ])
    assert_alerts(run.alerts, C2, [
        ("PB", "2025-01-01", "warning", 12.0, 11.0),
        ("PQ", "2025-02-01", "warning", 8.01, 8.0),
    ], key=("product_code", "ref", "severity"))
    assert {a["institution_code"] for a in run.of(C2)} == {None}
