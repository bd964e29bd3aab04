"""F1 filing.late (GANZHOU 二(四); GUANGDONG 二(三)), F2 filing.amount_over_limit and
F3 filing.items_over_limit (GUANGDONG 二(三)), by hand.

Working days of 2025 used below (official calendar): 06-09 … 06-13 Mon–Fri, 06-16 … 06-20,
06-23 …; 09-26 Fri, 09-28 Sun (make-up workday), 09-29 Mon, 09-30 Tue, 10-01 … 10-08
holiday, 10-09 Thu, 10-10 Fri, 10-11 Sat (make-up workday), 10-13 Mon, 10-14 …;
2024-12-30 Mon, 12-31 Tue, 2025-01-01 holiday, 01-02 Thu, 01-03 Fri, 01-06 Mon, 01-07, 01-08.
"""

from __future__ import annotations

from engine_kit import NO_PROGRESS, assert_alerts, filing, line, product

F1 = "filing.late"
F2 = "filing.amount_over_limit"
F3 = "filing.items_over_limit"


def test_f1_seven_working_days(engine):
    # filed_at > add_working_days(purchased_at, 7) → alert; value = working days after the
    # purchase day up to the filing day (a non-working filing day counts as the next
    # working day), threshold 7. as_of 2025-12-31.
    # G01 bought Mon 06-09 → 7th working day after = Wed 06-18; filed 06-18 → none.
    # G02 bought 06-09, filed Thu 06-19 → 8.
    # G03 bought 06-09, filed Sat 06-21 (counts as Mon 06-23) → 10-13, 16-20, 23 = 10.
    # G04 bought Sat 06-14 → 16,17,18,19,20,23,24 → deadline Tue 06-24; filed 06-24 → none.
    # G05 bought Sat 06-14, filed Wed 06-25 → 8.
    # G06 bought Mon 09-29 → 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15 → filed 10-15
    #     → none (holiday skipped, Saturday 10-11 counted).
    # G07 bought 09-29, filed 10-16 → 8.
    # G08 bought Fri 09-26 → 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13 → filed Sun
    #     10-12 (counts as Mon 10-13) → 7 → none.
    # G09 bought 09-26, filed Tue 10-14 → 8.
    # G10 bought Fri 2024-12-27 → 12-30, 12-31, 01-02, 01-03, 01-06, 01-07, 01-08 → filed
    #     2025-01-08 → none; G11 filed 01-09 → 8.
    # G12 filed 2026-01-20, after as_of → not filed yet → none.
    run = engine.monitor("2025-12-31", [F1], filings=[
        filing("G01", "H1", "100.00", "2025-06-09", "2025-06-18"),
        filing("G02", "H1", "100.00", "2025-06-09", "2025-06-19"),
        filing("G03", "H1", "100.00", "2025-06-09", "2025-06-21"),
        filing("G04", "H1", "100.00", "2025-06-14", "2025-06-24"),
        filing("G05", "H1", "100.00", "2025-06-14", "2025-06-25"),
        filing("G06", "H2", "100.00", "2025-09-29", "2025-10-15"),
        filing("G07", "H2", "100.00", "2025-09-29", "2025-10-16"),
        filing("G08", "H2", "100.00", "2025-09-26", "2025-10-12"),
        filing("G09", "H2", "100.00", "2025-09-26", "2025-10-14"),
        filing("G10", "H3", "100.00", "2024-12-27", "2025-01-08", category="consumable"),
        filing("G11", "H3", "100.00", "2024-12-27", "2025-01-09", category="consumable"),
        filing("G12", "H3", "100.00", "2025-12-01", "2026-01-20"),
    ])
    assert_alerts(run.alerts, F1, [
        ("H1", "G02", "warning", 8.0, 7.0),
        ("H1", "G03", "warning", 10.0, 7.0),
        ("H1", "G05", "warning", 8.0, 7.0),
        ("H2", "G07", "warning", 8.0, 7.0),
        ("H2", "G09", "warning", 8.0, 7.0),
        ("H3", "G11", "warning", 8.0, 7.0),
    ])


def test_f2_amount_shares(engine):
    # as_of 2025-06-30. Amounts of the year = order lines of 2025 up to as_of, not cancelled.
    # H1: drug orders PW 1000 × 10.00 = 10 000.00; hv_consumable CW 10 × 700 = 7 000.00.
    #   Filed drug 100.00 → 100/10 000 = 1 % → none. Not counted: a negotiated drug (500),
    #   an HK/Macau drug (300), a 2024 purchase filed in 2025 (1000), a filing of
    #   2025-07-02 (after as_of, 1000).
    #   Filed hv_consumable 350.00 → 350/7 000 = 5 % → none.
    # H2: drug orders 10 000.00 (its cancelled 500 packs, its 2024 line and its line of
    #   2025-07-01 count nowhere); filed 100.01 → 0.010001 → alert.
    #   Consumables CW 10 × 700 = 7 000.00; filed consumable 200.00 + hv 150.01 = 350.01
    #   → 350.01 / 7 000 = 0.0500014 → alert (both consumable categories together).
    # H3: filed drug 50.00 but ordered nothing → empty denominator → no alert, no crash.
    run = engine.monitor("2025-06-30", [F2], drop=NO_PROGRESS, orders=[
        line("F01", "H1", "PW", "2025-03-01 09:00", 1000),
        line("F02", "H1", "CW", "2025-03-02 09:00", 10, "700.00"),
        line("F03", "H2", "PW", "2025-03-01 09:00", 1000),
        line("F04", "H2", "PW", "2025-03-03 09:00", 500, status="cancelled"),
        line("F05", "H2", "PW", "2024-12-31 09:00", 500),
        line("F06", "H2", "PW", "2025-07-01 09:00", 500),
        line("F07", "H2", "CW", "2025-03-02 09:00", 10, "700.00"),
    ], filings=[
        filing("Fa", "H1", "100.00", "2025-04-01", "2025-04-02"),
        filing("Fb", "H1", "500.00", "2025-04-01", "2025-04-02", is_negotiated=True),
        filing("Fc", "H1", "300.00", "2025-04-01", "2025-04-02", is_hk_macau=True),
        filing("Fd", "H1", "1000.00", "2024-12-30", "2025-01-03"),
        filing("Fe", "H1", "1000.00", "2025-06-25", "2025-07-02"),
        filing("Ff", "H1", "350.00", "2025-04-01", "2025-04-02", category="hv_consumable"),
        filing("Fg", "H2", "100.01", "2025-04-01", "2025-04-02"),
        filing("Fh", "H2", "200.00", "2025-04-01", "2025-04-02", category="consumable"),
        filing("Fi", "H2", "150.01", "2025-04-01", "2025-04-02", category="hv_consumable"),
        filing("Fj", "H3", "50.00", "2025-04-01", "2025-04-02"),
    ])
    assert_alerts(run.alerts, F2, [
        ("H2", "consumable", "warning", 350.01 / 7000, 0.05),
        ("H2", "drug", "warning", 100.01 / 10000, 0.01),
    ])


EXTRA = [f"X{i:02d}" for i in range(1, 17)]  # 16 more drug products → 20 with PW PB PN PQ


def test_f3_item_shares(engine):
    # as_of 2025-06-30. Stocked items = distinct drug products ordered in 2025 up to as_of.
    # H1 ordered all 20 drug products (PW PB PN PQ X01…X16). Filed drug items: X01 twice
    #   (one item) → 1/20 = 5 % → none. Not counted: a negotiated drug, a consumable, a
    #   2024 purchase, a filing of 2025-07-02.
    # H2 ordered 19 (all but X16; its cancelled X16 line, its 2024 X16 line and its X16 line
    #   of 2025-07-01 count nowhere; CW is no drug). Filed one item by name only (no code)
    #   → 1/19 = 0.052632 → alert.
    # H3 filed an item but ordered nothing → empty denominator → none.
    drugs = ["PW", "PB", "PN", "PQ", *EXTRA]
    orders = [line(f"I1{p}", "H1", p, "2025-02-01 09:00", 1, "1.00") for p in drugs]
    orders += [line(f"I2{p}", "H2", p, "2025-02-01 09:00", 1, "1.00") for p in drugs[:-1]]
    orders += [
        line("I2c", "H2", "X16", "2025-02-02 09:00", 1, "1.00", status="cancelled"),
        line("I2y", "H2", "X16", "2024-12-31 09:00", 1, "1.00"),
        line("I2n", "H2", "X16", "2025-07-01 09:00", 1, "1.00"),
        line("I2w", "H2", "CW", "2025-02-01 09:00", 1, "700.00"),
    ]
    run = engine.monitor("2025-06-30", [F3], drop=NO_PROGRESS, products=[product(p, "V9") for p in EXTRA],
                         orders=orders, filings=[
        filing("K1", "H1", "5.00", "2025-03-01", "2025-03-02", product_code="X01"),
        filing("K2", "H1", "5.00", "2025-04-01", "2025-04-02", product_code="X01"),
        filing("K3", "H1", "5.00", "2025-04-01", "2025-04-02", product_name="乙药",
               is_negotiated=True),
        filing("K4", "H1", "5.00", "2025-04-01", "2025-04-02", product_name="某耗材",
               category="consumable"),
        filing("K5", "H1", "5.00", "2024-12-30", "2025-01-03", product_name="丁药"),
        filing("K6", "H1", "5.00", "2025-06-25", "2025-07-02", product_name="戊药"),
        filing("K7", "H2", "5.00", "2025-04-01", "2025-04-02", product_name="丙药"),
        filing("K8", "H3", "5.00", "2025-04-01", "2025-04-02", product_name="己药"),
    ])
    assert_alerts(run.alerts, F3, [("H2", "drug", "warning", 1 / 19, 0.05)])
