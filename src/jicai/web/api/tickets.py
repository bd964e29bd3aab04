"""API of supply-problem tickets."""


from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from jicai.errors import CalendarError
from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped
from jicai.web.api.bounds import Page, PathId
from jicai.web.api.lazy import Mapped
from jicai.web.api.schemas import NoteIn, ReplyIn, TicketIn, TicketOut, VerifyIn
from jicai.web.audit.record import Actor
from jicai.web.reference.scoping import scoped_companies, scoped_products
from jicai.web.tickets import services
from jicai.web.tickets.deadlines import overdue, reply_due
from jicai.web.tickets.models import Ticket, TicketStatus
from jicai.web.tickets.scoping import scoped_tickets

router = Router()


def ticket_out(t: Ticket) -> dict[str, Any]:
    try:
        due, late = reply_due(t), overdue(t, clock.today())
    except CalendarError:
        due, late = None, None
    return {"id": t.pk, "ticket_id": t.ticket_id, "institution_code": t.institution_id,
            "product_code": t.product_id, "company_code": t.company_id,
            "description": t.description, "status": t.status, "reported_at": t.reported_at,
            "reply_due": due, "replied_at": t.replied_at, "reply": t.reply,
            "committed_by": t.committed_by, "resolved_at": t.resolved_at,
            "escalated_to": t.escalated_to_id, "overdue": late,
            "verified": t.exemption_id is not None}


def _get(request: HttpRequest, pk: int) -> Ticket:
    ticket: Ticket = get_scoped(scoped_tickets(current(request)), pk=pk)
    return ticket


@router.get("", response=list[TicketOut])
@paginate(Page)
def tickets(request: HttpRequest, status: TicketStatus | None = None) -> Any:
    items = scoped_tickets(current(request))
    if status:
        items = items.filter(status=status)
    return Mapped(items, ticket_out)


@router.post("", response={201: TicketOut})
def report(request: HttpRequest, body: TicketIn) -> Status[dict[str, Any]]:
    user = current(request)
    product = get_scoped(scoped_products(user), pk=body.product_code)
    company = get_scoped(scoped_companies(user), pk=body.company_code) \
        if body.company_code else None
    return Status(201, ticket_out(services.report(Actor.of(request, via="api"), product,
                                                  body.description, company)))


@router.get("/{pk}", response=TicketOut)
def ticket(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return ticket_out(_get(request, pk))


@router.post("/{pk}/reply", response=TicketOut)
def reply(request: HttpRequest, pk: PathId, body: ReplyIn) -> dict[str, Any]:
    t = _get(request, pk)
    services.reply(Actor.of(request, via="api"), t, body.reply, body.committed_by)
    return ticket_out(t)


@router.post("/{pk}/resolve", response=TicketOut)
def resolve(request: HttpRequest, pk: PathId, body: NoteIn) -> dict[str, Any]:
    t = _get(request, pk)
    services.resolve(Actor.of(request, via="api"), t, body.note)
    return ticket_out(t)


@router.post("/{pk}/escalate", response=TicketOut)
def escalate(request: HttpRequest, pk: PathId, body: NoteIn) -> dict[str, Any]:
    t = _get(request, pk)
    services.escalate(Actor.of(request, via="api"), t, body.note)
    return ticket_out(t)


@router.post("/{pk}/verify", response=TicketOut)
def verify(request: HttpRequest, pk: PathId, body: VerifyIn) -> dict[str, Any]:
    t = _get(request, pk)
    services.verify(Actor.of(request, via="api"), t, body.start, body.end)
    return ticket_out(t)
