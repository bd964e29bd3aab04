"""S2 substitute.abnormal_growth (HENAN 二(九): 可替代产品采购量异常增长), by hand.

Defaults (rules.md): threshold 0.3, window 90 days, previous units ≥ 100. Substitutes of
the base province's V1 (阿托伐他汀钙片): SX (10 units per pack) and SY (1 unit); of V2
(冠脉支架): SZ (1 unit) — all three of variety V9. Units = packs × units_per_pack, on and
off platform, cancelled lines nowhere.
"""

from __future__ import annotations

from datetime import date

from engine_kit import agreed, assert_alerts, line, make_profile, product, province

from jicai.engine.run import run_monitor

S2 = "substitute.abnormal_growth"
KEY = ("institution_code", "variety_code", "batch_code", "severity")
PRODUCTS = [product("SX", "V9", units_per_pack=10), product("SY", "V9"),
            product("SZ", "V9")]
SUBSTITUTES = [{"variety_code": v, "product_code": p, "note": "同类替代"}
               for v, p in (("V1", "SX"), ("V1", "SY"), ("V2", "SZ"))]


def test_s2_growth_over_the_same_days_a_year_earlier(engine):
    # as_of 2025-06-30: cur = 2025-04-02 … 06-30 (90 dates), prev = 2024-04-02 … 06-30.
    # Agreed volumes in execution: B1/H1/V1 and B2/H2/V2 (base), B1/H2/V1, B1/H3/V1 (added).
    # H1/V1: prev SX 10 packs = 100 (2024-04-02, day 1); cur SX 13 packs = 130 (06-30
    #        23:59); SY 5 on 2025-04-01 (day 91) out → 130/100 − 1 = 0.3 = threshold → none.
    # H2/V1: prev SY 100 (2024-06-30, the last day); cur SY 130 (05-01) + SY 1 on 04-02
    #        (day 90, in) = 131 → 0.31 > 0.3 → alert (B1).
    # H3/V1: prev 99 < 100 → none, whatever cur (1 000).
    # H2/V2: prev SZ 100; cur 150 on platform + 50 off platform = 200 (a cancelled 400 and
    #        a line of 2025-07-01 uncounted) → 1.0 → alert (B2).
    # H1/V2: SZ from 100 to 300, but H1 has no agreed volume of V2 → none.
    # H1 also buys PN (V1's own product, not a substitute): counts nowhere here.
    orders = [
        line("S01", "H1", "SX", "2024-04-02 00:00", 10),
        line("S02", "H1", "SX", "2025-06-30 23:59", 13),
        line("S03", "H1", "SY", "2025-04-01 23:59", 5),
        line("S04", "H2", "SY", "2024-06-30 12:00", 100),
        line("S05", "H2", "SY", "2025-05-01 12:00", 130),
        line("S06", "H2", "SY", "2025-04-02 00:00", 1),
        line("S07", "H3", "SY", "2024-05-01 12:00", 99),
        line("S08", "H3", "SY", "2025-05-01 12:00", 1000),
        line("S09", "H2", "SZ", "2024-05-01 12:00", 100),
        line("S10", "H2", "SZ", "2025-05-01 12:00", 150),
        line("S11", "H2", "SZ", "2025-05-02 12:00", 50, on_platform=False),
        line("S12", "H2", "SZ", "2025-05-03 12:00", 400, status="cancelled"),
        line("S13", "H2", "SZ", "2025-07-01 00:00", 500),
        line("S14", "H1", "SZ", "2024-05-01 12:00", 100),
        line("S15", "H1", "SZ", "2025-05-01 12:00", 300),
        line("S16", "H1", "PN", "2025-05-01 12:00", 100),
    ]
    run = engine.monitor("2025-06-30", [S2], products=PRODUCTS, substitutes=SUBSTITUTES,
                         orders=orders, agreed_volumes=[agreed("B1", "H2", "V1", 300),
                                                        agreed("B1", "H3", "V1", 300)])
    assert_alerts(run.alerts, S2, [
        ("H2", "V1", "B1", "warning", 0.31, 0.3),
        ("H2", "V2", "B2", "warning", 1.0, 0.3),
    ], key=KEY)
    msg = next(a["message"] for a in run.of(S2) if a["variety_code"] == "V1")
    assert "131 个最小单位" in msg and "上年同期 100" in msg and "31.0%" in msg
    assert all(a["cycle_no"] == 1 for a in run.of(S2))


def test_s2_only_cycles_in_execution_and_29_february(engine):
    # B4 cycle 1 = 2024-01-01 … 2024-12-31 (agreed H1/V1); as_of 2024-02-29, 90 days:
    # cur = 2023-12-02 … 2024-02-29, prev = 2022-12-02 … 2023-02-28 (29 Feb → 28 Feb).
    # H1/V1: prev SY 100 on 2023-02-28 (in) and 50 on 2022-12-01 (out); cur SY 200 on
    #        2024-02-29 → 1.0 → alert (B4). B1 (2025) has not started → no second alert.
    # At as_of 2025-02-28 B4 has ended and B1 is in execution: cur 2024-12-01 … 2025-02-28,
    # prev 2023-12-01 … 2024-02-28 → prev 0 (the 2024-02-29 line is in neither) → none.
    batches = [{"batch_code": "B4", "cycle_no": 1, "name": "第八批国家集采",
                "level": "national", "category": "drug",
                "start_date": "2024-01-01", "end_date": "2024-12-31"}]
    awards = [{"batch_code": "B4", "product_code": "PW", "role": "winning",
               "award_price": "10.00"}]
    orders = [
        line("T1", "H1", "SY", "2023-02-28 12:00", 100),
        line("T2", "H1", "SY", "2022-12-01 12:00", 50),
        line("T3", "H1", "SY", "2024-02-29 12:00", 200),
    ]
    wh = engine.load(province(products=PRODUCTS, substitutes=SUBSTITUTES, orders=orders,
                              batches=batches, awards=awards,
                              agreed_volumes=[agreed("B4", "H1", "V1", 500)]))
    assert_alerts(engine.run(wh, "2024-02-29", [S2]).alerts, S2,
                  [("H1", "V1", "B4", "warning", 1.0, 0.3)], key=KEY)
    assert engine.run(wh, "2025-02-28", [S2]).of(S2) == []


def test_s2_settings_and_a_v1_folder(engine):
    # The first test's H2/V1 (131 vs 100) with threshold 0.31 → equal → none; with
    # min_units 101 → prev 100 too small → none. A folder without substitutes: S2 is off.
    orders = [line("U1", "H2", "SY", "2024-06-30 12:00", 100),
              line("U2", "H2", "SY", "2025-05-01 12:00", 131)]
    tables = province(products=PRODUCTS, substitutes=SUBSTITUTES, orders=orders,
                      agreed_volumes=[agreed("B1", "H2", "V1", 300)])
    wh = engine.load(tables)
    assert len(engine.run(wh, "2025-06-30", [S2]).of(S2)) == 1
    assert engine.run(wh, "2025-06-30", {S2: {"threshold": 0.31}}).of(S2) == []
    assert engine.run(wh, "2025-06-30", {S2: {"min_units": 101}}).of(S2) == []
    del tables["substitutes"]
    result = run_monitor(engine.load(tables), date(2025, 6, 30), make_profile([S2]), figures=False)
    assert [(r.status, r.note) for r in result.rules] == [
        ("off", "缺少表 / missing tables: substitutes")]
