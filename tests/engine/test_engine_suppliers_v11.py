"""R4 supplier.delivery_rate_low and T4 supplier.tickets_concentrated (rules.md, "Rules
added in contract v1.1"; JILIN 第十四条), worked out by hand.

R4: per distributor_code, on-platform lines of the as-of year ordered at least 72 h before
the end of as_of: Σ min(delivered_packs, qty_packs) of lines delivered by as_of / Σ
qty_packs < 0.90 over at least 20 lines. At as_of 2025-06-30 the end is 07-01 00:00, so a
line counts when ordered at or before 2025-06-28 00:00.
T4: per company, distinct institutions with a ticket reported in the 90 days ending at
as_of (2025-04-02 … 2025-06-30) ≥ 3.
"""

from __future__ import annotations

from typing import Any

from engine_kit import DS, M1, M2, NO_PROGRESS, assert_alerts, line, province, ticket

R4 = "supplier.delivery_rate_low"
T4 = "supplier.tickets_concentrated"
D2 = "91410000MA0000004D"  # a manufacturer that also distributes (role both)
D3 = "91410000MA0000005E"
COMPANIES = [
    {"company_code": D2, "name": "丁药业股份有限公司", "role": "both"},
    {"company_code": D3, "name": "戊医药配送有限公司", "role": "distributor"},
]
KEY = ("institution_code", "ref", "severity")


def _line(lid: str, dist: str, ordered: str, delivered: str | None = None,
          packs: int | None = None, **kw: Any) -> dict[str, Any]:
    return line(lid, "H1", "PW", ordered, 10, distributor_code=dist, delivered_at=delivered,
                delivered_packs=packs, **kw)


def _orders() -> list[dict[str, Any]]:
    o: list[dict[str, Any]] = []
    # DS: 20 lines of 10 packs, 18 delivered → 180/200 = 0.90 = threshold → no alert.
    for i in range(17):
        o.append(_line(f"S{i:02d}", DS, f"2025-03-{i + 1:02d} 09:00", f"2025-03-{i + 2:02d} 09:00"))
    o.append(_line("S17", DS, "2025-04-01 09:00"))
    o.append(_line("S18", DS, "2025-04-02 09:00"))
    o.append(_line("S19", DS, "2025-04-03 09:00", "2025-04-04 10:00"))
    # ... and lines that do not count (any one of them would pull DS below 0.90):
    o.append(_line("S20", DS, "2025-06-28 00:01"))                 # less than 72 h ago
    o.append(_line("S21", DS, "2024-12-31 23:59"))                 # last year
    o.append(_line("S22", DS, "2025-05-05 09:00", status="cancelled"))
    o.append(_line("S23", DS, "2025-05-06 09:00", on_platform=False))
    # D2 (role both): 16 delivered in full (160), one 5 of 10 packs, one delivered with no
    # packs given (the whole line: 10), one delivered after as_of (0), one never (0)
    # → 175/200 = 0.875 < 0.90 → alert. The last is ordered at 06-28 00:00, exactly 72 h
    # before the end of as_of: it counts (without it D2 has 19 lines: no alert).
    for i in range(16):
        o.append(_line(f"B{i:02d}", D2, f"2025-02-{i + 1:02d} 09:00", f"2025-02-{i + 3:02d} 09:00"))
    o.append(_line("B16", D2, "2025-05-01 09:00", "2025-05-02 09:00", 5))
    o.append(_line("B17", D2, "2025-05-02 09:00", "2025-05-03 09:00"))
    o.append(_line("B18", D2, "2025-06-20 09:00", "2025-07-02 09:00", 10))
    o.append(_line("B19", D2, "2025-06-28 00:00"))
    # D3: 19 lines, none delivered → 0 %, but fewer than 20 lines → no alert.
    for i in range(19):
        o.append(_line(f"E{i:02d}", D3, f"2025-01-{i + 1:02d} 09:00"))
    return o


def test_r4_boundary_exclusions_partial_deliveries_and_min_lines(engine):
    run = engine.monitor("2025-06-30", [R4], drop=NO_PROGRESS, companies=COMPANIES,
                         orders=_orders())
    assert_alerts(run.alerts, R4, [(None, D2, "warning", 0.875, 0.9)], key=KEY)
    (a,) = run.of(R4)
    assert "丁药业股份有限公司" in a["message"] and "20 条" in a["message"]
    # One line more into D3's year (delivered) makes 20 lines: 1 × 10 / 200 = 0.05 → alert.
    more = engine.monitor("2025-06-30", [R4], drop=NO_PROGRESS, companies=COMPANIES,
                          orders=[*_orders(), _line("E19", D3, "2025-01-20 09:00",
                                                    "2025-01-21 09:00")])
    assert_alerts(more.alerts, R4, [(None, D2, "warning", 0.875, 0.9),
                                    (None, D3, "warning", 0.05, 0.9)], key=KEY)


def _ticket(tid: str, reported: str, inst: str, company: str) -> dict[str, Any]:
    row = ticket(tid, reported, inst=inst)
    row["company_code"] = company
    return row


TICKETS = [
    _ticket("K1", "2025-04-02 00:00", "H1", M1),  # the first of the 90 days
    _ticket("K2", "2025-05-20 10:00", "H2", M1),
    _ticket("K3", "2025-06-30 23:59", "H2", M1),  # H2 again: institutions are counted
    _ticket("K4", "2025-05-01 10:00", "H3", M1),
    _ticket("K5", "2025-04-01 23:59", "H1", M2),  # one day before the window
    _ticket("K6", "2025-05-01 10:00", "H2", M2),
    _ticket("K7", "2025-05-02 10:00", "H3", M2),
    _ticket("K8", "2025-07-01 00:00", "H1", M2),  # after as_of 06-30
]


def test_t4_window_edges_distinct_institutions_and_after_as_of(engine):
    # as_of 06-30 (04-02 … 06-30): M1 has H1 (K1, on the first day), H2 (twice), H3 → 3
    #   distinct = min_institutions (≥) → warning, value 3. M2: K5 is before the window,
    #   K8 after as_of → H2, H3 = 2 → none.
    wh = engine.load(province(NO_PROGRESS, tickets=TICKETS))
    run = engine.run(wh, "2025-06-30", [T4])
    assert_alerts(run.alerts, T4, [(None, M1, "warning", 3.0, 3.0)], key=KEY)
    (a,) = run.of(T4)
    assert "甲制药有限公司" in a["message"] and "90 天" in a["message"]
    # as_of 07-01 (04-03 … 07-01): M1 loses K1 → H2, H3 = 2 (its 4 tickets are 3 in the
    # window, but 2 institutions) → none; M2 gains K8 → H1, H2, H3 → alert.
    later = engine.run(wh, "2025-07-01", [T4])
    assert_alerts(later.alerts, T4, [(None, M2, "warning", 3.0, 3.0)], key=KEY)
