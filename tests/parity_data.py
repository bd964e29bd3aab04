"""A small province in which every rule of contract v1 fires at least once.

Used by the engine-parity test (DuckDB vs Spark) and by the profile comparison.
"""

from __future__ import annotations

from typing import Any

from builders import DS, M1, M2, base_tables, order


def lapse_tables() -> dict[str, list[dict[str, Any]]]:
    t = base_tables()
    t["batches"].append({"batch_code": "B0", "cycle_no": 1, "name": "第九批国家集采",
                         "level": "national", "category": "drug",
                         "start_date": "2024-01-01", "end_date": "2024-12-31"})
    t["awards"].append({"batch_code": "B0", "product_code": "PW", "role": "winning",
                        "award_price": "11.00"})
    t["agreed_volumes"] += [
        {"batch_code": "B0", "cycle_no": 1, "institution_code": "H2", "variety_code": "V1",
         "company_code": M1, "agreed_units": 500},
        {"batch_code": "B1", "cycle_no": 1, "institution_code": "H2", "variety_code": "V1",
         "company_code": M1, "agreed_units": 300},
        # ended, not exempted, nothing bought in 2024: P2 and P3
        {"batch_code": "B0", "cycle_no": 1, "institution_code": "H1", "variety_code": "V1",
         "company_code": M1, "agreed_units": 100},
    ]
    o = t["orders"] = [
        # H1 / V1: 200 winning units, 300 non-winning, 100 excluded equivalent units
        order("H1", "PW", "2025-02-03 09:00", 20, responded_at="2025-02-06 10:00",
              delivered_at="2025-02-10 10:00", delivered_packs=20,
              received_at="2025-02-10 12:00", order_line_id="O1"),
        order("H1", "PN", "2025-03-03 09:00", 30, price="15.00",
              responded_at="2025-03-03 10:00", order_line_id="O2"),
        order("H1", "PQ", "2025-03-04 09:00", 10, price="9.00",
              responded_at="2025-03-04 10:00", delivered_at="2025-03-05 10:00",
              received_at="2025-03-05 11:00", order_line_id="O3"),
        # never answered: R1 critical, R2
        order("H2", "PW", "2025-10-24 10:00", 10, order_line_id="O4"),
        # off platform, large: online rate low for H2
        order("H2", "PW", "2025-06-02 10:00", 100, on_platform=False, order_line_id="O5"),
        order("H2", "CW", "2025-06-03 10:00", 2, price="720.00", on_platform=False,
              order_line_id="O6"),
        order("H2", "CW", "2025-06-04 10:00", 1, price="690.00", responded_at="2025-06-04 11:00",
              order_line_id="O7"),
        # 2024 history of H2/V1 (derived history for D1/D2), and B0 incomplete
        order("H2", "PW", "2024-05-06 10:00", 30, price="11.00",
              responded_at="2024-05-06 12:00", order_line_id="O8"),
        order("H3", "PW", "2024-05-07 10:00", 5, price="11.00",
              responded_at="2024-05-07 12:00", order_line_id="O9"),
        # cancelled, and after as_of: count nowhere
        order("H1", "PN", "2025-04-01 09:00", 90, status="cancelled", order_line_id="O10"),
        order("H1", "PN", "2025-11-05 09:00", 90, order_line_id="O11"),
    ]
    assert len(o) == 11
    t["payments"] = [
        {"payment_id": "PAY1", "order_line_id": "O1", "amount": "100.00", "paid_at": "2025-03-20",
         "channel": "hospital"},
        {"payment_id": "PAY2", "order_line_id": "O3", "amount": "90.00", "paid_at": "2025-05-10",
         "channel": "fund_direct"},
    ]
    t["listing_prices"] = [
        {"product_code": "PW", "effective_date": "2025-01-01", "price": "10.00",
         "status": "listed", "price_cap": None},
        {"product_code": "PN", "effective_date": "2025-01-01", "price": "14.00",
         "status": "listed", "price_cap": "12.00"},
        {"product_code": "CW", "effective_date": "2025-01-01", "price": "700.00",
         "status": "listed", "price_cap": None},
    ]
    t["demand_filings"] = [
        {"batch_code": "B1", "cycle_no": 1, "institution_code": "H2", "variety_code": "V1",
         "reported_units": 200, "filed_at": "2024-11-20 10:00:00", "explanation": None},
    ]
    t["agreements"] = [
        {"batch_code": "B1", "cycle_no": 1, "institution_code": "H1", "company_code": M1,
         "distributor_code": DS, "signed_at": "2025-01-20"},
        {"batch_code": "B2", "cycle_no": 1, "institution_code": "H2", "company_code": M1,
         "distributor_code": DS, "signed_at": "2025-04-15"},
    ]
    t["exemptions"] = [
        {"institution_code": "H2", "variety_code": "V1", "start_date": "2024-03-01",
         "end_date": "2024-06-30", "kind": "clinical_change"},
    ]
    t["filings"] = [
        {"filing_id": "F1", "institution_code": "H1", "product_code": None,
         "product_name": "某进口药", "category": "drug", "qty": 1, "amount": "100",
         "purchased_at": "2025-09-26", "filed_at": "2025-10-14", "is_negotiated": False,
         "is_hk_macau": False, "reason": "临床急需"},
        {"filing_id": "F2", "institution_code": "H2", "product_code": None,
         "product_name": "某耗材", "category": "hv_consumable", "qty": 1, "amount": "200",
         "purchased_at": "2025-09-26", "filed_at": "2025-10-13", "is_negotiated": False,
         "is_hk_macau": False, "reason": None},
    ]
    t["tickets"] = [
        {"ticket_id": "T1", "institution_code": "H1", "product_code": "PW", "company_code": M1,
         "reported_at": "2025-09-30 10:00", "replied_at": "2025-10-10 09:00",
         "committed_by": "2025-10-20", "resolved_at": None},
        {"ticket_id": "T2", "institution_code": "H2", "product_code": "PW", "company_code": M2,
         "reported_at": "2025-10-27 10:00", "replied_at": None, "committed_by": None,
         "resolved_at": None},
    ]
    return t
