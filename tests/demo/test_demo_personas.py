"""The demo's fixed cast (jicai.demo.personas): present in every province, each worth a view."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jicai.demo import personas
from jicai.demo.generate import generate
from jicai.demo.summary import DemoSummary


def read(folder: Path, name: str) -> list[dict[str, object]]:
    parts = sorted((folder / name).glob("*.parquet")) or [folder / f"{name}.parquet"]
    return pa.concat_tables(pq.read_table(p) for p in parts).to_pylist()


def uscc_valid(code: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(w * alphabet.index(c) for w, c in zip(weights, code[:17], strict=True))
    return alphabet[(31 - total % 31) % 31] == code[17]


@pytest.fixture(scope="module", params=[("tiny", 2025), (20_000, 7)], ids=["tiny", "seed7"])
def province(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, DemoSummary]:
    lines, seed = request.param
    out = tmp_path_factory.mktemp("personas")
    return out, generate(out, lines=lines, seed=seed)


def test_the_cast_is_there_with_its_codes_and_names(province) -> None:
    folder, _ = province
    institutions = {i["institution_code"]: i for i in read(folder, "institutions")}
    companies = {c["company_code"]: c for c in read(folder, "companies")}
    for p in (personas.HOSPITAL, personas.HOSPITAL_2):
        assert institutions[p.code]["name"] == p.name
        assert institutions[p.code]["kind"] == "public_hospital"
        assert institutions[p.code]["grade"] == 3
    assert institutions[personas.HOSPITAL.code]["region_code"][:4] != \
        institutions[personas.HOSPITAL_2.code]["region_code"][:4]  # two cities
    for p in (personas.MANUFACTURER, personas.MANUFACTURER_2, personas.DISTRIBUTOR):
        assert uscc_valid(p.code)
        assert companies[p.code]["name"] == p.name
    assert companies[personas.MANUFACTURER.code]["role"] == "manufacturer"
    assert companies[personas.MANUFACTURER_2.code]["role"] == "manufacturer"
    assert companies[personas.DISTRIBUTOR.code]["role"] == "distributor"


def test_each_manufacturer_wins_and_the_second_gets_tickets(province) -> None:
    folder, summary = province
    products = {p["product_code"]: p for p in read(folder, "products")}
    batches = {b["batch_code"]: b["category"] for b in read(folder, "batches")}
    wins: dict[str, set[str]] = {}
    for a in read(folder, "awards"):
        if a["role"] == "winning":
            wins.setdefault(products[a["product_code"]]["company_code"], set()).add(a["batch_code"])
    drug_batches = {b for b, c in batches.items() if c == "drug"}
    device_batches = {b for b, c in batches.items() if c == "consumable"}
    assert wins[personas.MANUFACTURER.code] >= drug_batches
    assert wins[personas.MANUFACTURER_2.code] >= device_batches
    tickets = [t for t in read(folder, "tickets") if t["company_code"] == personas.MANUFACTURER_2.code]
    assert len({t["institution_code"] for t in tickets}) >= 3
    assert (personas.MANUFACTURER_2.code,) in (summary.planted["supplier.tickets_concentrated"].cases or {})


def test_the_distributor_carries_many_lines_some_late(province) -> None:
    folder, summary = province
    orders = read(folder, "orders")
    mine = [o for o in orders if o["distributor_code"] == personas.DISTRIBUTOR.code]
    by_distributor = Counter(o["distributor_code"] for o in orders if o["distributor_code"])
    assert by_distributor.most_common(3)[-1][1] <= len(mine)  # among the three busiest
    ids = {o["order_line_id"] for o in mine}
    late = {k[0] for rule in ("order.unresponded_48h", "delivery.overdue")
            for k in (summary.planted[rule].cases or {})}
    assert len(ids & late) >= 3
    # the persona hospitals order through it
    for h in (personas.HOSPITAL, personas.HOSPITAL_2):
        assert any(o["institution_code"] == h.code for o in mine)


def test_each_hospital_has_a_view_worth_seeing(province) -> None:
    folder, summary = province
    for h in (personas.HOSPITAL, personas.HOSPITAL_2):
        assert sum(o["institution_code"] == h.code for o in read(folder, "orders")) >= 50
        assert any(a["institution_code"] == h.code for a in read(folder, "agreed_volumes"))
        assert any(r["institution_code"] == h.code for r in read(folder, "prescriptions"))
        rules = {rule for rule, planted in summary.planted.items() if planted.cases
                 and "institution_code" in planted.fields
                 and any(k[planted.fields.index("institution_code")] == h.code
                         for k in planted.cases)}
        lines = {k[0] for rule in ("order.unresponded_48h", "payment.overdue",
                                   "delivery.overdue") for k in (summary.planted[rule].cases or {})}
        own = {o["order_line_id"] for o in read(folder, "orders") if o["institution_code"] == h.code}
        assert rules or lines & own, h.name
