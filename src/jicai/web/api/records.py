"""API of off-platform purchases and three-party agreements."""


from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from jicai.errors import CalendarError
from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.agreements import services as agreements
from jicai.web.agreements.models import Agreement, AgreementStatus
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.api.bounds import Page, PathId
from jicai.web.api.lazy import Mapped
from jicai.web.api.schemas import AgreementOut, PurchaseIn, PurchaseOut, ReasonIn, RecordIn
from jicai.web.audit.record import Actor
from jicai.web.purchases import services as purchases
from jicai.web.purchases.models import OffPlatformPurchase
from jicai.web.purchases.scoping import scoped_purchases
from jicai.web.reference.scoping import scoped_companies, scoped_products

router = Router()


def purchase_out(p: OffPlatformPurchase) -> dict[str, Any]:
    try:
        due = purchases.due(p.purchased_at)
    except CalendarError:
        due = None
    return {"id": p.pk, "filing_id": p.filing_id, "institution_code": p.institution_id,
            "product_code": p.product_id, "product_name": p.product_name,
            "category": p.category, "qty": p.qty, "amount": p.amount,
            "purchased_at": p.purchased_at, "filed_at": p.filed_at, "deadline": due,
            # a draft is late once its deadline has passed unfiled
            "late": None if due is None else (p.filed_at or clock.today()) > due,
            "status": p.status}


def agreement_out(a: Agreement) -> dict[str, Any]:
    return {"id": a.pk, "batch_code": a.batch.code, "cycle_no": a.batch.cycle_no,
            "institution_code": a.institution_id, "company_code": a.company_id,
            "distributor_code": a.distributor_id, "signed_at": a.signed_at, "status": a.status,
            "deadline": agreements.due(a), "signed_on_behalf": a.signed_on_behalf}


@router.get("/purchases", response=list[PurchaseOut])
@paginate(Page)
def purchase_list(request: HttpRequest) -> Any:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    return Mapped(scoped_purchases(user), purchase_out)


@router.post("/purchases", response={201: PurchaseOut})
def register(request: HttpRequest, body: PurchaseIn) -> Status[dict[str, Any]]:
    user = current(request)
    data = body.dict()
    code = data.pop("product_code")
    data["product"] = get_scoped(scoped_products(user), pk=code) if code else None
    draft = data.pop("draft")
    return Status(201, purchase_out(purchases.register(Actor.of(request, via="api"), data,
                                                       draft=draft)))


@router.get("/purchases/{pk}", response=PurchaseOut)
def purchase(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return purchase_out(get_scoped(scoped_purchases(current(request)), pk=pk))


@router.post("/purchases/{pk}/file", response=PurchaseOut)
def file_purchase(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    """File a purchase recorded as a draft, as it stands (备案), today."""
    p = get_scoped(scoped_purchases(current(request)), pk=pk)
    purchases.file(Actor.of(request, via="api"), p)
    return purchase_out(p)


@router.post("/purchases/{pk}/withdraw", response=PurchaseOut)
def withdraw(request: HttpRequest, pk: PathId, body: ReasonIn) -> dict[str, Any]:
    p = get_scoped(scoped_purchases(current(request)), pk=pk)
    purchases.withdraw(Actor.of(request, via="api"), p, body.reason)
    return purchase_out(p)


@router.get("/agreements", response=list[AgreementOut])
@paginate(Page)
def agreement_list(request: HttpRequest, status: AgreementStatus | None = None) -> Any:
    items = scoped_agreements(current(request))
    if status:
        items = items.filter(status=status)
    return Mapped(items, agreement_out)


@router.get("/agreements/{pk}", response=AgreementOut)
def agreement(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return agreement_out(get_scoped(scoped_agreements(current(request)), pk=pk))


@router.post("/agreements/{pk}/record", response=AgreementOut)
def record(request: HttpRequest, pk: PathId, body: RecordIn) -> dict[str, Any]:
    user = current(request)
    a = get_scoped(scoped_agreements(user), pk=pk)
    distributor = get_scoped(scoped_companies(user), pk=body.distributor_code) \
        if body.distributor_code else None
    agreements.record_signing(Actor.of(request, via="api"), a, distributor, body.signed_at)
    return agreement_out(a)


@router.post("/agreements/{pk}/confirm", response=AgreementOut)
def confirm(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    a = get_scoped(scoped_agreements(current(request)), pk=pk)
    agreements.confirm(Actor.of(request, via="api"), a)
    return agreement_out(a)


@router.post("/agreements/{pk}/dispute", response=AgreementOut)
def dispute(request: HttpRequest, pk: PathId, body: ReasonIn) -> dict[str, Any]:
    a = get_scoped(scoped_agreements(current(request)), pk=pk)
    agreements.dispute(Actor.of(request, via="api"), a, body.reason)
    return agreement_out(a)
