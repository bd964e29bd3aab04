"""C4 price.above_award and C5 price.offline_above_listing (rules.md, "Rules added in
contract v1.1"; GANZHOU 二(五), GUANGDONG 三(四)), worked out by hand.

C4: an on-platform line of a product awarded (winning or backup) in batch B, ordered
inside a window of B, unit_price > award_price + 0.005 → warning, value = unit_price,
threshold = award_price, ref = the line. C5: an off-platform line, the listing in effect
on the order date `listed`, unit_price > price + 0.005 → warning, threshold = the listing.

Awards: B0 (2024-01-01 … 2024-12-31, added) PW 11.00; B1 (2025) PW 10.00, PB 12.00;
B2 (2025-03-01 … 2026-02-28) CW 700.00. as_of 2025-06-30.
"""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, line, listing

C4 = "price.above_award"
C5 = "price.offline_above_listing"
KEY = ("institution_code", "ref", "batch_code")

B0 = {"batch_code": "B0", "cycle_no": 1, "name": "第九批国家集采", "level": "national",
      "category": "drug", "start_date": "2024-01-01", "end_date": "2024-12-31"}
B0_AWARD = {"batch_code": "B0", "product_code": "PW", "role": "winning", "award_price": "11.00"}

ORDERS = [
    # --- C4 (on platform)
    line("C01", "H1", "PW", "2025-03-01 09:00", 1, "10.005"),   # = 10.00 + 0.005 → none
    line("C02", "H1", "PW", "2025-03-02 09:00", 1, "10.0051"),  # above → alert
    line("C03", "H1", "PB", "2025-03-03 09:00", 1, "12.50"),    # backup above 12.00 → alert
    line("C04", "H1", "PN", "2025-03-04 09:00", 1, "20.00"),    # not awarded → none
    line("C06", "H2", "CW", "2025-02-28 23:59", 1, "750.00"),   # before B2's window → none
    line("C07", "H2", "CW", "2025-03-01 00:00", 1, "750.00"),   # first day of B2 → alert
    line("C08", "H1", "PW", "2025-07-01 00:00", 1, "11.00"),    # after as_of → none
    line("C09", "H1", "PW", "2024-12-31 23:59", 1, "11.00"),    # B0's last day, = 11.00
    line("C10", "H1", "PW", "2024-06-01 09:00", 1, "11.50"),    # B0 window → alert vs 11
    line("C11", "H1", "PW", "2025-01-01 00:00", 1, "10.50"),    # B1 (not B0) → alert vs 10
    # --- C5 (off platform); C4 never looks at these
    line("C05", "H1", "PW", "2025-03-05 09:00", 1, "11.00", on_platform=False),  # vs 10.00
    line("X01", "H1", "PW", "2025-04-30 09:00", 1, "10.50", on_platform=False),  # vs 10.00
    line("X02", "H1", "PW", "2025-05-01 09:00", 1, "10.50", on_platform=False),  # vs 10.80
    line("X03", "H1", "PW", "2025-05-02 09:00", 1, "10.805", on_platform=False),  # = + 0.005
    line("X04", "H1", "PN", "2025-04-02 09:00", 1, "20.00", on_platform=False),  # suspended
    line("X05", "H1", "PN", "2025-03-31 09:00", 1, "15.01", on_platform=False),  # vs 15.00
    line("X07", "H2", "CW", "2025-06-01 09:00", 1, "800.00", on_platform=False),  # no listing
    line("X08", "H1", "PW", "2024-12-31 09:00", 1, "12.00", on_platform=False),  # none yet
    line("X09", "H1", "PW", "2025-07-01 09:00", 1, "20.00", on_platform=False),  # after as_of
    line("X10", "H1", "PQ", "2025-06-01 09:00", 1, "20.00", on_platform=False,
         status="cancelled"),                                                    # cancelled
    # on platform above the listing: C1's business, not C5's — but above PW's award (C4)
    line("X06", "H1", "PW", "2025-04-30 09:00", 1, "10.50"),
]
LISTINGS = [
    listing("PW", "2025-01-01", "10.00"), listing("PW", "2025-05-01", "10.80"),
    listing("PN", "2025-01-01", "15.00"), listing("PN", "2025-04-01", "15.00",
                                                  status="suspended"),
    listing("PQ", "2025-01-01", "9.00"),
    listing("PW", "2025-06-30", "10.00"),  # in force from as_of: no line of that day
]


def test_c4_and_c5_boundaries_windows_and_listing_status(engine):
    run = engine.monitor("2025-06-30", [C4, C5], drop=NO_PROGRESS, batches=[B0],
                         awards=[B0_AWARD], orders=ORDERS, listing_prices=LISTINGS)
    assert_alerts(run.alerts, C4, [
        ("H1", "C02", "B1", 10.0051, 10.0),
        ("H1", "C03", "B1", 12.5, 12.0),
        ("H2", "C07", "B2", 750.0, 700.0),
        ("H1", "C10", "B0", 11.5, 11.0),
        ("H1", "C11", "B1", 10.5, 10.0),
        ("H1", "X06", "B1", 10.5, 10.0),
    ], key=KEY)
    assert_alerts(run.alerts, C5, [
        ("H1", "C05", None, 11.0, 10.0),
        ("H1", "X01", None, 10.5, 10.0),
        ("H1", "X05", None, 15.01, 15.0),
    ], key=KEY)
    assert {a["severity"] for a in run.alerts} == {"warning"}
    c07 = next(a for a in run.of(C4) if a["ref"] == "C07")
    assert "冠脉支架省级集采" in c07["message"] and "700.0000" in c07["message"]
    x05 = next(a for a in run.of(C5) if a["ref"] == "X05")
    assert "线下" in x05["message"] and "15.0100" in x05["message"]
