"""Off-platform purchases (7 working days) and three-party agreements (30 days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from django.core.exceptions import PermissionDenied

from jicai.web.agreements import services as agreements
from jicai.web.agreements.duties import sync_duties
from jicai.web.agreements.models import Agreement, AgreementStatus
from jicai.web.agreements.workflow import AGREEMENT
from jicai.web.audit.record import Actor
from jicai.web.purchases import services as purchases
from jicai.web.purchases.models import OffPlatformPurchase, PurchaseStatus
from jicai.web.reference.models import Company, Product
from jicai.web.workflow import WorkflowError
from tests.web.world import DIST, M1, World


def actor(world: World, name: str) -> Actor:
    return Actor(world.users[name], "10.1.1.1")


def purchase_data(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {"product": None, "product_name": "进口造影剂", "category": "drug",
                               "qty": Decimal("10"), "amount": Decimal("1234.5"),
                               "purchased_at": dt.date(2025, 9, 26), "reason": "平台缺货"}
    data.update(kw)
    return data


def test_seven_working_days_across_national_day() -> None:
    assert purchases.due(dt.date(2025, 9, 26)) == dt.date(2025, 10, 13)


@pytest.mark.parametrize(("filed", "late"), [("2025-10-13 17:00", False),
                                             ("2025-10-14 09:00", True)])
def test_a_purchase_is_filed_and_its_clock_shown(world: World, at, as_, filed: str,
                                                 late: bool) -> None:
    at(filed)
    p = purchases.register(actor(world, "hospital"), purchase_data())
    assert p.filed_at == dt.date.fromisoformat(filed[:10]) and p.institution_id == "H_A"
    page = as_("county_a").get(f"/purchases/{p.pk}/").content.decode()
    assert "2025-10-13" in page
    assert ('badge bad' in page) is late


def test_purchase_refusals(world: World, at) -> None:
    at("2025-09-30 10:00")
    with pytest.raises(WorkflowError):
        purchases.register(actor(world, "hospital"),
                           purchase_data(purchased_at=dt.date(2025, 10, 1)))
    with pytest.raises(WorkflowError):
        purchases.register(actor(world, "hospital"), purchase_data(product_name="", category=""))
    with pytest.raises(PermissionDenied):
        purchases.register(actor(world, "county_a"), purchase_data())
    p = purchases.register(actor(world, "hospital"),
                           purchase_data(product=Product.objects.get(pk="P3"), product_name=""))
    assert (p.category, p.product_name) == ("hv_consumable", str(Product.objects.get(pk="P3")))


def test_withdrawing_a_purchase(world: World) -> None:
    p = purchases.register(actor(world, "hospital"), purchase_data())
    with pytest.raises(PermissionDenied):
        purchases.withdraw(actor(world, "hospital_b"), p, "错录")
    with pytest.raises(WorkflowError):
        purchases.withdraw(actor(world, "hospital"), p, "")
    purchases.withdraw(actor(world, "hospital"), p, "错录")
    p.refresh_from_db()
    assert p.status == PurchaseStatus.WITHDRAWN
    with pytest.raises(WorkflowError):
        purchases.withdraw(actor(world, "hospital"), p, "again")


def test_purchase_through_the_page(world: World, as_, at) -> None:
    at("2025-10-14 09:00")
    form = {"product_name": "进口造影剂", "category": "drug", "qty": "3", "amount": "99.5",
            "purchased_at": "2025-09-26", "reason": "缺货"}
    refused = as_("hospital").post("/purchases/new/", form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "供货单位" in refused.content.decode()  # required
    response = as_("hospital").post("/purchases/new/", {**form, "supplier": "某医药有限公司"},
                                    follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-10-13" in page and "某医药有限公司" in page


def test_a_purchase_recorded_now_is_filed_later(world: World, at) -> None:
    """A draft keeps the purchase on record from the day it is made; filing it sets the
    filing date, and only then is it published; a late filing is accepted and marked."""
    from jicai.web.monitoring.publish import contract_tables

    at("2025-09-29 10:00")
    p = purchases.register(actor(world, "hospital"), purchase_data(), draft=True)
    assert (p.status, p.filed_at) == (PurchaseStatus.DRAFT, None)
    assert "filings" not in contract_tables()  # nothing filed yet
    with pytest.raises(PermissionDenied):
        purchases.file(actor(world, "hospital_b"), p)
    with pytest.raises(PermissionDenied):
        purchases.file(actor(world, "county_a"), p)
    at("2025-10-14 09:00")  # a day past the 7 working days (due 13 October)
    purchases.save_draft(actor(world, "hospital"), p, purchase_data(amount=Decimal("99")))
    p.refresh_from_db()
    assert (p.status, p.amount, p.filed_at) == (PurchaseStatus.DRAFT, Decimal("99"), None)
    purchases.file(actor(world, "hospital"), p)
    p.refresh_from_db()
    assert (p.status, p.filed_at) == (PurchaseStatus.FILED, dt.date(2025, 10, 14))
    assert contract_tables()["filings"].column("filed_at").to_pylist() == [dt.date(2025, 10, 14)]
    with pytest.raises(WorkflowError):
        purchases.file(actor(world, "hospital"), p)  # filed once
    with pytest.raises(WorkflowError):
        purchases.save_draft(actor(world, "hospital"), p, purchase_data())
    draft = purchases.register(actor(world, "hospital"), purchase_data(), draft=True)
    purchases.withdraw(actor(world, "hospital"), draft, "重复登记")
    draft.refresh_from_db()
    assert draft.status == PurchaseStatus.WITHDRAWN
    assert list(contract_tables()["filings"].column("filing_id").to_pylist()) == [p.filing_id]


def test_a_draft_is_filed_through_its_page(world: World, as_, at) -> None:
    at("2025-09-30 10:00")
    form = {"product_name": "进口造影剂", "category": "drug", "qty": "3", "amount": "99.5",
            "purchased_at": "2025-09-26", "reason": "缺货", "supplier": "某医药有限公司"}
    hospital = as_("hospital")
    page = hospital.post("/purchases/new/", {**form, "draft": "1"}, follow=True,
                         HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    p = OffPlatformPurchase.objects.get()
    assert p.status == PurchaseStatus.DRAFT and "请在 2025-10-13 前备案" in page
    assert 'id="file-form"' in page and "剩 4 个工作日" in page and 'title="已登记，尚未备案"' in page
    listing = hospital.get("/purchases/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未备案" in listing and "待备案" in listing
    county = as_("county_a").get(f"/purchases/{p.pk}/").content.decode()
    assert 'id="file-form"' not in county  # the bureau reads it; only the hospital files
    hospital.post(f"/purchases/{p.pk}/file/", {**form, "amount": "120", "save": "1"})
    p.refresh_from_db()
    assert (p.status, p.amount) == (PurchaseStatus.DRAFT, Decimal("120"))
    refused = hospital.post(f"/purchases/{p.pk}/file/", {**form, "purchased_at": "2025-10-09"},
                            HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "采购日期不能晚于今天" in refused.content.decode()
    p.refresh_from_db()
    assert p.status == PurchaseStatus.DRAFT
    done = hospital.post(f"/purchases/{p.pk}/file/", {**form, "file": "1"}, follow=True,
                         HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    p.refresh_from_db()
    assert (p.status, p.filed_at) == (PurchaseStatus.FILED, dt.date(2025, 9, 30))
    assert "已备案。" in done and 'id="file-form"' not in done
    assert as_("county_a").post(f"/purchases/{p.pk}/file/", form).status_code == 403


def test_a_draft_through_the_api(world: World) -> None:
    from tests.web.test_api import bearer

    hospital = bearer(world, "hospital")
    body = {"product_name": "进口药", "category": "drug", "qty": "2", "amount": "20.5",
            "purchased_at": "2025-09-10", "draft": True}
    made = hospital.post("/api/purchases", body, content_type="application/json").json()
    assert (made["status"], made["filed_at"], made["deadline"], made["late"]) == (
        "draft", None, "2025-09-19", True)  # its deadline has passed unfiled
    filed = hospital.post(f"/api/purchases/{made['id']}/file").json()
    assert (filed["status"], filed["filed_at"], filed["late"]) == ("filed", "2025-09-30", True)
    assert hospital.post(f"/api/purchases/{made['id']}/file").status_code == 409


def agreement(world: World, batch: str = "drug") -> Agreement:
    b = world.drug_batch if batch == "drug" else world.consumable_batch
    return Agreement.objects.create(batch=b, institution_id="H_A", company_id=M1)


def test_agreement_state_machine_table() -> None:
    assert AGREEMENT.allowed(AgreementStatus.PENDING) == ["record"]
    assert AGREEMENT.allowed(AgreementStatus.RECORDED) == ["record", "confirm", "dispute"]
    assert AGREEMENT.allowed(AgreementStatus.CONFIRMED) == []


def test_sign_confirm_dispute_correct(world: World, at) -> None:
    a = agreement(world, "consumable")
    assert agreements.due(a) == dt.date(2025, 3, 31)
    at("2025-03-20 10:00")
    distributor = Company.objects.get(pk=DIST)
    with pytest.raises(WorkflowError):
        agreements.record_signing(actor(world, "hospital"), a, distributor, dt.date(2025, 3, 21))
    with pytest.raises(PermissionDenied):
        agreements.record_signing(actor(world, "hospital_b"), a, distributor, dt.date(2025, 3, 19))
    agreements.record_signing(actor(world, "hospital"), a, distributor, dt.date(2025, 3, 19))
    with pytest.raises(PermissionDenied):
        agreements.confirm(actor(world, "company2"), a)
    with pytest.raises(WorkflowError):
        agreements.dispute(actor(world, "company"), a, "")
    agreements.dispute(actor(world, "company"), a, "签订日期有误")
    assert a.status == AgreementStatus.DISPUTED
    agreements.record_signing(actor(world, "hospital"), a, distributor, dt.date(2025, 3, 18))
    agreements.confirm(actor(world, "company"), a)
    a.refresh_from_db()
    assert (a.status, a.signed_at, a.distributor_id) == (
        AgreementStatus.CONFIRMED, dt.date(2025, 3, 18), DIST)


def test_the_bureau_signs_drug_agreements_on_behalf_only(world: World, at) -> None:
    at("2025-03-20 10:00")
    drug, consumable = agreement(world, "drug"), agreement(world, "consumable")
    agreements.record_signing(actor(world, "county_a"), drug, None, dt.date(2025, 3, 10))
    assert drug.signed_on_behalf
    with pytest.raises(WorkflowError, match="drug"):
        agreements.record_signing(actor(world, "county_a"), consumable, None, dt.date(2025, 3, 10))
    with pytest.raises(PermissionDenied):
        agreements.record_signing(actor(world, "county_b"), drug, None, dt.date(2025, 3, 10))


def test_the_thirty_day_clock_on_the_page(world: World, as_, at) -> None:
    agreement(world)
    at("2025-04-01 09:00")
    page = as_("hospital").get("/agreements/").content.decode()
    assert "2025-03-31" in page and "badge bad" in page


def test_duties_come_from_agreed_volumes(world: World) -> None:
    volumes = pa.table({"batch_code": ["DRUG1", "DRUG1", "DRUG1", "NOPE"],
                        "cycle_no": [1, 1, 1, 1], "institution_code": ["H_A", "H_A", "H_B", "H_A"],
                        "variety_code": ["V1", "V2", "V1", "V1"], "company_code": [M1, M1, M1, M1],
                        "agreed_units": [1, 2, 3, 4]})
    signed = pa.table({"batch_code": ["DRUG1"], "cycle_no": [1], "institution_code": ["H_B"],
                       "company_code": [M1], "distributor_code": [DIST],
                       "signed_at": [dt.date(2025, 3, 5)]})
    assert sync_duties(volumes, signed) == 2
    assert sync_duties(volumes, signed) == 0
    by_inst = {a.institution_id: a for a in Agreement.objects.all()}
    assert by_inst["H_A"].status == AgreementStatus.PENDING
    assert (by_inst["H_B"].status, by_inst["H_B"].distributor_id) == (AgreementStatus.RECORDED,
                                                                      DIST)
