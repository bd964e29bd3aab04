"""Pages of three-party agreements, with the 30-day clock."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import Capability, ScopeKind, can
from jicai.web.accounts.scope import kind_of
from jicai.web.actions import run_action
from jicai.web.agreements import services
from jicai.web.agreements.forms import RecordForm
from jicai.web.agreements.models import Agreement, AgreementStatus
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.audit.record import Actor, history
from jicai.web.paging import named, paged

_SIGNED = (AgreementStatus.RECORDED, AgreementStatus.CONFIRMED)


def _clock(a: Agreement) -> dict[str, Any]:
    due = services.due(a)
    signed = a.status in _SIGNED and a.signed_at is not None
    return {"due": due, "late": signed and a.signed_at > due,  # type: ignore[operator]
            "overdue": not signed and clock.today() > due,
            "days_left": (due - clock.today()).days}


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = current(request)
    items = scoped_agreements(user)
    status = request.GET.get("status", "")
    if status in AgreementStatus.values:
        items = items.filter(status=status)
    q = request.GET.get("q", "")
    items = named(items.select_related("batch", "institution", "company", "distributor"), q,
                  "institution__name", "institution__code", "company__name",
                  "distributor__name", "batch__name")
    page = paged(request, items)
    return render(request, "agreements/list.html", {
        "rows": [(a, _clock(a)) for a in page], "page": page, "q": q,
        "keep": [("status", status)] if status else [],
        "statuses": AgreementStatus.choices})


def _may_record(user: Any, a: Agreement) -> bool:
    if not can(user, Capability.RECORD_AGREEMENT) or a.status == AgreementStatus.CONFIRMED:
        return False
    if kind_of(user) is ScopeKind.REGION:
        return a.batch.category == "drug"
    return bool(user.institution_id == a.institution_id)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    a = get_scoped(scoped_agreements(user), pk=pk)
    is_company = can(user, Capability.CONFIRM_AGREEMENT) and user.company_id == a.company_id
    return render(request, "agreements/detail.html", {
        "a": a, "clock": _clock(a), "history": history(a),
        "can_record": _may_record(user, a),
        "can_answer": is_company and a.status == AgreementStatus.RECORDED,
        "form": RecordForm(initial={"distributor": a.distributor_id,
                                    "signed_at": a.signed_at or clock.today()})})


def _back(pk: int) -> str:
    return reverse("agreements:detail", args=[pk])


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    a = get_scoped(scoped_agreements(user), pk=pk)
    require(user, Capability.RECORD_AGREEMENT)
    form = RecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the signing date."))
        return redirect(_back(pk))
    data = form.cleaned_data
    return run_action(request, lambda: services.record_signing(
        Actor.of(request), a, data["distributor"], data["signed_at"]),
        _("Agreement recorded."), _back(pk))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_scoped(scoped_agreements(current(request)), pk=pk)
    return run_action(request, lambda: services.confirm(Actor.of(request), a),
                      _("Agreement confirmed."), _back(pk))


@login_required
@require_POST
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_scoped(scoped_agreements(current(request)), pk=pk)
    reason = request.POST.get("reason", "")
    return run_action(request, lambda: services.dispute(Actor.of(request), a, reason),
                      _("Agreement disputed."), _back(pk))
