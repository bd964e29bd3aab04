"""H1 trace.duplicate_dispense, H2 trace.receipt_unscanned, H3 trace.dispensed_over_received
(JILIN 第十八条; GUANGDONG 三(四)、五(十一)), by hand.

Products of the base province (tests/builders.py): PW, PB, PN, PQ of V1 are drugs with
10 units per pack; CW of V2 is a consumable with 1 unit per pack.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine_kit import NO_PROGRESS, assert_alerts, line, make_profile, province

from jicai.engine.run import run_monitor

H1 = "trace.duplicate_dispense"
H2 = "trace.receipt_unscanned"
H3 = "trace.dispensed_over_received"


def scan(sid: str, code: str, inst: str, product: str, event: str, at: str,
         split: bool = False, order_line_id: str | None = None) -> dict[str, Any]:
    return {"scan_id": sid, "trace_code": code, "institution_code": inst,
            "product_code": product, "event": event, "scanned_at": at, "split": split,
            "order_line_id": order_line_id}


def dispensed(prefix: str, code: str, inst: str, times: int, at: str = "2025-06-10 09:00",
              split: bool = False, product: str = "PW") -> list[dict[str, Any]]:
    return [scan(f"{prefix}{i}", code, inst, product, "dispense", at, split)
            for i in range(times)]


def test_h1_twice_two_institutions_split_packs_and_as_of(engine):
    # as_of 2025-06-30. One alert per code, severity critical, value = dispense scans,
    # threshold = allowed (1; a split code: PW's 10 units per pack), institution = the
    # latest dispense scan's.
    # Z "00012345678901234567" H1 twice (whole)                → 2 > 1 → alert (H1), the
    #     leading zeros kept in ref.
    # Y "00000000000000000001" H1 06-10, H2 06-11 (once each) → 2 institutions → alert,
    #     latest at H2; value 2, threshold 1.
    # X  once at H1, plus a receive scan                       → 1 ≤ 1 → none.
    # S  split, 10 times at H1                                  → 10 ≤ 10 → none.
    # T  split, 11 times at H1                                  → 11 > 10 → alert.
    # U  split, 2 times: H1 06-10, H3 06-12                     → 2 institutions → alert
    #     (H3), threshold 10.
    # A  once 06-30 23:59, once 07-01 00:00 (after as_of)      → 1 → none.
    z, y = "00012345678901234567", "00000000000000000001"
    scans = [
        *dispensed("z", z, "H1", 2),
        scan("y1", y, "H1", "PW", "dispense", "2025-06-10 09:00"),
        scan("y2", y, "H2", "PW", "dispense", "2025-06-11 09:00"),
        scan("x0", "X", "H1", "PW", "receive", "2025-06-01 09:00"),
        scan("x1", "X", "H1", "PW", "dispense", "2025-06-10 09:00"),
        *dispensed("s", "S", "H1", 10, split=True),
        *dispensed("t", "T", "H1", 11, split=True),
        scan("u1", "U", "H1", "PW", "dispense", "2025-06-10 09:00", split=True),
        scan("u2", "U", "H3", "PW", "dispense", "2025-06-12 09:00", split=True),
        scan("a1", "A", "H1", "PW", "dispense", "2025-06-30 23:59"),
        scan("a2", "A", "H1", "PW", "dispense", "2025-07-01 00:00"),
    ]
    run = engine.monitor("2025-06-30", [H1], drop=NO_PROGRESS, trace_scans=scans)
    assert_alerts(run.alerts, H1, [
        ("H1", z, "critical", 2, 1),
        ("H2", y, "critical", 2, 1),
        ("H1", "T", "critical", 11, 10),
        ("H3", "U", "critical", 2, 10),
    ])
    assert {a["product_code"] for a in run.of(H1)} == {"PW"}
    msg = next(a["message"] for a in run.of(H1) if a["ref"] == y)
    assert "00000000000000000001" in msg and "2 家医疗机构" in msg and "卧龙区人民医院" in msg


def test_h1_after_as_of_scans_wait(engine):
    # The same folder a day later (as_of 2025-07-01): code A's second scan has happened.
    scans = [scan("a1", "A", "H1", "PW", "dispense", "2025-06-30 23:59"),
             scan("a2", "A", "H1", "PW", "dispense", "2025-07-01 00:00")]
    wh = engine.load(_folder(trace_scans=scans))
    assert engine.run(wh, "2025-06-30", [H1]).of(H1) == []
    assert_alerts(engine.run(wh, "2025-07-01", [H1]).alerts, H1, [("H1", "A", "critical", 2, 1)])


def _folder(**rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return province(NO_PROGRESS, **rows)


def _receipts(prefix: str, inst: str, product: str, n: int, at: str) -> list[dict[str, Any]]:
    return [scan(f"{prefix}{i}", f"{prefix}-{i:05d}", inst, product, "receive", at)
            for i in range(n)]


H2_ORDERS = [
    # H1/PW: 20 packs received 09-30 23:00 (the last day of September)
    line("R1", "H1", "PW", "2025-09-28 09:00", 20, received_at="2025-09-30 23:00"),
    # H2/PW: 20 ordered, 18 delivered, received 03-10 → 18 packs
    line("R2", "H2", "PW", "2025-03-03 09:00", 20, delivered_packs=18,
         delivered_at="2025-03-09 09:00", received_at="2025-03-10 09:00"),
    # H3/PW: 9 packs received in May; 1 more received 10-02 (a month not yet ended)
    line("R3", "H3", "PW", "2025-05-01 09:00", 9, received_at="2025-05-05 09:00"),
    line("R4", "H3", "PW", "2025-09-29 09:00", 1, received_at="2025-10-02 09:00"),
    # H3/PB: exactly 10 packs received, never scanned
    line("R5", "H3", "PB", "2025-05-01 09:00", 10, "12.00", received_at="2025-05-05 09:00"),
    # H2/CW: a consumable, 10 packs, never scanned (no drug traceability code)
    line("R6", "H2", "CW", "2025-05-01 09:00", 10, "700.00", received_at="2025-05-05 09:00"),
    # H1/PN: received in 2024 (not this year); H1/PQ cancelled
    line("R7", "H1", "PN", "2024-12-10 09:00", 50, received_at="2024-12-20 09:00"),
    line("R8", "H1", "PQ", "2025-04-01 09:00", 30, status="cancelled",
         received_at="2025-04-02 09:00"),
    # H2/PN: 10 packs ordered, never received
    line("R9", "H2", "PN", "2025-04-01 09:00", 10),
]
H2_SCANS = [
    # H1/PW: 19 distinct codes on 09-30 and one of them scanned twice → 19
    *_receipts("a", "H1", "PW", 19, "2025-09-30 23:30"),
    scan("a-dup", "a-00000", "H1", "PW", "receive", "2025-09-30 23:40"),
    # H2/PW: 17 codes in March, 1 more on 10-01 (after the period)
    *_receipts("b", "H2", "PW", 17, "2025-03-10 10:00"),
    scan("b-late", "b-late", "H2", "PW", "receive", "2025-10-01 09:00"),
    # a dispense scan is not a receipt
    scan("b-disp", "b-disp", "H2", "PW", "dispense", "2025-03-11 09:00"),
]


def test_h2_judges_institutions_that_scan_nothing_only_where_the_profile_says(engine):
    # as_of 2025-10-15, the orders and scans above. H3 has sent no scan at all.
    # reporting_only false (JILIN 第十八条: every institution scans): H3/PB 0 / 10 → alert.
    # reporting_only true (GUANGDONG 五(十一): 逐步扩大监测范围): H3 is not judged; H2, which
    # scans, still is (17 / 18).
    wh = engine.load(_folder(orders=H2_ORDERS, trace_scans=H2_SCANS))
    everyone = engine.run(wh, "2025-10-15", {H2: {"reporting_only": False}})
    assert {(a["institution_code"], a["product_code"]) for a in everyone.of(H2)} == {
        ("H2", "PW"), ("H3", "PB")}
    reporting = engine.run(wh, "2025-10-15", {H2: {"reporting_only": True}})
    assert_alerts(reporting.alerts, H2, [("H2", "PW", "warning", 17 / 18, 0.95)],
                  key=("institution_code", "product_code", "severity"))


def test_h2_coverage_of_months_ended(engine):
    # as_of 2025-10-15: the months ended by then are January … September, so the period
    # is 2025-01-01 … 2025-09-30 (received_at and receive scans alike).
    # H1/PW: 19 distinct codes / 20 packs = 0.95 = threshold → none (equal is no alert).
    # H2/PW: 17 / 18 = 0.9444… < 0.95, 18 ≥ 10 packs → alert, value 17/18.
    # H3/PW: 9 packs (the 10-02 receipt is in October) < min_packs 10 → none.
    # H3/PB: 0 / 10 = 0, 10 packs ≥ 10 → alert, value 0.
    # H2/CW consumable, H1/PN received in 2024, H1/PQ cancelled, H2/PN not received → none.
    wh = engine.load(_folder(orders=H2_ORDERS, trace_scans=H2_SCANS))
    run = engine.run(wh, "2025-10-15", [H2])
    assert_alerts(run.alerts, H2, [
        ("H2", "PW", "warning", 17 / 18, 0.95),
        ("H3", "PB", "warning", 0.0, 0.95),
    ], key=("institution_code", "product_code", "severity"))
    msg = next(a["message"] for a in run.of(H2) if a["product_code"] == "PW")
    assert "18 盒" in msg and "17 个" in msg and "94.4%" in msg and "2025-09-30" in msg
    # as_of 2025-09-30, the last day of September: September has ended, same period.
    assert_alerts(engine.run(wh, "2025-09-30", [H2]).alerts, H2, [
        ("H2", "PW", "warning", 17 / 18, 0.95),
        ("H3", "PB", "warning", 0.0, 0.95),
    ], key=("institution_code", "product_code", "severity"))
    # as_of 2025-09-29: the period ends 08-31; H1's September receipt is not in it.
    assert_alerts(engine.run(wh, "2025-09-29", [H2]).alerts, H2, [
        ("H2", "PW", "warning", 17 / 18, 0.95),
        ("H3", "PB", "warning", 0.0, 0.95),
    ], key=("institution_code", "product_code", "severity"))
    # as_of 2025-01-20: no month of 2025 has ended → no period, no alert.
    assert engine.run(wh, "2025-01-20", [H2]).of(H2) == []


def test_h2_one_scan_short_of_the_threshold(engine):
    # H1/PW with 18 codes for 20 packs (previous test: 19 → none): 18/20 = 0.9 → alert.
    scans = _receipts("a", "H1", "PW", 18, "2025-09-30 23:30")
    run = engine.monitor("2025-10-15", [H2], drop=NO_PROGRESS, orders=H2_ORDERS[:1],
                         trace_scans=scans)
    assert_alerts(run.alerts, H2, [("H1", "PW", "warning", 0.9, 0.95)],
                  key=("institution_code", "product_code", "severity"))


def test_h3_dispensed_over_received(engine):
    # as_of 2025-06-30. excess = distinct codes dispensed − packs received by as_of (every
    # order line, on and off platform, not cancelled); alert when excess > 0.
    # H1/PW: received 2 (on platform) + 1 (off platform) = 3; dispensed c1, c2 and split
    #   code c3 five times → 3 distinct → 0 → none.
    # H2/PW: received 1 (delivered 1 of 2); dispensed d1, d2 → 1 → alert; a line received
    #   07-01 (after as_of) and a dispense scan on 07-01 do not count.
    # H3/PW: nothing received, d3 dispensed → 1 → alert.
    # H1/PB: a cancelled line of 5 packs "received"; e1 dispensed → 1 → alert.
    orders = [
        line("Q1", "H1", "PW", "2025-05-01 09:00", 2, received_at="2025-05-02 09:00"),
        line("Q2", "H1", "PW", "2025-05-01 09:00", 1, on_platform=False,
             received_at="2025-05-02 09:00"),
        line("Q3", "H2", "PW", "2025-05-01 09:00", 2, delivered_packs=1,
             delivered_at="2025-05-02 08:00", received_at="2025-05-02 09:00"),
        line("Q4", "H2", "PW", "2025-06-29 09:00", 5, received_at="2025-07-01 09:00"),
        line("Q5", "H1", "PB", "2025-05-01 09:00", 5, "12.00", status="cancelled",
             received_at="2025-05-02 09:00"),
    ]
    scans = [
        scan("c1", "c1", "H1", "PW", "dispense", "2025-06-01 09:00"),
        scan("c2", "c2", "H1", "PW", "dispense", "2025-06-01 09:00"),
        *dispensed("c3-", "c3", "H1", 5, split=True),
        scan("d1", "d1", "H2", "PW", "dispense", "2025-06-01 09:00"),
        scan("d2", "d2", "H2", "PW", "dispense", "2025-06-01 09:00"),
        scan("d9", "d9", "H2", "PW", "dispense", "2025-07-01 09:00"),
        scan("d3", "d3", "H3", "PW", "dispense", "2025-06-01 09:00"),
        scan("e1", "e1", "H1", "PB", "dispense", "2025-06-01 09:00"),
    ]
    wh = engine.load(_folder(orders=orders, trace_scans=scans))
    run = engine.run(wh, "2025-06-30", [H3])
    assert_alerts(run.alerts, H3, [
        ("H2", "PW", "warning", 1, 0),
        ("H3", "PW", "warning", 1, 0),
        ("H1", "PB", "warning", 1, 0),
    ], key=("institution_code", "product_code", "severity"))
    msg = next(a["message"] for a in run.of(H3) if a["institution_code"] == "H2")
    assert "发药 2 盒" in msg and "入库仅 1 盒" in msg
    # A tolerance of 1 pack: none of them exceeds it.
    assert engine.run(wh, "2025-06-30", {H3: {"tolerance_packs": 1}}).of(H3) == []


def test_without_trace_scans_the_rules_are_off(engine):
    # A v1 folder: the three rules are off and the run says which table is missing.
    wh = engine.load(_folder())
    result = run_monitor(wh, date(2025, 6, 30), make_profile([H1, H2, H3]), figures=False)
    assert {(r.rule_id, r.status) for r in result.rules} == {
        (H1, "off"), (H2, "off"), (H3, "off")}
    assert all("trace_scans" in r.note for r in result.rules)
    assert result.alerts.num_rows == 0
