"""What a person owes, with its deadline: the home page's list and ``/accounts/duties.json``.

Each duty is something this user must do, in their scope, with the deadline the
notices set for it, nearest first:

- a hospital's demand filing to submit or correct — by the window's closing date;
- a bureau's filings waiting at its review level — before the batch's cycle starts
  (demand is filed ahead of execution; rules.md D2 checks it from the start date);
- a company's supply problems to answer — 2 working days after the report, then the
  fix it promised — HENAN 二(八);
- supply problems escalated to a bureau and still open — the promised fix date, or
  the reply deadline when there is no promise;
- an institution's off-platform purchases recorded but not yet filed — 7 working days
  after the purchase (GANZHOU 二(四), GUANGDONG 二(三)), one line each;
- three-party agreements to sign or confirm — within 30 days of the cycle's start,
  JILIN 第五条 (rules.md A1: start + 30 days);
- a distributor's orders still unanswered at the latest run — 48 hours after the
  order (GANZHOU 二(六));
- alerts assigned to this person — by the next working day after assignment (a case
  handed to an officer is looked at the next working day; no notice sets a number).

Time left is counted in working days of the official calendar for day deadlines
(today counts as the last day; a past deadline is overdue). Many records of one
kind and deadline (agreements of a batch) are one line with their count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from jicai.errors import CalendarError
from jicai.web import clock
from jicai.web.accounts.models import User
from jicai.web.accounts.roles import OFFICER_LEVEL, Capability, can
from jicai.web.agreements.models import AgreementStatus
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.alerts.models import AlertStatus, Disposition
from jicai.web.alerts.scoping import latest_run, scoped_alerts
from jicai.web.filings.models import FilingStatus, WindowStatus
from jicai.web.filings.scoping import scoped_filings
from jicai.web.purchases.models import PurchaseStatus
from jicai.web.purchases.scoping import scoped_purchases
from jicai.web.purchases.services import due as purchase_due
from jicai.web.tickets.deadlines import local_date, reply_due
from jicai.web.tickets.models import TicketStatus
from jicai.web.tickets.scoping import scoped_tickets

AGREEMENT_DAYS = 30  # JILIN 第五条: sign within 30 days of the start of execution
MAX_TICKETS = 200  # one line each; more than that is a list to open, not a duty list


@dataclass(frozen=True)
class Duty:
    kind: str  # filing_submit | filing_review | ticket_reply | ticket_fix | ticket_escalated
    #            | purchase_file | agreement_sign | agreement_confirm | orders_unanswered
    #            | alert_assigned
    title: str
    subject: str  # the institution, batch or product it is about (a name, never a code)
    count: int
    due: dt.date | None
    url: str
    overdue: bool
    left: str  # "剩 3 个工作日", "今天到期", "已逾期 2 天"

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["due"] = self.due.isoformat() if self.due else None
        return d


def time_left(due: dt.date | None, today: dt.date) -> tuple[bool, str]:
    """(overdue, the time left in words): working days for a deadline ahead, calendar
    days past it."""
    if due is None:
        return False, _("no deadline")
    if due < today:
        return True, _("overdue by %(n)s days") % {"n": (today - due).days}
    if due == today:
        return False, _("due today")
    try:
        n = clock.calendar().working_days_between(today, due)
    except CalendarError:
        return False, _("%(n)s days left") % {"n": (due - today).days}
    return False, _("%(n)s working days left") % {"n": n}


def duties_for(user: User) -> list[Duty]:
    today = clock.today()
    out: list[Duty] = []

    def add(kind: str, title: str, subject: str, count: int, due: dt.date | None,
            url: str) -> None:
        late, left = time_left(due, today)
        out.append(Duty(kind, title, subject, count, due, url, late, left))

    if can(user, Capability.FILE_DEMAND) and user.institution_id:
        for f in scoped_filings(user).filter(
                filer_id=user.institution_id, window__status=WindowStatus.OPEN,
                status__in=[FilingStatus.DRAFT, FilingStatus.RETURNED]).select_related(
                "window__batch", "institution"):
            title = _("Correct and resubmit the demand filing") \
                if f.status == FilingStatus.RETURNED else _("Submit the demand filing")
            add("filing_submit", title, f"{f.institution} · {f.window.batch}", 1,
                f.window.closes_on, reverse("filings:filing", args=[f.pk]))
    level = OFFICER_LEVEL.get(user.role)
    if can(user, Capability.REVIEW_DEMAND) and level:
        for row in (scoped_filings(user).filter(status=FilingStatus.IN_REVIEW, review_level=level)
                    .values("window_id", "window__batch__name", "window__batch__cycle_no",
                            "window__batch__start_date").annotate(n=Count("id"))
                    .order_by("window__batch__start_date")):
            start = row["window__batch__start_date"]
            add("filing_review", _("Review demand filings"),
                f"{row['window__batch__name']}", row["n"], start - dt.timedelta(days=1),
                reverse("filings:window", args=[row["window_id"]]) + "?status=in_review")
    tickets = scoped_tickets(user).exclude(status=TicketStatus.RESOLVED).select_related(
        "institution", "product")
    if can(user, Capability.REPLY_TICKET):
        for t in tickets.filter(company_id=user.company_id)[:MAX_TICKETS]:
            subject = f"{t.institution} · {t.product}"
            if t.status == TicketStatus.OPEN:
                add("ticket_reply", _("Answer the supply problem"), subject, 1, reply_due(t),
                    reverse("tickets:detail", args=[t.pk]))
            elif t.committed_by is not None:
                add("ticket_fix", _("Fix the supply problem by the date you promised"),
                    subject, 1, t.committed_by, reverse("tickets:detail", args=[t.pk]))
    if can(user, Capability.SUPERVISE_TICKET) and user.region_id:
        for t in tickets.filter(escalated_to_id=user.region_id)[:MAX_TICKETS]:
            due = t.committed_by if t.status == TicketStatus.REPLIED and t.committed_by \
                else reply_due(t)
            add("ticket_escalated", _("Follow up the supply problem escalated to you"),
                f"{t.institution} · {t.product}", 1, due,
                reverse("tickets:detail", args=[t.pk]))
    if can(user, Capability.REGISTER_PURCHASE) and user.institution_id:
        for p in scoped_purchases(user).filter(
                institution_id=user.institution_id, status=PurchaseStatus.DRAFT).order_by(
                "purchased_at", "id")[:MAX_TICKETS]:
            try:
                deadline: dt.date | None = purchase_due(p.purchased_at)
            except CalendarError:  # a year the calendar does not know: its page says so
                deadline = None
            add("purchase_file", _("File the off-platform purchase"),
                " · ".join(x for x in (p.product_name, p.supplier) if x), 1, deadline,
                reverse("purchases:detail", args=[p.pk]))
    for capability, status, kind, title in (
            (Capability.RECORD_AGREEMENT, AgreementStatus.PENDING, "agreement_sign",
             _("Sign the three-party agreements")),
            (Capability.CONFIRM_AGREEMENT, AgreementStatus.RECORDED, "agreement_confirm",
             _("Confirm the three-party agreements"))):
        if not can(user, capability):
            continue
        rows = (scoped_agreements(user).filter(status=status)
                .values("batch__name", "batch__cycle_no")
                .annotate(n=Count("id"), start=Min("batch__start_date")).order_by("start"))
        for batch in rows:
            add(kind, title, f"{batch['batch__name']}", batch["n"],
                batch["start"] + dt.timedelta(days=AGREEMENT_DAYS),
                reverse("agreements:list") + f"?status={status}")
    if user.company_id:
        # Orders of the latest run still unanswered at its as-of day, addressed to this
        # company as distributor (R1 critical; GANZHOU 二(六)): due 48 h after the order,
        # so overdue by the time the monitor sees them — one line, the oldest first.
        waiting = scoped_alerts(user).filter(
            run=latest_run(), rule_id="order.unresponded_48h", severity="critical",
            distributor_id=user.company_id).exclude(status=AlertStatus.RESOLVED)
        n = sum(waiting.values_list("lines", flat=True))
        if n:
            first = waiting.exclude(ordered_at=None).order_by("ordered_at").first()
            # A case (many lines) keeps no order time: its 48 h had run out by the run's
            # as-of day at the latest, which is then the deadline shown.
            run = latest_run()
            oldest: dt.date | None = run.as_of if run is not None else None
            if first is not None and first.ordered_at is not None:
                oldest = local_date(first.ordered_at + dt.timedelta(hours=48))
            add("orders_unanswered", _("Answer the orders still waiting for you"),
                _("orders unanswered for 48 hours"), n, oldest,
                reverse("alerts:delayed") + f"?distributor={user.company_id}")
    for a in scoped_alerts(user).filter(run=latest_run(), assigned_to=user).exclude(
            status=AlertStatus.RESOLVED).order_by("id")[:MAX_TICKETS]:
        assigned = _assigned_on(a) or today
        try:
            due = clock.calendar().add_working_days(assigned, 1)
        except CalendarError:
            due = assigned + dt.timedelta(days=1)
        add("alert_assigned", _("Handle the alert assigned to you"), a.message[:60], 1, due,
            reverse("alerts:detail", args=[a.pk]))
    return sorted(out, key=lambda d: (d.due is None, d.due or today, d.kind, d.subject))


def _assigned_on(alert: Any) -> dt.date | None:
    last = Disposition.objects.filter(fingerprint=alert.fingerprint, action="assign") \
        .order_by("-id").first()
    return local_date(last.at) if last is not None else None
