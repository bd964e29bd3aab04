"""The test province as contract tables, so that a real warehouse can hold it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from jicai.web.reference.models import (
    Award,
    Batch,
    Company,
    HistoricalVolume,
    Institution,
    Product,
    Region,
)
from jicai.web.tables import contract_table
from tests.web.world import DIST, M1


def world_tables() -> dict[str, pa.Table]:
    return {
        "regions": contract_table("regions", ({
            "region_code": r.code, "name": r.name, "parent_code": r.parent_id, "level": r.level}
            for r in Region.objects.all())),
        "institutions": contract_table("institutions", ({
            "institution_code": i.code, "name": i.name, "region_code": i.region_id,
            "kind": i.kind, "grade": i.grade, "consortium_code": i.consortium_lead_id}
            for i in Institution.objects.all())),
        "companies": contract_table("companies", ({
            "company_code": c.code, "name": c.name, "role": c.role}
            for c in Company.objects.all())),
        "products": contract_table("products", ({
            "product_code": p.code, "generic_name": p.generic_name,
            "variety_code": p.variety_id, "category": p.category, "dosage_form": None,
            "spec": p.spec, "pack": p.pack, "units_per_pack": p.units_per_pack,
            "company_code": p.company_id, "quality_equivalent": False, "is_negotiated": False,
            "is_hk_macau": False} for p in Product.objects.all())),
        "batches": contract_table("batches", ({
            "batch_code": b.code, "cycle_no": b.cycle_no, "name": b.name, "level": b.level,
            "category": b.category, "start_date": b.start_date, "end_date": b.end_date}
            for b in Batch.objects.all())),
        "awards": contract_table("awards", ({
            "batch_code": a.batch_code, "product_code": a.product_id, "role": a.role,
            "award_price": a.award_price} for a in Award.objects.all())),
        "agreed_volumes": contract_table("agreed_volumes", [
            {"batch_code": "DRUG1", "cycle_no": 1, "institution_code": code,
             "variety_code": "V1", "company_code": M1, "agreed_units": 1000}
            for code in ("H_A", "H_B")]),
        "historical_volumes": contract_table("historical_volumes", ({
            "institution_code": h.institution_id, "variety_code": h.variety_id, "year": h.year,
            "units": h.units} for h in HistoricalVolume.objects.all())),
        "orders": contract_table("orders", [{
            "order_line_id": "OL-1", "institution_code": "H_A", "product_code": "P1",
            "distributor_code": DIST, "ordered_at": dt.datetime(2025, 9, 1, 9, 0),
            "qty_packs": 10, "unit_price": Decimal("12.5"), "amount": None,
            "on_platform": True, "status": "ordered", "responded_at": None,
            "delivered_packs": None, "delivered_at": None, "received_at": None}]),
    }
