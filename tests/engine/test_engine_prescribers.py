"""K1 prescriber.nonwinning_high (HENAN 二(三): 不合理大量使用高价非中选产品的科室和医生),
by hand.

Defaults (rules.md): share > 0.5, high-priced units ≥ 100. Base province: B1 cycle 1
(2025-01-01 … 2025-12-31) awards V1's PW winning at 10.00 per 10 units → lowest winning
price 1.00 per unit; PB backup (awarded, so not non-winning); PN and PQ non-winning.
Listings in force at as_of 2025-06-30: PN 15.00 / 10 = 1.50 per unit > 1.00 → high;
PQ 10.00 / 10 = 1.00 (20.00 until 05-01; 30.00 from 07-01, after as_of) → not high.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine_kit import NO_PROGRESS, assert_alerts, listing, make_profile, province

from jicai.engine.run import run_monitor

K1 = "prescriber.nonwinning_high"
KEY = ("institution_code", "ref", "batch_code", "severity")
LISTINGS = [listing("PN", "2025-01-01", "15.00"), listing("PQ", "2025-01-01", "20.00"),
            listing("PQ", "2025-05-01", "10.00"), listing("PQ", "2025-07-01", "30.00"),
            listing("PW", "2025-01-01", "10.00")]

_n = 0


def rx(inst: str, doctor: str, product: str, units: int, at: str = "2025-06-01 09:00",
       department: str = "心内科") -> dict[str, Any]:
    global _n
    _n += 1
    return {"prescription_line_id": f"RX{_n:04d}", "institution_code": inst,
            "department": department, "doctor_code": doctor, "product_code": product,
            "prescribed_at": at, "units": units}


def test_k1_share_of_high_priced_nonwinning_units(engine):
    # H1/D1: PN 60 (06-01, 心内科) + 41 (06-20, 老年科) = 101, PW 99 → 101/200 = 0.505
    #        > 0.5, 101 ≥ 100 → alert; the department named is the latest one, 老年科.
    # H1/D2: PN 100, PW 100 → 0.5 = threshold → none.
    # H1/D3: PN 100, PQ 50 (not high: 1.00 per unit = lowest) → 100/150 = 0.667, exactly
    #        100 high units ≥ 100 → alert.
    # H1/D4: PN 99 alone → share 1.0 but 99 < 100 → none.
    # H2/D5: PN 150, PB 100 (backup) → 150/250 = 0.6 → alert; PN 200 on 2025-07-01
    #        (after as_of) and 300 on 2024-12-31 (before the window) uncounted.
    # H1/D6: PQ 200 alone → 0 high → none (PQ's 20.00 listing was replaced on 05-01).
    # H2/D1: the same code at another institution is another doctor: PN 100 → 1.0 → alert.
    rows = [
        rx("H1", "D1", "PN", 60), rx("H1", "D1", "PN", 41, "2025-06-20 09:00", "老年科"),
        rx("H1", "D1", "PW", 99),
        rx("H1", "D2", "PN", 100), rx("H1", "D2", "PW", 100),
        rx("H1", "D3", "PN", 100), rx("H1", "D3", "PQ", 50),
        rx("H1", "D4", "PN", 99),
        rx("H2", "D5", "PN", 150), rx("H2", "D5", "PB", 100),
        rx("H2", "D5", "PN", 200, "2025-07-01 00:00"),
        rx("H2", "D5", "PN", 300, "2024-12-31 23:59"),
        rx("H1", "D6", "PQ", 200),
        rx("H2", "D1", "PN", 100),
    ]
    run = engine.monitor("2025-06-30", [K1], drop=NO_PROGRESS, prescriptions=rows,
                         listing_prices=LISTINGS)
    assert_alerts(run.alerts, K1, [
        ("H1", "D1", "B1", "warning", 101 / 200, 0.5),
        ("H1", "D3", "B1", "warning", 100 / 150, 0.5),
        ("H2", "D5", "B1", "warning", 150 / 250, 0.5),
        ("H2", "D1", "B1", "warning", 1.0, 0.5),
    ], key=KEY)
    assert {a["variety_code"] for a in run.of(K1)} == {"V1"}
    msg = next(a["message"] for a in run.of(K1)
               if (a["institution_code"], a["ref"]) == ("H1", "D1"))
    assert "宛城区人民医院老年科医师 D1" in msg and "101 个最小单位" in msg and "50.5%" in msg


def test_k1_only_while_the_cycle_is_in_execution(engine):
    # The same doctor H2/D1 (PN 100 → share 1.0): at as_of 2026-01-01 B1 has ended → none;
    # at 2024-12-31 it has not started → none; with min_units 101 → none.
    wh = engine.load(province(NO_PROGRESS, prescriptions=[rx("H2", "D1", "PN", 100)],
                              listing_prices=LISTINGS))
    assert len(engine.run(wh, "2025-12-31", [K1]).of(K1)) == 1
    assert engine.run(wh, "2026-01-01", [K1]).of(K1) == []
    assert engine.run(wh, "2024-12-31", [K1]).of(K1) == []
    assert engine.run(wh, "2025-12-31", {K1: {"min_units": 101}}).of(K1) == []


def test_k1_off_without_prescriptions(engine):
    wh = engine.load(province(NO_PROGRESS, listing_prices=LISTINGS))
    result = run_monitor(wh, date(2025, 6, 30), make_profile([K1]), figures=False)
    assert [(r.status, r.note) for r in result.rules] == [
        ("off", "缺少表 / missing tables: prescriptions")]
