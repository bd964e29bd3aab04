"""The landing page: what waits for this user, counted in its scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jicai.web import clock
from jicai.web.accounts.models import User
from jicai.web.accounts.roles import OFFICER_LEVEL, Capability, can
from jicai.web.agreements.models import AgreementStatus
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.alerts.models import AlertStatus
from jicai.web.alerts.scoping import latest_run, scoped_alerts
from jicai.web.filings.models import FilingStatus
from jicai.web.filings.scoping import scoped_filings
from jicai.web.purchases.models import PurchaseStatus
from jicai.web.purchases.scoping import scoped_purchases
from jicai.web.tickets.deadlines import overdue
from jicai.web.tickets.models import TicketStatus
from jicai.web.tickets.scoping import scoped_tickets


def _item(label: str, count: int, url: str, urgent: bool = False) -> dict[str, Any]:
    return {"label": label, "count": count, "url": url, "urgent": urgent}


def todo_for(user: User) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    alerts = scoped_alerts(user).filter(run=latest_run())
    if can(user, Capability.FILE_DEMAND):
        items.append(_item(_("Demand filings to complete or correct"), scoped_filings(user).filter(
            filer=user.institution, status__in=[FilingStatus.DRAFT, FilingStatus.RETURNED])
            .count(), reverse("filings:windows"), urgent=True))
    if can(user, Capability.REVIEW_DEMAND):
        items.append(_item(_("Demand filings waiting for my review"), scoped_filings(user).filter(
            status=FilingStatus.IN_REVIEW, review_level=OFFICER_LEVEL.get(user.role, ""))
            .count(), reverse("filings:queue"), urgent=True))
    if can(user, Capability.REPLY_TICKET):
        items.append(_item(_("Supply problems waiting for my reply"), scoped_tickets(user).filter(
            status=TicketStatus.OPEN).count(), reverse("tickets:list") + "?status=open",
            urgent=True))
    if can(user, Capability.SUPERVISE_TICKET) and user.region is not None:
        # Escalated is not overdue (a bureau may pass a ticket up before its deadline):
        # the tile counts those whose working-day clock has run out, and links to them.
        held = scoped_tickets(user).filter(escalated_to=user.region).exclude(
            status=TicketStatus.RESOLVED)
        today = clock.today()
        late = sum(1 for t in held if overdue(t, today))
        items.append(_item(_("Overdue supply problems escalated to my bureau"), late,
                           reverse("tickets:list") + "?escalated=1&overdue=1", urgent=True))
    if can(user, Capability.REPORT_TICKET):
        items.append(_item(_("My open supply problems"), scoped_tickets(user).exclude(
            status=TicketStatus.RESOLVED).count(), reverse("tickets:list")))
    if can(user, Capability.REGISTER_PURCHASE):
        items.append(_item(_("Off-platform purchases to file"), scoped_purchases(user).filter(
            institution_id=user.institution_id, status=PurchaseStatus.DRAFT).count(),
            reverse("purchases:list"), urgent=True))
    if can(user, Capability.CONFIRM_AGREEMENT):
        items.append(_item(_("Agreements to confirm"), scoped_agreements(user).filter(
            status=AgreementStatus.RECORDED).count(), reverse("agreements:list") +
            "?status=recorded", urgent=True))
    if can(user, Capability.RECORD_AGREEMENT):
        items.append(_item(_("Agreements not yet signed"), scoped_agreements(user).filter(
            status__in=[AgreementStatus.PENDING, AgreementStatus.DISPUTED]).count(),
            reverse("agreements:list") + "?status=pending"))
    items.append(_item(_("New alerts"), alerts.filter(status=AlertStatus.NEW).count(),
                       reverse("alerts:inbox") + "?status=new"))
    if user.region_id is not None and latest_run() is not None:
        # A bureau's (and the health commission's) home leads to its region's figures.
        items.append(_item(_("Execution of my region"), alerts.count(),
                           reverse("dashboards:execution")))
    if can(user, Capability.MANAGE_USERS):
        items.append(_item(_("Users"), User.objects.count(), reverse("accounts:users")))
    return items
