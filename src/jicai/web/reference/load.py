"""Load the reference tables of the contract into the app's database.

``load_reference(read)`` takes a function that returns a contract table
(``pyarrow.Table``) by name, or None when absent — normally
``Warehouse(home).read``. Rows are inserted or updated by key (idempotent);
rows never disappear, because workflow records point at them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa
from django.db import models, transaction

from jicai.web.reference.models import (
    Award,
    Batch,
    Company,
    HistoricalVolume,
    Institution,
    Product,
    Region,
    Variety,
)

Reader = Callable[[str], pa.Table | None]


def _rows(read: Reader, name: str) -> list[dict[str, Any]]:
    table = read(name)
    return [] if table is None else table.to_pylist()


def _upsert(model: type[models.Model], objs: Iterable[models.Model], unique: list[str],
            update: list[str]) -> int:
    items = list(objs)
    if items:
        model.objects.bulk_create(items, batch_size=1000, update_conflicts=True,  # type: ignore[attr-defined]
                                  unique_fields=unique, update_fields=update)
    return len(items)


def _region_paths(rows: list[dict[str, Any]]) -> dict[str, str]:
    """``410000/411300/`` for every region, from its parent chain."""
    parent = {r["region_code"]: r["parent_code"] for r in rows}
    paths: dict[str, str] = {}

    def path(code: str, depth: int = 0) -> str:
        if code in paths:
            return paths[code]
        if depth > 5:
            raise ValueError(f"region {code}: the parent chain loops")
        up = parent.get(code)
        paths[code] = (path(up, depth + 1) if up else "") + code + "/"
        return paths[code]

    for code in parent:
        path(code)
    return paths


def _load_regions(rows: list[dict[str, Any]]) -> int:
    paths = _region_paths(rows)
    # Parents first, so that the self-reference always points at an existing row.
    ordered = sorted(rows, key=lambda r: paths[r["region_code"]].count("/"))
    return _upsert(Region, (Region(code=r["region_code"], name=r["name"],
                                   parent_id=r["parent_code"], level=r["level"],
                                   path=paths[r["region_code"]]) for r in ordered),
                   ["code"], ["name", "parent", "level", "path"])


def _load_institutions(rows: list[dict[str, Any]]) -> int:
    n = _upsert(Institution, (Institution(code=r["institution_code"], name=r["name"],
                                          region_id=r["region_code"], kind=r["kind"],
                                          grade=r["grade"]) for r in rows),
                ["code"], ["name", "region", "kind", "grade"])
    leads = [Institution(code=r["institution_code"], consortium_lead_id=r["consortium_code"])
             for r in rows]
    Institution.objects.bulk_update(leads, ["consortium_lead"], batch_size=1000)
    return n


def _load_products(rows: list[dict[str, Any]]) -> int:
    varieties: dict[str, Variety] = {}
    for r in rows:
        varieties.setdefault(r["variety_code"], Variety(
            code=r["variety_code"], name=r["generic_name"],
            category="drug" if r["category"] == "drug" else "consumable"))
    _upsert(Variety, varieties.values(), ["code"], ["name", "category"])
    return _upsert(Product, (Product(
        code=r["product_code"], generic_name=r["generic_name"], variety_id=r["variety_code"],
        category=r["category"], spec=r["spec"], pack=r["pack"],
        units_per_pack=r["units_per_pack"], company_id=r["company_code"],
        is_negotiated=bool(r["is_negotiated"]), is_hk_macau=bool(r["is_hk_macau"]))
        for r in rows), ["code"],
        ["generic_name", "variety", "category", "spec", "pack", "units_per_pack", "company",
         "is_negotiated", "is_hk_macau"])


def load_reference(read: Reader) -> dict[str, int]:
    """Insert or update every reference table ``read`` returns; rows loaded by table."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["regions"] = _load_regions(_rows(read, "regions"))
        counts["institutions"] = _load_institutions(_rows(read, "institutions"))
        counts["companies"] = _upsert(Company, (
            Company(code=r["company_code"], name=r["name"], role=r["role"])
            for r in _rows(read, "companies")), ["code"], ["name", "role"])
        counts["products"] = _load_products(_rows(read, "products"))
        counts["batches"] = _upsert(Batch, (Batch(
            code=r["batch_code"], cycle_no=r["cycle_no"], name=r["name"], level=r["level"],
            category=r["category"], start_date=r["start_date"], end_date=r["end_date"])
            for r in _rows(read, "batches")), ["code", "cycle_no"],
            ["name", "level", "category", "start_date", "end_date"])
        counts["awards"] = _upsert(Award, (Award(
            batch_code=r["batch_code"], product_id=r["product_code"], role=r["role"],
            award_price=r["award_price"]) for r in _rows(read, "awards")),
            ["batch_code", "product"], ["role", "award_price"])
        counts["historical_volumes"] = _upsert(HistoricalVolume, (HistoricalVolume(
            institution_id=r["institution_code"], variety_id=r["variety_code"], year=r["year"],
            units=r["units"]) for r in _rows(read, "historical_volumes")),
            ["institution", "variety", "year"], ["units"])
    return counts
