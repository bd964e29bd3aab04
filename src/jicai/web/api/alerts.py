"""API of the alert inbox, the audit log and the caller's own account."""


from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import Capability
from jicai.web.alerts import services
from jicai.web.alerts.models import Alert, AlertStatus, Severity
from jicai.web.alerts.scoping import latest_run, scoped_alerts
from jicai.web.api.bounds import Code, Page, PathId
from jicai.web.api.lazy import Mapped
from jicai.web.api.schemas import ActIn, AlertOut, AuditOut, Me, NoteIn
from jicai.web.audit.record import Actor
from jicai.web.audit.scoping import scoped_audit_events

router = Router()


def alert_out(a: Alert) -> dict[str, Any]:
    return {"id": a.pk, "rule_id": a.rule_id, "severity": a.severity,
            "institution_code": a.institution_code, "batch_code": a.batch_code,
            "cycle_no": a.cycle_no, "variety_code": a.variety_code,
            "product_code": a.product_code, "ref": a.ref, "value": a.value,
            "threshold": a.threshold, "clause": a.clause, "message": a.message,
            "status": a.status, "distributor_code": a.distributor_id}


@router.get("/me", response=Me)
def me(request: HttpRequest) -> dict[str, Any]:
    user = current(request)
    return {"username": user.username, "role": user.role, "region_code": user.region_id,
            "institution_code": user.institution_id, "company_code": user.company_id}


@router.get("/alerts", response=list[AlertOut])
@paginate(Page)
def alerts(request: HttpRequest, rule: Code | None = None, severity: Severity | None = None,
           status: AlertStatus | None = None, institution: Code | None = None,
           variety: Code | None = None) -> Any:
    items = scoped_alerts(current(request)).filter(run=latest_run())
    for field, value in (("rule_id", rule), ("severity", severity), ("status", status),
                         ("institution_code", institution), ("variety_code", variety)):
        if value:
            items = items.filter(**{field: value})
    return Mapped(items, alert_out)


@router.get("/alerts/{pk}", response=AlertOut)
def alert(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return alert_out(get_scoped(scoped_alerts(current(request)), pk=pk))


@router.post("/alerts/{pk}/act", response=AlertOut)
def act(request: HttpRequest, pk: PathId, body: ActIn) -> dict[str, Any]:
    a = get_scoped(scoped_alerts(current(request)), pk=pk)
    assignee = User.objects.filter(username=body.assignee).first() if body.assignee else None
    services.handle(Actor.of(request, via="api"), a, body.action, body.note, assignee)
    return alert_out(a)


@router.post("/alerts/{pk}/answer", response=AlertOut)
def answer(request: HttpRequest, pk: PathId, body: NoteIn) -> dict[str, Any]:
    a = get_scoped(scoped_alerts(current(request)), pk=pk)
    services.answer(Actor.of(request, via="api"), a, body.note)
    return alert_out(a)


@router.get("/audit", response=list[AuditOut])
@paginate(Page)
def audit(request: HttpRequest, action: Code | None = None) -> Any:
    user = current(request)
    require(user, Capability.VIEW_AUDIT)
    events = scoped_audit_events(user)
    if action:
        events = events.filter(action__startswith=action)
    return Mapped(events, lambda e: {
        "id": e.pk, "at": e.at, "actor": e.actor_name, "ip": e.ip, "action": e.action,
        "target_type": e.target_type, "target_id": e.target_id, "before": e.before,
        "after": e.after, "note": e.note})
