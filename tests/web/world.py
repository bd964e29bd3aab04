"""A small province for the web tests, built straight into the database.

::

    province 220000 省
    ├── city 220100 甲市 ── county 220102 A县: H_A (consortium lead), H_A2 (member of H_A)
    │                   ├─ county 220103 B县: H_B
    │                   └─ city-direct:      H_C (市直医院)
    └── city 220200 乙市 ── county 220202 D县: H_D

Companies: M1 (wins V1 and V3), M2 (loses V1), DIST (a distributor).
Batches: DRUG1 (drug, cycle 1, 2025-03-01 … 2026-02-28) awards V1 and V2;
CONS1 (consumable) awards V3. H_A bought 1000 units of V1 in 2024.

Personas (username = key): province, city, county_a, county_b, county_d, health, admin,
hospital (H_A), member (H_A2), hospital_b (H_B), hospital_c (H_C), company (M1),
company2 (M2), distributor (DIST).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Role
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

PASSWORD = "test-password-1"
M1, M2, DIST = "91220000MA0000001A", "91220000MA0000002B", "91220000MA0000003C"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    drug_batch: Batch | None = None
    consumable_batch: Batch | None = None


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    path = (parent.path if parent else "") + code + "/"
    return Region.objects.create(code=code, name=name, level=level, parent=parent, path=path)


def build_world() -> World:
    prov = _region("220000", "测试省", "province", None)
    city = _region("220100", "甲市", "city", prov)
    a = _region("220102", "A县", "county", city)
    b = _region("220103", "B县", "county", city)
    city2 = _region("220200", "乙市", "city", prov)
    d = _region("220202", "D县", "county", city2)
    h_a = Institution.objects.create(code="H_A", name="A县人民医院", region=a,
                                     kind="public_hospital", grade=2)
    Institution.objects.create(code="H_A2", name="A县某乡卫生院", region=a, kind="primary_care",
                               grade=0, consortium_lead=h_a)
    Institution.objects.create(code="H_B", name="B县人民医院", region=b, kind="public_hospital",
                               grade=2)
    Institution.objects.create(code="H_C", name="甲市第一医院", region=city,
                               kind="public_hospital", grade=3)
    Institution.objects.create(code="H_D", name="D县人民医院", region=d, kind="public_hospital",
                               grade=2)
    m1 = Company.objects.create(code=M1, name="中选药业", role="manufacturer")
    m2 = Company.objects.create(code=M2, name="未中选药业", role="manufacturer")
    Company.objects.create(code=DIST, name="配送医药公司", role="distributor")
    v1 = Variety.objects.create(code="V1", name="阿莫西林胶囊", category="drug")
    v2 = Variety.objects.create(code="V2", name="氨氯地平片", category="drug")
    v3 = Variety.objects.create(code="V3", name="冠脉支架", category="consumable")
    products = [
        Product(code="P1", generic_name="阿莫西林胶囊", variety=v1, category="drug",
                spec="0.25g", pack="24粒/盒", units_per_pack=24, company=m1),
        Product(code="P1X", generic_name="阿莫西林胶囊", variety=v1, category="drug",
                spec="0.25g", pack="36粒/盒", units_per_pack=36, company=m2),
        Product(code="P2", generic_name="氨氯地平片", variety=v2, category="drug", spec="5mg",
                pack="28片/盒", units_per_pack=28, company=m1),
        Product(code="P3", generic_name="冠脉支架", variety=v3, category="hv_consumable",
                spec="3.0×18mm", pack="1个", units_per_pack=1, company=m1),
    ]
    Product.objects.bulk_create(products)
    w = World()
    w.drug_batch = Batch.objects.create(
        code="DRUG1", cycle_no=1, name="第十批国采", level="national", category="drug",
        start_date=dt.date(2025, 3, 1), end_date=dt.date(2026, 2, 28))
    w.consumable_batch = Batch.objects.create(
        code="CONS1", cycle_no=1, name="冠脉支架集采", level="national", category="consumable",
        start_date=dt.date(2025, 3, 1), end_date=dt.date(2026, 2, 28))
    for batch, product in (("DRUG1", "P1"), ("DRUG1", "P2"), ("CONS1", "P3")):
        Award.objects.create(batch_code=batch, product_id=product, role="winning",
                             award_price=Decimal("12.5"))
    HistoricalVolume.objects.create(institution=h_a, variety=v1, year=2024, units=1000)
    personas = {
        "province": (Role.PROVINCE_OFFICER, {"region": prov}),
        "city": (Role.CITY_OFFICER, {"region": city}),
        "county_a": (Role.COUNTY_OFFICER, {"region": a}),
        "county_b": (Role.COUNTY_OFFICER, {"region": b}),
        "county_d": (Role.COUNTY_OFFICER, {"region": d}),
        "health": (Role.HEALTH_READER, {"region": prov}),
        "admin": (Role.ADMIN, {"region": prov}),
        "hospital": (Role.INSTITUTION, {"institution": h_a}),
        "member": (Role.INSTITUTION, {"institution_id": "H_A2"}),
        "hospital_b": (Role.INSTITUTION, {"institution_id": "H_B"}),
        "hospital_c": (Role.INSTITUTION, {"institution_id": "H_C"}),
        "company": (Role.COMPANY, {"company": m1}),
        "company2": (Role.COMPANY, {"company": m2}),
        "distributor": (Role.COMPANY, {"company_id": DIST}),
    }
    for name, (role, scope) in personas.items():
        user = User(username=name, role=role, **scope)
        user.set_password(PASSWORD)
        user.save()
        w.users[name] = user
    return w
