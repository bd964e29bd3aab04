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
    rules_b_v11(t)
    rules_a_v11(t)
    filing_versions(t)
    return t


def filing_versions(t: dict[str, list[dict[str, Any]]]) -> None:
    """The web app's filing versions (decision 0008), read with the platform's filings at
    as_of 2025-10-31: the latest filed by then is in force.

    - H2/B1/V1: platform 200 (2024-11-20), version 210 explained (2025-03-01) in force, a
      version 999 of 2025-11-15 (after as_of) ignored → D1 210/300 = 0.7, info.
    - H3/B0/V1: platform 100 (2023-12-01), version 20 (2024-02-01) → D3 against 20.
    - H1/B1/V1: only a version of 2025-11-20 (after as_of) → D2 still fires.
    """
    def version(n: int, batch: str, inst: str, units: int, filed_at: str,
                explanation: str | None = None) -> dict[str, Any]:
        return {"version_id": f"WEB-F{n}-V1", "batch_code": batch, "cycle_no": 1,
                "institution_code": inst, "variety_code": "V1", "reported_units": units,
                "filed_at": filed_at, "explanation": explanation}

    t["demand_filing_versions"] = [
        version(1, "B1", "H2", 210, "2025-03-01 10:00:00", "门诊量下降"),
        version(2, "B1", "H2", 999, "2025-11-15 10:00:00"),
        version(3, "B0", "H3", 20, "2024-02-01 10:00:00"),
        version(4, "B1", "H1", 500, "2025-11-20 10:00:00"),
    ]


def rules_b_v11(t: dict[str, list[dict[str, Any]]]) -> None:
    """Rows that make C3, S2, H1, H2, H3 and K1 fire at as_of 2025-10-31 (a month end).

    New products of a variety V8 outside every batch, one order pack at a time and no
    distributor, so the other rules see (almost) nothing new: PG carries C3's sales
    growth, PS is a substitute of V1 bought by H1.
    """
    t["products"] += [
        {"product_code": code, "generic_name": name, "variety_code": "V8", "category": "drug",
         "dosage_form": "片剂", "spec": "1", "pack": "1片/盒", "units_per_pack": 1,
         "company_code": M2, "quality_equivalent": False, "is_negotiated": False,
         "is_hk_macau": False}
        for code, name in (("PG", "某涨价药"), ("PS", "某替代药"))]

    def quick(line_id: str, inst: str, product: str, at: str, packs: int, price: str,
              ) -> dict[str, Any]:
        day = at.split(" ")[0]
        return order(inst, product, at, packs, price=price, order_line_id=line_id,
                     distributor_code=None, responded_at=f"{day} 23:00",
                     delivered_at=f"{day} 23:30", delivered_packs=packs)

    t["orders"] += [
        # C3 sales growth: PG 10 000 in 2024-08-03 … 10-31, 16 000 in 2025-08-03 … 10-31 → 0.6
        quick("B01", "H3", "PG", "2024-09-02 09:00", 1, "10000.00"),
        quick("B02", "H3", "PG", "2025-09-02 09:00", 1, "16000.00"),
        # S2: H1's units of PS (substitute of V1) 100 → 200 over the same 90 days → 1.0
        quick("B03", "H1", "PS", "2024-09-03 09:00", 100, "0.01"),
        quick("B04", "H1", "PS", "2025-09-03 09:00", 200, "0.01"),
    ]
    t["substitutes"] = [{"variety_code": "V1", "product_code": "PS", "note": "指南同类替代"}]
    # C3 rises: PB 11.00 → 11.50 → 12.00 → 12.50 → 3 rises → red
    t["listing_prices"] += [
        {"product_code": "PB", "effective_date": d, "price": p, "status": "listed",
         "price_cap": None}
        for d, p in (("2024-12-01", "11.00"), ("2025-02-01", "11.50"),
                     ("2025-04-01", "12.00"), ("2025-06-01", "12.50"))]

    def scan(sid: str, code: str, inst: str, product: str, at: str, split: bool = False,
             event: str = "dispense") -> dict[str, Any]:
        return {"scan_id": sid, "trace_code": code, "institution_code": inst,
                "product_code": product, "event": event, "scanned_at": at, "split": split,
                "order_line_id": None}

    t["trace_scans"] = [
        # H1: one code dispensed at H1 and H2; H3: H2 dispensed a PW pack never received
        scan("K01", "00000000000000000001", "H1", "PW", "2025-10-01 09:00"),
        scan("K02", "00000000000000000001", "H2", "PW", "2025-10-02 09:00"),
        # H1: split PQ pack (10 units) dispensed 11 times
        *(scan(f"K1{i:02d}", "00000000000000000002", "H1", "PQ", "2025-10-03 09:00", True)
          for i in range(11)),
        # H2: H1 received 20 packs of PW (O1) and scanned 5 of them → 0.25; PQ (O3) 10 of 10
        *(scan(f"K2{i:02d}", f"0100000000000000{i:04d}", "H1", "PW", "2025-02-10 13:00",
               event="receive") for i in range(5)),
        *(scan(f"K3{i:02d}", f"0200000000000000{i:04d}", "H1", "PQ", "2025-03-05 12:00",
               event="receive") for i in range(10)),
    ]
    # K1: H1's doctor D1 prescribes PN (14.00 / 10 = 1.40 per unit > 1.00) 150 of 200 units
    t["prescriptions"] = [
        {"prescription_line_id": f"RX{i}", "institution_code": "H1", "department": "心内科",
         "doctor_code": "D1", "product_code": product, "prescribed_at": "2025-09-15 10:00",
         "units": units}
        for i, (product, units) in enumerate((("PN", 150), ("PW", 50)))]


def rules_a_v11(t: dict[str, list[dict[str, Any]]]) -> None:
    """Rows that make P4, D3, N1, L1, C4, R4 and T4 fire at as_of 2025-10-31 (C5 fires on
    O6 already: CW bought off the platform at 720.00, listed at 700.00).

    - P4 + C4: H1 agrees 100 stents in B2 and bought 70 on 2025-04-01 at 710.00 (> award
      700): completion 0.70 ≥ schedule 245/365, nothing in the last 60 days → projected 0.70.
    - D3: H3 filed 100 units of V1 for B0 (2024) and bought 50 (O9) → 0.5 < 0.7.
    - N1: H3 buys PN (1.40 per unit > PW's 1.00) in 2025, nobody filed B1/V1 for it.
    - L1: M1 (winning V1 in B1) still lists a 20-tablet pack PW20 outside the supply list.
    - R4: distributor DB (role both) delivers 20 lines of PR to H3, five of them half
      → 175/200 = 0.875 < 0.90.
    - T4: M1 gets tickets from H1 (T1), H2 and H3 within the 90 days.
    """
    t["companies"].append({"company_code": "91410000MA0000004D", "name": "丁药业股份有限公司",
                           "role": "both"})
    t["products"] += [
        {"product_code": "PW20", "generic_name": "阿托伐他汀钙片", "variety_code": "V1",
         "category": "drug", "dosage_form": "片剂", "spec": "20mg", "pack": "20片/盒",
         "units_per_pack": 20, "company_code": M1, "quality_equivalent": False,
         "is_negotiated": False, "is_hk_macau": False},
        {"product_code": "PR", "generic_name": "某配送药", "variety_code": "V8",
         "category": "drug", "dosage_form": "片剂", "spec": "1", "pack": "1片/盒",
         "units_per_pack": 1, "company_code": M2, "quality_equivalent": False,
         "is_negotiated": False, "is_hk_macau": False}]
    t["agreed_volumes"].append(
        {"batch_code": "B2", "cycle_no": 1, "institution_code": "H1", "variety_code": "V2",
         "company_code": M1, "agreed_units": 100})
    t["orders"] += [
        order("H1", "CW", "2025-04-01 09:00", 70, price="710.00", order_line_id="A01",
              distributor_code=None, responded_at="2025-04-01 10:00",
              delivered_at="2025-04-01 12:00", delivered_packs=70),
        order("H3", "PN", "2025-09-10 09:00", 5, price="14.00", order_line_id="A02",
              distributor_code=None, responded_at="2025-09-10 10:00",
              delivered_at="2025-09-10 12:00", delivered_packs=5),
        *(order("H3", "PR", f"2025-08-{i + 1:02d} 09:00", 10, price="1.00",
                order_line_id=f"A1{i:02d}", distributor_code="91410000MA0000004D",
                responded_at=f"2025-08-{i + 1:02d} 10:00",
                delivered_at=f"2025-08-{i + 1:02d} 16:00",
                delivered_packs=5 if i < 5 else 10) for i in range(20)),
    ]
    t["demand_filings"].append(
        {"batch_code": "B0", "cycle_no": 1, "institution_code": "H3", "variety_code": "V1",
         "reported_units": 100, "filed_at": "2023-12-01 10:00:00", "explanation": None})
    t["listing_prices"].append(
        {"product_code": "PW20", "effective_date": "2025-01-01", "price": "19.00",
         "status": "listed", "price_cap": None})
    t["tickets"] += [
        {"ticket_id": f"T{n}", "institution_code": inst, "product_code": "PW",
         "company_code": M1, "reported_at": f"2025-10-{day} 10:00",
         "replied_at": f"2025-10-{day} 15:00", "committed_by": f"2025-10-{int(day) + 2}",
         "resolved_at": f"2025-10-{int(day) + 1} 10:00"}
        for n, inst, day in ((3, "H2", "20"), (4, "H3", "21"))]
