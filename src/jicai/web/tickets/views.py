"""Pages of supply-problem tickets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jicai.errors import CalendarError
from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import Capability, can
from jicai.web.actions import keep_draft, run_action, take_draft
from jicai.web.audit.record import Actor, history
from jicai.web.paging import named, paged
from jicai.web.reference.models import Product
from jicai.web.tickets import services
from jicai.web.tickets.deadlines import clocks, local_date
from jicai.web.tickets.forms import NoteForm, ReplyForm, ReportForm, VerifyForm
from jicai.web.tickets.models import Ticket, TicketStatus
from jicai.web.tickets.scoping import scoped_tickets


def _clocks(ticket: Ticket) -> dict[str, Any]:
    try:
        return {"calendar_error": "", **clocks(ticket, clock.today())}
    except CalendarError as exc:
        return {"calendar_error": exc.zh, "reply_due": None, "overdue": None}


def _awarded_products() -> Any:
    return Product.objects.filter(awards__isnull=False).distinct().select_related("company")


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = current(request)
    services.sweep_overdue()
    items = scoped_tickets(user)
    status = request.GET.get("status", "")
    if status in TicketStatus.values:
        items = items.filter(status=status)
    if request.GET.get("escalated") and user.region is not None:
        items = items.filter(escalated_to=user.region)
    q = request.GET.get("q", "")
    items = named(items.select_related("institution", "product", "company", "escalated_to"), q,
                  "institution__name", "product__generic_name", "product__code",
                  "company__name")
    if request.GET.get("overdue"):
        # Overdue is a working-day clock of the official calendar, not a column: it is
        # worked out for the open tickets (a few hundred at most), then paged.
        open_ = items.exclude(status=TicketStatus.RESOLVED)
        page = paged(request, [t for t in open_ if _clocks(t).get("overdue")])
    else:
        page = paged(request, items)
    rows = [(t, _clocks(t)) for t in page]
    keep = [(k, request.GET[k]) for k in ("status", "overdue", "escalated") if request.GET.get(k)]
    return render(request, "tickets/list.html", {
        "rows": rows, "page": page, "q": q, "keep": keep,
        "status": status, "statuses": TicketStatus.choices,
        "can_report": can(user, Capability.REPORT_TICKET)})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require(user, Capability.REPORT_TICKET)
    form = ReportForm(request.POST or None, products=_awarded_products())
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "tickets/new.html", {"form": form}, status=400)
        data = form.cleaned_data
        ticket = services.report(Actor.of(request), data["product"], data["description"],
                                 data["company"])
        messages.success(request, _("The problem was reported."))
        return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "tickets/new.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    ticket = get_scoped(scoped_tickets(user), pk=pk)
    open_ = ticket.status != TicketStatus.RESOLVED
    own = user.institution_id == ticket.institution_id or user.company_id == ticket.company_id
    start = local_date(ticket.reported_at)
    return render(request, "tickets/detail.html", {
        "ticket": ticket, "clocks": _clocks(ticket), "history": history(ticket),
        "can_reply": ticket.status == TicketStatus.OPEN and can(user, Capability.REPLY_TICKET),
        "can_resolve": open_ and own,
        "can_supervise": can(user, Capability.SUPERVISE_TICKET),
        "escalate_to": services.escalation_target(user, ticket),
        "holder": services.holder(ticket),
        "reply_form": ReplyForm(initial=take_draft(request, f"ticket-reply-{pk}")
                                or {"committed_by": clock.today()}),
        "note_form": NoteForm(),
        "verify_form": VerifyForm(initial={
            "start": start, "end": ticket.committed_by or clock.today()})})


def _back(pk: int) -> str:
    return reverse("tickets:detail", args=[pk])


def _invalid(request: HttpRequest, form: Any, pk: int) -> HttpResponse:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_back(pk))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    ticket = get_scoped(scoped_tickets(user), pk=pk)
    require(user, Capability.REPLY_TICKET)
    form = ReplyForm(request.POST)
    draft = f"ticket-reply-{pk}"
    if not form.is_valid():
        keep_draft(request, draft, request.POST)
        return _invalid(request, form, pk)
    data = form.cleaned_data
    return run_action(request, lambda: services.reply(
        Actor.of(request), ticket, data["reply"], data["committed_by"]), _("Reply sent."),
        _back(pk), draft=draft)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_scoped(scoped_tickets(current(request)), pk=pk)
    note = request.POST.get("note", "")
    return run_action(request, lambda: services.resolve(Actor.of(request), ticket, note),
                      _("Marked as resolved."), _back(pk))


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_scoped(scoped_tickets(current(request)), pk=pk)
    note = request.POST.get("note", "")
    return run_action(request, lambda: services.escalate(Actor.of(request), ticket, note),
                      _("Escalated."), _back(pk))


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    ticket = get_scoped(scoped_tickets(user), pk=pk)
    require(user, Capability.SUPERVISE_TICKET)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    data = form.cleaned_data
    return run_action(request, lambda: services.verify(
        Actor.of(request), ticket, data["start"], data["end"]),
        _("Supply problem verified; the variety is exempt for the institution."), _back(pk))
