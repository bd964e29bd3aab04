"""A ticket's clocks in working days of the official calendar (holidays and 调休)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jicai.web import clock
from jicai.web.tickets.models import Ticket, TicketStatus
from jicai.web.tickets.workflow import FIX_WORKING_DAYS, REPLY_WORKING_DAYS


def local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def reply_due(ticket: Ticket) -> dt.date:
    """The last day the company may reply: 2 working days after the report."""
    return clock.calendar().add_working_days(local_date(ticket.reported_at), REPLY_WORKING_DAYS)


def latest_fix_date(replied_on: dt.date) -> dt.date:
    """The latest fix date a company may promise: 5 working days after its reply."""
    return clock.calendar().add_working_days(replied_on, FIX_WORKING_DAYS)


def overdue(ticket: Ticket, today: dt.date) -> bool:
    """Past the reply deadline without a reply, or past the promised date unresolved."""
    if ticket.status == TicketStatus.OPEN:
        return today > reply_due(ticket)
    if ticket.status == TicketStatus.REPLIED:
        return ticket.committed_by is not None and today > ticket.committed_by
    return False


def clocks(ticket: Ticket, today: dt.date) -> dict[str, object]:
    """What a page shows: the deadlines and whether the ticket is overdue."""
    due = reply_due(ticket)
    out: dict[str, object] = {"reply_due": due, "overdue": overdue(ticket, today)}
    if ticket.replied_at is not None:
        out["latest_fix"] = latest_fix_date(local_date(ticket.replied_at))
        out["replied_late"] = local_date(ticket.replied_at) > due
    return out
