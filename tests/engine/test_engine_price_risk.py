"""C3 price.risk (GUANGDONG 三(五): 销售额异常增长或连续涨价 → 红黄标), by hand.

Defaults (rules.md): rises yellow ≥ 2, red ≥ 3; sales growth yellow > 0.5, red > 1.0,
window 90 days, previous amount ≥ 10 000 yuan. One alert per product and measure,
ref = "rises" or "sales_growth"; yellow = warning, red = critical.
"""

from __future__ import annotations

from typing import Any

from engine_kit import NO_PROGRESS, assert_alerts, line, listing, province

C3 = "price.risk"
KEY = ("product_code", "ref", "severity")


def test_c3_consecutive_rises_in_the_last_365_days(engine):
    # as_of 2025-06-30: rows effective in (2024-06-30, 2025-06-30] count; the first of
    # them is compared with the row before it, of any date.
    # PW 10.00 (2024-01-01) → 10.50 (2024-09-01) → 11.00 (2025-01-01): 2 rises → yellow.
    # PB 12 (2024-06-30, not in the window) → 13 (07-01) → 14 (10-01) → 15 (2025-02-01):
    #    3 rises → red, threshold 3.
    # PN 9 (2024-01-01) → 10 (2024-06-30: a rise, but 365 days back is outside) → 11
    #    (2024-07-01) → 12 (2025-01-01): 2 rises → yellow (3 if the edge counted).
    # PQ 10 (2024-08-01) → 11 (09-01) → 11 (10-01, equal: no rise) → 12 (2025-01-01) →
    #    13 (2025-07-01, after as_of): the run ending at the latest row is 1 → none.
    # CW 700 (2024-10-01, the first row: nothing to compare) → 710 → 720: 2 → yellow.
    run = engine.monitor("2025-06-30", [C3], drop=NO_PROGRESS, orders=[], listing_prices=[
        listing("PW", "2024-01-01", "10.00"), listing("PW", "2024-09-01", "10.50"),
        listing("PW", "2025-01-01", "11.00"),
        listing("PB", "2024-06-30", "12.00"), listing("PB", "2024-07-01", "13.00"),
        listing("PB", "2024-10-01", "14.00"), listing("PB", "2025-02-01", "15.00"),
        listing("PN", "2024-01-01", "9.00"), listing("PN", "2024-06-30", "10.00"),
        listing("PN", "2024-07-01", "11.00"), listing("PN", "2025-01-01", "12.00"),
        listing("PQ", "2024-08-01", "10.00"), listing("PQ", "2024-09-01", "11.00"),
        listing("PQ", "2024-10-01", "11.00"), listing("PQ", "2025-01-01", "12.00"),
        listing("PQ", "2025-07-01", "13.00"),
        listing("CW", "2024-10-01", "700.00"), listing("CW", "2025-01-01", "710.00"),
        listing("CW", "2025-03-01", "720.00"),
    ])
    assert_alerts(run.alerts, C3, [
        ("PW", "rises", "warning", 2, 2),
        ("PB", "rises", "critical", 3, 3),
        ("PN", "rises", "warning", 2, 2),
        ("CW", "rises", "warning", 2, 2),
    ], key=KEY)
    assert {a["institution_code"] for a in run.of(C3)} == {None}
    msg = next(a["message"] for a in run.of(C3) if a["product_code"] == "PB")
    assert "连续上涨 3 次" in msg and "红标" in msg


def test_c3_a_price_cut_ends_the_run(engine):
    # PW 10 → 11 → 12 → 11.50 (2025-06-01): the latest row is a cut → 0 rises → none;
    # one day earlier (as_of 2025-05-31) the 11.50 row is not yet in force → 2 → yellow.
    wh = engine.load(_folder(orders=[], listing_prices=[
        listing("PW", "2024-08-01", "10.00"), listing("PW", "2024-09-01", "11.00"),
        listing("PW", "2025-01-01", "12.00"), listing("PW", "2025-06-01", "11.50")]))
    assert engine.run(wh, "2025-06-30", [C3]).of(C3) == []
    assert_alerts(engine.run(wh, "2025-05-31", [C3]).alerts, C3,
                  [("PW", "rises", "warning", 2, 2)], key=KEY)


def _folder(**rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return province(NO_PROGRESS, **rows)


def test_c3_sales_growth_against_the_same_days_a_year_earlier(engine):
    # as_of 2025-06-30, 90 days: cur = 2025-04-02 … 06-30, prev = 2024-04-02 … 06-30.
    # On-platform amounts (qty × unit price), cancelled lines and lines after as_of left out.
    # PW prev 10 000 (on 2024-04-02, the first day), cur 20 000 → growth 1.0 = red
    #    threshold → not red; > 0.5 → yellow, value 1.0, threshold 0.5.
    # PB prev 10 000 (2024-06-30, the last day), cur 15 001 → 0.5001 → yellow.
    # PN prev 9 999.99 < 10 000 → none, however large cur is.
    # PQ prev 10 000 (a line on 2024-04-01 is one day early), cur 25 000 (a line on
    #    2025-04-01 is one day early) → 1.5 → red, threshold 1.0.
    # CW prev 10 000, cur 14 000 on platform (+ off-platform 30 000, cancelled 30 000,
    #    2025-07-01 50 000 uncounted) → 0.4 → none.
    orders = [
        line("G01", "H1", "PW", "2024-04-02 00:00", 1000, "10.00"),
        line("G02", "H2", "PW", "2025-06-30 23:59", 2000, "10.00"),
        line("G03", "H1", "PB", "2024-06-30 23:59", 1000, "10.00"),
        line("G04", "H1", "PB", "2025-04-02 00:00", 1, "15001.00"),
        line("G05", "H1", "PN", "2024-05-01 09:00", 999, "10.01"),
        line("G06", "H1", "PN", "2025-05-01 09:00", 5000, "10.00"),
        line("G07", "H1", "PQ", "2024-04-01 09:00", 1000, "10.00"),
        line("G08", "H1", "PQ", "2024-05-01 09:00", 1000, "10.00"),
        line("G09", "H1", "PQ", "2025-04-01 09:00", 10000, "10.00"),
        line("G10", "H1", "PQ", "2025-05-01 09:00", 2500, "10.00"),
        line("G11", "H2", "CW", "2024-05-01 09:00", 10, "1000.00"),
        line("G12", "H2", "CW", "2025-05-01 09:00", 14, "1000.00"),
        line("G13", "H2", "CW", "2025-05-01 09:00", 30, "1000.00", on_platform=False),
        line("G14", "H2", "CW", "2025-05-01 09:00", 30, "1000.00", status="cancelled"),
        line("G15", "H2", "CW", "2025-07-01 09:00", 50, "1000.00"),
    ]
    wh = engine.load(_folder(orders=orders, listing_prices=[
        listing("PW", "2024-01-01", "10.00")]))
    run = engine.run(wh, "2025-06-30", [C3])
    assert_alerts(run.alerts, C3, [
        ("PW", "sales_growth", "warning", 1.0, 0.5),
        ("PB", "sales_growth", "warning", 0.5001, 0.5),
        ("PQ", "sales_growth", "critical", 1.5, 1.0),
    ], key=KEY)
    msg = next(a["message"] for a in run.of(C3) if a["product_code"] == "PQ")
    assert "近 90 天平台采购金额较上年同期增长 150.0%" in msg and "红标" in msg
    # A minimum of 10 000.01 drops every product (each prev is at most 10 000).
    assert engine.run(wh, "2025-06-30", {C3: {"min_amount": 10000.01}}).of(C3) == []


def test_c3_growth_equal_to_the_threshold_is_no_alert(engine):
    # PB prev 10 000, cur 15 000 → 0.5 = yellow threshold → none.
    # PW prev 1 000 × 10.00 = 10 000, cur 1 300 × 10.00 = 13 000 with yellow 0.3:
    #    1.3 − 1 = 0.30000000000000004 in floating point, equal as a decimal → none.
    orders = [
        line("E1", "H1", "PB", "2024-05-01 09:00", 1000, "10.00"),
        line("E2", "H1", "PB", "2025-05-01 09:00", 1500, "10.00"),
        line("E3", "H1", "PW", "2024-05-01 09:00", 1000, "10.00"),
        line("E4", "H1", "PW", "2025-05-01 09:00", 1300, "10.00"),
    ]
    wh = engine.load(_folder(orders=orders, listing_prices=[
        listing("PW", "2024-01-01", "10.00")]))
    got = engine.run(wh, "2025-06-30", {C3: {"yellow_growth": 0.3}}).of(C3)
    assert [(a["product_code"], a["value"]) for a in got] == [("PB", 0.5)]
    assert engine.run(wh, "2025-06-30", [C3]).of(C3) == []


def test_c3_29_february_compares_with_28_february(engine):
    # as_of 2024-02-29 (leap day), 90 days: cur = 2023-12-02 … 2024-02-29; one calendar
    # year earlier: 2022-12-02 … 2023-02-28 (29 Feb → 28 Feb).
    # PW prev: 10 000 on 2023-02-28 (the last day, in); 50 000 on 2022-12-01 (out).
    # cur: 25 000 on 2024-02-29 → 1.5 → red.
    orders = [
        line("F1", "H1", "PW", "2023-02-28 12:00", 1000, "10.00"),
        line("F2", "H1", "PW", "2022-12-01 12:00", 5000, "10.00"),
        line("F3", "H1", "PW", "2024-02-29 12:00", 2500, "10.00"),
    ]
    run = engine.monitor("2024-02-29", [C3], drop=NO_PROGRESS, orders=orders,
                         listing_prices=[listing("PW", "2022-01-01", "10.00")])
    assert_alerts(run.alerts, C3, [("PW", "sales_growth", "critical", 1.5, 1.0)], key=KEY)
