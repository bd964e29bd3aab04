"""L1 listing.spec_outside_supply_list (rules.md, "Rules added in contract v1.1"; HENAN
二(六)), worked out by hand.

A product P of variety V made by company C, C winning in batch B (in execution) with
another product of V, P not in B's awards (nor, decision 0001, on the supply list of any
batch in execution), its listing in force at as_of (latest effective_date ≤ as_of)
`listed` → warning; product_code P, batch B, ref C, value = listing price, threshold empty.

Base: M1 wins V1 in B1 (PW, 2025) and V2 in B2 (CW, 2025-03-01 … 2026-02-28); M2 is only
the backup of B1 (PB) and makes PN, PQ.
"""

from __future__ import annotations

from engine_kit import M1, listing, product, province

L1 = "listing.spec_outside_supply_list"

PRODUCTS = [product(code, "V1", units_per_pack=20, company_code=M1)
            for code in ("PW2", "PW3", "PW4", "PW5", "PW6", "PW7")]
PRODUCTS.append(product("CW2", "V2", "hv_consumable", company_code=M1))
BATCHES = [
    {"batch_code": "B0", "cycle_no": 1, "name": "第九批国家集采", "level": "national",
     "category": "drug", "start_date": "2024-01-01", "end_date": "2024-12-31"},
    {"batch_code": "B3", "cycle_no": 1, "name": "省际联盟集采", "level": "alliance",
     "category": "drug", "start_date": "2025-01-01", "end_date": "2025-12-31"},
]
AWARDS = [
    # PW6 is the backup of a running alliance batch: on a supply list in execution.
    {"batch_code": "B3", "product_code": "PW6", "role": "backup", "award_price": "18.00"},
    # PW7 won the ended batch B0 only: that list is no longer executed.
    {"batch_code": "B0", "product_code": "PW7", "role": "winning", "award_price": "21.00"},
]
LISTINGS = [
    listing("PW2", "2025-01-01", "18.00"),                      # listed → alert
    listing("PW3", "2025-01-01", "18.00"),
    listing("PW3", "2025-04-01", "18.00", status="suspended"),  # already suspended → none
    listing("PW4", "2025-07-01", "18.00"),                      # listed after as_of → none
    listing("PW5", "2025-01-01", "19.00", status="suspended"),
    listing("PW5", "2025-05-01", "9.50"),                       # listed again → alert
    listing("PW6", "2025-01-01", "18.00"),                      # on B3's list → none
    listing("PW7", "2024-01-01", "10.50"),                      # B0 ended → alert (B1)
    listing("PN", "2025-01-01", "15.00"),                       # M2 wins nothing → none
    listing("CW2", "2025-01-01", "650.00"),                     # alert for B2 once running
]


def _rows(run):
    return sorted((a["product_code"], a["batch_code"], a["cycle_no"], a["variety_code"],
                   a["ref"], a["severity"], a["value"], a["threshold"], a["institution_code"])
                  for a in run.of(L1))


def test_l1_in_force_listing_other_batches_and_execution_window(engine):
    wh = engine.load(province(("agreed_volumes",), products=PRODUCTS, batches=BATCHES,
                              awards=AWARDS, listing_prices=LISTINGS))
    run = engine.run(wh, "2025-06-30", [L1])
    assert _rows(run) == [
        ("CW2", "B2", 1, "V2", M1, "warning", 650.0, None, None),
        ("PW2", "B1", 1, "V1", M1, "warning", 18.0, None, None),
        ("PW5", "B1", 1, "V1", M1, "warning", 9.5, None, None),
        ("PW7", "B1", 1, "V1", M1, "warning", 10.5, None, None),
    ]
    pw2 = next(a for a in run.of(L1) if a["product_code"] == "PW2")
    assert "暂停其挂网资格" in pw2["message"] and "甲制药有限公司" in pw2["message"]
    # 2025-02-28: B2 has not started (CW2 none); PW5's listing in force is the suspended
    # row of 01-01 → none; PW3 is suspended only from 04-01, so still listed → alert.
    # PW2 and PW7 as before.
    early = engine.run(wh, "2025-02-28", [L1])
    assert [r[:2] for r in _rows(early)] == [("PW2", "B1"), ("PW3", "B1"), ("PW7", "B1")]
    # 2026-01-10: B1 and B3 ended (their supply lists no longer bind); B2 still runs.
    late = engine.run(wh, "2026-01-10", [L1])
    assert [r[:2] for r in _rows(late)] == [("CW2", "B2")]
