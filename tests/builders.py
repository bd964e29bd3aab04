"""A tiny hand-made province for tests whose expected figures are worked out by hand.

Reference data (fixed):
- regions 410000 河南省 → 411300 南阳市 → counties 411302 宛城区, 411303 卧龙区
- institutions H1 (宛城区, lead of a consortium), H2 (卧龙区), H3 (宛城区, member of H1)
- companies M1, M2 (manufacturers), DS (distributor)
- variety V1 阿托伐他汀钙片: PW winning (M1, 10 units/pack, award 10.00 → 1.00/unit),
  PB backup (M2, 10/pack, award 12.00), PN non-winning (M2, 10/pack),
  PQ non-winning but quality-equivalent (M2, 10/pack)
- variety V2 冠脉支架 (consumable): CW winning (M1, 1/pack, award 700.00)
- batch B1 cycle 1: 2025-01-01 … 2025-12-31 (drug); B2 cycle 1: 2025-03-01 … 2026-02-28 (consumable)
- agreed volumes: B1/H1/V1/M1 1 000 units; B2/H2/V2/M1 100 units
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from jicai.contract.schemas import STORED_TABLES as TABLES  # jicai's own tables too

M1 = "91410000MA0000001A"
M2 = "91410000MA0000002B"
DS = "91410000MA0000003C"


def base_tables() -> dict[str, list[dict[str, Any]]]:
    return {
        "regions": [
            {"region_code": "410000", "name": "河南省", "parent_code": None, "level": "province"},
            {"region_code": "411300", "name": "南阳市", "parent_code": "410000", "level": "city"},
            {"region_code": "411302", "name": "宛城区", "parent_code": "411300", "level": "county"},
            {"region_code": "411303", "name": "卧龙区", "parent_code": "411300", "level": "county"},
        ],
        "institutions": [
            {"institution_code": "H1", "name": "宛城区人民医院", "region_code": "411302",
             "kind": "public_hospital", "grade": 2, "consortium_code": None},
            {"institution_code": "H2", "name": "卧龙区人民医院", "region_code": "411303",
             "kind": "public_hospital", "grade": 2, "consortium_code": None},
            {"institution_code": "H3", "name": "宛城区某乡镇卫生院", "region_code": "411302",
             "kind": "primary_care", "grade": 1, "consortium_code": "H1"},
        ],
        "companies": [
            {"company_code": M1, "name": "甲制药有限公司", "role": "manufacturer"},
            {"company_code": M2, "name": "乙制药有限公司", "role": "manufacturer"},
            {"company_code": DS, "name": "丙医药配送有限公司", "role": "distributor"},
        ],
        "products": [
            _product("PW", "V1", M1),
            _product("PB", "V1", M2),
            _product("PN", "V1", M2),
            _product("PQ", "V1", M2, quality_equivalent=True),
            {"product_code": "CW", "generic_name": "冠脉支架", "variety_code": "V2",
             "category": "hv_consumable", "dosage_form": None, "spec": "3.0×18mm", "pack": "1个/盒",
             "units_per_pack": 1, "company_code": M1, "quality_equivalent": False,
             "is_negotiated": False, "is_hk_macau": False},
        ],
        "batches": [
            {"batch_code": "B1", "cycle_no": 1, "name": "第十批国家集采", "level": "national",
             "category": "drug", "start_date": "2025-01-01", "end_date": "2025-12-31"},
            {"batch_code": "B2", "cycle_no": 1, "name": "冠脉支架省级集采", "level": "provincial",
             "category": "consumable", "start_date": "2025-03-01", "end_date": "2026-02-28"},
        ],
        "awards": [
            {"batch_code": "B1", "product_code": "PW", "role": "winning", "award_price": "10.00"},
            {"batch_code": "B1", "product_code": "PB", "role": "backup", "award_price": "12.00"},
            {"batch_code": "B2", "product_code": "CW", "role": "winning", "award_price": "700.00"},
        ],
        "agreed_volumes": [
            {"batch_code": "B1", "cycle_no": 1, "institution_code": "H1", "variety_code": "V1",
             "company_code": M1, "agreed_units": 1000},
            {"batch_code": "B2", "cycle_no": 1, "institution_code": "H2", "variety_code": "V2",
             "company_code": M1, "agreed_units": 100},
        ],
    }


def _product(code: str, variety: str, company: str, quality_equivalent: bool = False
             ) -> dict[str, Any]:
    return {"product_code": code, "generic_name": "阿托伐他汀钙片", "variety_code": variety,
            "category": "drug", "dosage_form": "片剂", "spec": "20mg", "pack": "10片/盒",
            "units_per_pack": 10, "company_code": company,
            "quality_equivalent": quality_equivalent, "is_negotiated": False,
            "is_hk_macau": False}


_n = 0


def order(inst: str, product: str, ordered_at: str, packs: int, price: str = "10.00",
          **kw: Any) -> dict[str, Any]:
    """An order line; responded/delivered/received are None unless given."""
    global _n
    _n += 1
    row = {"order_line_id": kw.pop("order_line_id", f"L{_n:05d}"), "institution_code": inst,
           "product_code": product, "distributor_code": DS, "ordered_at": ordered_at,
           "qty_packs": packs, "unit_price": price, "amount": None, "on_platform": True,
           "status": "ordered", "responded_at": None, "delivered_packs": None,
           "delivered_at": None, "received_at": None}
    row.update(kw)
    return row


def write(tables: dict[str, list[dict[str, Any]]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        cols = list(TABLES[name].names)
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for r in rows:
                unknown = set(r) - set(cols)
                assert not unknown, f"{name}: unknown columns {unknown}"
                w.writerow(["" if r.get(c) is None else _text(r.get(c)) for c in cols])
    return folder


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)
