"""Supply-problem tickets: report, reply with a promised date, resolve, escalate, verify."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from jicai.errors import CalendarError
from jicai.web import clock
from jicai.web.accounts.permissions import require, require_in_scope
from jicai.web.accounts.roles import Capability, can
from jicai.web.audit.record import SYSTEM, Actor, record, snapshot, tracked
from jicai.web.reference.models import Company, Product, Region
from jicai.web.tickets.deadlines import latest_fix_date, local_date, overdue
from jicai.web.tickets.models import Exemption, ExemptionKind, Ticket, TicketStatus
from jicai.web.tickets.scoping import scoped_tickets
from jicai.web.tickets.workflow import FIX_WORKING_DAYS, TICKET
from jicai.web.workflow import WorkflowError


def _path(ticket: Ticket) -> str:
    return ticket.institution.region.path


def report(actor: Actor, product: Product, description: str,
           company: Company | None = None) -> Ticket:
    """An institution reports a problem with ``product`` to its company (or a distributor)."""
    user = actor.user
    require(user, Capability.REPORT_TICKET)  # type: ignore[arg-type]
    if not (description or "").strip():
        raise WorkflowError(_("Describe the problem."))
    ticket = Ticket(institution=user.institution, product=product,  # type: ignore[union-attr]
                    company=company or product.company, description=description.strip(),
                    reported_at=clock.now(), reported_by=user)
    with tracked(actor, "ticket.report", ticket, scope_path=user.institution.region.path):  # type: ignore[union-attr]
        ticket.save()
    return ticket


def reply(actor: Actor, ticket: Ticket, text: str, committed_by: dt.date) -> None:
    """The company answers and promises a fix date, at most 5 working days after today."""
    require(actor.user, Capability.REPLY_TICKET)  # type: ignore[arg-type]
    if actor.user is None or actor.user.company_id != ticket.company_id:
        raise PermissionDenied("company")
    TICKET.check(ticket.status, "reply")
    if not (text or "").strip():
        raise WorkflowError(_("Write the reply."))
    replied_at = clock.now()
    try:
        latest = latest_fix_date(local_date(replied_at))
    except CalendarError as exc:
        raise WorkflowError(exc.zh) from exc
    if not local_date(replied_at) <= committed_by <= latest:
        raise WorkflowError(
            _("The promised date must be between today and %(latest)s (%(n)s working days "
              "after the reply, HENAN 二(八)).") % {"latest": latest, "n": FIX_WORKING_DAYS})
    with tracked(actor, "ticket.reply", ticket, scope_path=_path(ticket)):
        ticket.status = TicketStatus.REPLIED
        ticket.reply, ticket.replied_at = text.strip(), replied_at
        ticket.committed_by = committed_by
        ticket.save()


def resolve(actor: Actor, ticket: Ticket, note: str) -> None:
    """The institution (or the company) says the problem is solved."""
    user = actor.user
    own = user is not None and (user.institution_id == ticket.institution_id
                                or user.company_id == ticket.company_id)
    if not own or not (can(user, Capability.REPORT_TICKET)  # type: ignore[arg-type]
                       or can(user, Capability.REPLY_TICKET)):  # type: ignore[arg-type]
        raise PermissionDenied("resolve")
    transition = TICKET.check(ticket.status, "resolve")
    with tracked(actor, "ticket.resolve", ticket, scope_path=_path(ticket)):
        ticket.status = transition.next_status(ticket.status)
        ticket.resolved_at, ticket.resolution = clock.now(), (note or "").strip()
        ticket.save()


def holder(ticket: Ticket) -> Region:
    """The bureau a ticket sits with: where it was escalated, else the institution's own."""
    return ticket.escalated_to or ticket.institution.region


def escalation_target(user: Any, ticket: Ticket) -> Region | None:
    """The bureau ``user`` would send the ticket to, or None when it is not theirs to send.

    A ticket sits with the bureau of its institution's region until it is escalated;
    each escalation sends it to the bureau above the one holding it (逐级上报). Only the
    holding bureau, or one above it, passes it on; the province bureau is the top.
    """
    if ticket.status == TicketStatus.RESOLVED or user is None or user.region is None \
            or not can(user, Capability.SUPERVISE_TICKET):
        return None
    held = holder(ticket)
    if not held.path.startswith(user.region.path):
        return None
    return held.parent


def escalate(actor: Actor, ticket: Ticket, note: str = "") -> None:
    """Send the ticket one bureau up (突出问题或无法协调解决的，逐级上报至省级医保部门)."""
    user = actor.user
    require(user, Capability.SUPERVISE_TICKET)  # type: ignore[arg-type]
    TICKET.check(ticket.status, "escalate")
    held = holder(ticket)
    if user is None or user.region is None:
        raise PermissionDenied("region")
    if not held.path.startswith(user.region.path):
        if user.region.path.startswith(held.path):  # it went up past this bureau
            raise WorkflowError(_("The ticket has been passed on to %(bureau)s; it is no "
                                  "longer yours to escalate.") % {"bureau": held})
        raise PermissionDenied("holder")  # another bureau's ticket altogether
    target = escalation_target(user, ticket)
    if target is None:
        raise WorkflowError(_("The ticket is already with the province bureau."))
    with tracked(actor, "ticket.escalate", ticket, scope_path=_path(ticket), note=note):
        ticket.escalated_to, ticket.escalated_at = target, clock.now()
        ticket.save()


def verify(actor: Actor, ticket: Ticket, start: dt.date, end: dt.date) -> Exemption:
    """The bureau confirms the supply problem: the variety is exempt for the institution."""
    require(actor.user, Capability.SUPERVISE_TICKET)  # type: ignore[arg-type]
    require_in_scope(scoped_tickets(actor.user), ticket)  # type: ignore[arg-type]
    TICKET.check(ticket.status, "verify")
    if ticket.exemption_id is not None:
        raise WorkflowError(_("This supply problem is already verified."))
    if end < start:
        raise WorkflowError(_("The exemption must end on or after its first day."))
    with transaction.atomic():
        exemption, _created = Exemption.objects.get_or_create(
            institution=ticket.institution, variety=ticket.product.variety, start_date=start,
            kind=ExemptionKind.SUPPLY_PROBLEM,
            defaults={"end_date": end, "created_by": actor.person})
        record(actor, "exemption.create", exemption, before=None, after=snapshot(exemption),
               scope_path=_path(ticket))
        with tracked(actor, "ticket.verify", ticket, scope_path=_path(ticket)):
            ticket.exemption = exemption
            ticket.save()
    return exemption


def sweep_overdue(today: dt.date | None = None) -> int:
    """Put every overdue, not yet escalated ticket with the bureau of its institution's region."""
    today = today or clock.today()
    candidates = Ticket.objects.filter(
        status__in=[TicketStatus.OPEN, TicketStatus.REPLIED], escalated_to__isnull=True,
        reported_at__date__lt=today).select_related("institution__region")
    moved = 0
    for ticket in candidates:
        try:
            late = overdue(ticket, today)
        except CalendarError:
            continue  # shown on the ticket page; a sweep must not stop on it
        if late:
            with tracked(SYSTEM, "ticket.escalate", ticket, scope_path=_path(ticket),
                         note="overdue"):
                ticket.escalated_to, ticket.escalated_at = ticket.institution.region, clock.now()
                ticket.save()
            moved += 1
    return moved
