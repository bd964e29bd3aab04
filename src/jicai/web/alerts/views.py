"""The alert inbox, one alert, and the delayed-response lists (GANZHOU 二(六))."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import BUREAU_ROLES, Capability, can
from jicai.web.accounts.scope import ancestor_paths
from jicai.web.actions import run_action
from jicai.web.alerts import services
from jicai.web.alerts.cases import Lines
from jicai.web.alerts.delayed import DELAY_RULES, delayed_lists
from jicai.web.alerts.models import Alert, AlertStatus, Severity
from jicai.web.alerts.scoping import latest_run, scoped_alerts, scoped_dispositions
from jicai.web.audit.record import Actor
from jicai.web.paging import paged
from jicai.web.reference.models import Institution, Product, Region, Variety
from jicai.web.tables import csv_response

FILTERS = ("rule", "severity", "status", "region", "institution", "variety")


def _filtered(user: User, params: Any) -> QuerySet[Alert]:
    run = latest_run()
    items = scoped_alerts(user).filter(run=run)
    f = {k: (params.get(k) or "").strip() for k in FILTERS}
    if f["rule"]:
        items = items.filter(rule_id=f["rule"])
    if f["severity"]:
        items = items.filter(severity=f["severity"])
    if f["status"]:
        items = items.filter(status=f["status"])
    # Regions, institutions and varieties are looked up by name (or code), as an officer
    # knows them.
    if f["region"]:
        regions = Region.objects.filter(Q(name__icontains=f["region"]) | Q(code=f["region"]))
        cond = Q(pk__in=[])
        for path in regions.values_list("path", flat=True)[:50]:
            cond |= Q(region__path__startswith=path)
        items = items.filter(institution__in=Institution.objects.filter(cond).values("code"))
    if f["institution"]:
        items = items.filter(Q(institution__name__icontains=f["institution"])
                             | Q(institution_code=f["institution"]))
    if f["variety"]:
        codes = Variety.objects.filter(Q(name__icontains=f["variety"]) | Q(code=f["variety"]))
        items = items.filter(variety_code__in=codes.values_list("code", flat=True))
    if params.get("mine") and user.region is not None:
        items = items.filter(escalated_to=user.region) | items.filter(assigned_to=user)
    return items


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = current(request)
    items = _filtered(user, request.GET)
    base = scoped_alerts(user).filter(run=latest_run())
    page = paged(request, ByKeys(items))  # type: ignore[arg-type]
    return render(request, "alerts/inbox.html", {
        "run": latest_run(), "alerts": page, "page": page,
        "rules": base.values_list("rule_id", flat=True).distinct().order_by("rule_id"),
        "severities": Severity.choices, "statuses": AlertStatus.choices,
        "can_handle": can(user, Capability.HANDLE_ALERT),
        "f": {k: request.GET.get(k, "") for k in FILTERS}})


class ByKeys:
    """A queryset paged in two steps: the page's keys from the sorted index alone (a deep
    OFFSET walks the index, not the joins), then those rows with their related records."""

    def __init__(self, items: QuerySet[Alert]) -> None:
        self.items = items

    def count(self) -> int:
        return self.items.count()

    def __getitem__(self, key: slice) -> list[Alert]:
        keys = list(self.items.values_list("pk", flat=True)[key])
        rows = {a.pk: a for a in self.items.filter(pk__in=keys)}
        return [rows[k] for k in keys]


def _named_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines of a page with their institution and product names (one query each)."""
    insts = dict(Institution.objects.filter(
        code__in={r["institution_code"] for r in rows}).values_list("code", "name"))
    products = dict(Product.objects.filter(
        code__in={r["product_code"] for r in rows}).values_list("code", "generic_name"))
    for r in rows:
        r["institution"] = insts.get(r["institution_code"] or "", "")
        r["product_name"] = products.get(r["product_code"] or "", r["product_code"])
    return rows


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    alert = get_scoped(scoped_alerts(user), pk=pk)
    lines = None
    if alert.is_case:  # its lines, 50 to a page, read from the run's Parquet file
        lines = paged(request, Lines(alert.run.lines_file, [alert.fingerprint], alert.lines),  # type: ignore[arg-type]
                      param="lines")
        lines.object_list = _named_lines(list(lines.object_list))
    about_me = (user.institution_id is not None and user.institution_id == alert.institution_id) \
        or (user.company_id is not None and user.company_id in (alert.company_id,
                                                               alert.distributor_id))
    officers = User.objects.none()
    if can(user, Capability.HANDLE_ALERT) and alert.institution is not None:
        path = alert.institution.region.path
        officers = User.objects.filter(role__in=BUREAU_ROLES, is_active=True,
                                       region__path__in=ancestor_paths(path))
    return render(request, "alerts/detail.html", {
        "alert": alert, "officers": officers, "lines": lines,
        "dispositions": scoped_dispositions(user).filter(fingerprint=alert.fingerprint),
        "can_handle": can(user, Capability.HANDLE_ALERT) and alert.status != "resolved",
        "can_answer": can(user, Capability.ANSWER_ALERT) and about_me
        and alert.status != "resolved"})


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    alert = get_scoped(scoped_alerts(user), pk=pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    raw_assignee = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=int(raw_assignee)).first() \
        if raw_assignee.isdigit() else None
    return run_action(request, lambda: services.handle(Actor.of(request), alert, action, note,
                                                       assignee),
                      _("Done."), reverse("alerts:detail", args=[pk]))


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Acknowledge, escalate or resolve the cases and alerts ticked on an inbox page."""
    user = current(request)
    require(user, Capability.HANDLE_ALERT)
    ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
    if len(ids) > services.BULK_MAX:
        raise PermissionDenied("too many")
    items = list(scoped_alerts(user).filter(pk__in=ids))
    if len(items) != len(ids):  # one of them is not in the user's scope
        raise Http404("alert")
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    back = reverse("alerts:inbox")
    return run_action(request, lambda: services.handle_many(Actor.of(request), items, action,
                                                            note),
                      _("Done."), back)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_scoped(scoped_alerts(current(request)), pk=pk)
    note = request.POST.get("note", "")
    return run_action(request, lambda: services.answer(Actor.of(request), alert, note),
                      _("Your answer was recorded."), reverse("alerts:detail", args=[pk]))


@login_required
def delayed(request: HttpRequest) -> HttpResponse:
    """Orders unanswered after 48 hours, one list per distributor (延迟响应清单): the
    distributors from the cases, their orders from the cases' lines."""
    run = latest_run()
    cases = scoped_alerts(current(request)).filter(run=run, rule_id__in=DELAY_RULES)
    if request.GET.get("format") == "csv":
        header = ["distributor_code", "distributor", "order_line_id", "institution_code",
                  "institution", "product_code", "ordered_at", "hours", "rule_id"]
        return csv_response("delayed-response.csv", header, (
            [d["code"], d["name"], a["ref"], a["institution_code"], a["institution"],
             a["product_code"], a["ordered_at"], a["value"], a["rule_id"]]
            for d in delayed_lists(cases) for a in d["alerts"]), request=request,
            labels={"distributor_code": "配送企业编码", "distributor": "配送企业",
                    "order_line_id": "订单明细编号", "institution": "医疗机构",
                    "hours": "未响应小时数", "rule_id": "规则编号"})
    # On the page: one summary row per distributor, and the chosen distributor's orders
    # paged (a province has thousands; the CSV above has them all).
    summary = list(cases.values("distributor_id", "distributor__name").annotate(
        n=Sum("lines"), escalated=Sum("lines", filter=Q(rule_id="order.escalation_24h"),
                                      default=0))
        .order_by("-n", "distributor_id"))
    chosen = request.GET.get("distributor")
    if chosen is None and len(summary) == 1:  # a distributor sees its own list at once
        chosen = summary[0]["distributor_id"] or ""
    page = None
    if chosen is not None and run is not None:
        mine = cases.filter(distributor_id=chosen or None)
        fps = list(mine.values_list("fingerprint", flat=True))
        count = mine.aggregate(n=Sum("lines", default=0))["n"]
        page = paged(request, Lines(run.lines_file, fps, count))  # type: ignore[arg-type]
        page.object_list = _named_lines(list(page.object_list))
    return render(request, "alerts/delayed.html", {
        "summary": summary, "chosen": chosen, "page": page, "run": run})
