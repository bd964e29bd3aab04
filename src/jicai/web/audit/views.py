"""The audit log: viewable by the bureau, filterable, exportable as CSV."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jicai.web.accounts.permissions import current, require
from jicai.web.accounts.roles import Capability
from jicai.web.audit.models import AuditEvent
from jicai.web.audit.scoping import scoped_audit_events
from jicai.web.tables import csv_response


def _filtered(request: HttpRequest) -> QuerySet[AuditEvent]:
    user = current(request)
    require(user, Capability.VIEW_AUDIT)
    events = scoped_audit_events(user)
    g = request.GET
    if g.get("action"):
        events = events.filter(action__startswith=g["action"])
    if g.get("who"):
        events = events.filter(actor_name=g["who"])
    if g.get("type"):
        events = events.filter(target_type=g["type"])
    if g.get("id"):
        events = events.filter(target_id=g["id"])
    for key, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        with contextlib.suppress(ValueError):  # an empty or bad date is no filter
            events = events.filter(**{lookup: dt.date.fromisoformat(g.get(key, ""))})
    return events


@login_required
def log(request: HttpRequest) -> HttpResponse:
    events = _filtered(request)
    return render(request, "audit/log.html", {
        "events": events[:300], "total": events.count(), "q": request.GET.urlencode(),
        "f": request.GET})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    events = _filtered(request).order_by("at", "id")
    header = ["id", "at", "actor", "ip", "action", "target_type", "target_id", "before",
              "after", "note"]
    return csv_response("audit-log.csv", header, (
        [e.pk, e.at, e.actor_name, e.ip or "", e.action, e.target_type, e.target_id,
         json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
         json.dumps(e.after, ensure_ascii=False) if e.after is not None else "", e.note]
        for e in events.iterator()), request=request, labels={
        "id": "序号", "at": "时间（北京时间）", "actor": "操作人", "ip": "地址", "action": "操作",
        "target_type": "记录类型", "target_id": "记录编号", "before": "操作前", "after": "操作后",
        "note": "备注"})
