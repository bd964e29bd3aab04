"""Pages of off-platform purchases (备案采购)."""

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
from jicai.web.accounts.duties import time_left
from jicai.web.accounts.permissions import current, get_scoped, require, require_scope
from jicai.web.accounts.roles import Capability, ScopeKind, can
from jicai.web.actions import run_action
from jicai.web.audit.record import Actor, history
from jicai.web.paging import named, paged
from jicai.web.purchases import services
from jicai.web.purchases.forms import PurchaseForm
from jicai.web.purchases.models import OffPlatformPurchase, PurchaseStatus
from jicai.web.purchases.scoping import scoped_purchases
from jicai.web.workflow import WorkflowError


def _clock(p: OffPlatformPurchase) -> dict[str, Any]:
    """The filing deadline; for a filed record whether it was late, for a draft whether
    it is overdue today and the working days left (as on the home page)."""
    try:
        due = services.due(p.purchased_at)
    except CalendarError as exc:
        return {"calendar_error": exc.zh, "due": None, "late": None, "left": ""}
    if p.filed_at is None:
        overdue, left = time_left(due, clock.today())
        return {"due": due, "late": overdue, "left": left, "calendar_error": ""}
    return {"due": due, "late": p.filed_at > due, "left": "", "calendar_error": ""}


@login_required
def purchase_list(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    q = request.GET.get("q", "")
    items = named(scoped_purchases(user).select_related("institution"), q, "product_name",
                  "product__code", "institution__name")
    page = paged(request, items)
    return render(request, "purchases/list.html", {
        "rows": [(p, _clock(p)) for p in page], "page": page, "q": q, "keep": [],
        "can_register": can(user, Capability.REGISTER_PURCHASE)})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require(user, Capability.REGISTER_PURCHASE)
    form = PurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = "draft" in request.POST
        try:
            purchase = services.register(Actor.of(request), form.cleaned_data, draft=draft)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            _say(request, purchase)
            return redirect("purchases:detail", pk=purchase.pk)
    return render(request, "purchases/new.html", {"form": form})


def _say(request: HttpRequest, purchase: OffPlatformPurchase) -> None:
    clock_ = _clock(purchase)
    due = clock_["due"].isoformat() if clock_["due"] else clock_["calendar_error"]
    if purchase.status == PurchaseStatus.DRAFT:
        messages.success(request, _("Recorded, not yet filed: file it by %(due)s.")
                         % {"due": due})
    elif clock_.get("late"):
        messages.warning(request, _("Filed after the 7-working-day deadline (%(due)s).")
                         % {"due": due})
    else:
        messages.success(request, _("Filed."))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    purchase = get_scoped(scoped_purchases(user), pk=pk)
    return _detail(request, purchase, None)


def _detail(request: HttpRequest, purchase: OffPlatformPurchase,
            form: PurchaseForm | None) -> HttpResponse:
    user = current(request)
    own = can(user, Capability.REGISTER_PURCHASE) \
        and user.institution_id == purchase.institution_id
    if form is None and own and purchase.status == PurchaseStatus.DRAFT:
        form = PurchaseForm(initial={f: getattr(purchase, f) for f in services.FIELDS})
    return render(request, "purchases/detail.html", {
        "p": purchase, "clock": _clock(purchase), "history": history(purchase),
        "form": form if own else None,
        "can_withdraw": own and purchase.status != PurchaseStatus.WITHDRAWN})


@login_required
@require_POST
def file(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's form: save it again (``save``) or file it (备案) with what it says."""
    user = current(request)
    purchase = get_scoped(scoped_purchases(user), pk=pk)
    require(user, Capability.REGISTER_PURCHASE)
    form = PurchaseForm(request.POST)
    if form.is_valid():
        actor = Actor.of(request)
        try:
            if "save" in request.POST:
                services.save_draft(actor, purchase, form.cleaned_data)
            else:
                services.file(actor, purchase, form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            _say(request, purchase)
            return redirect("purchases:detail", pk=purchase.pk)
        purchase.refresh_from_db()  # a refused change leaves the record as it was
    return _detail(request, purchase, form)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    purchase = get_scoped(scoped_purchases(current(request)), pk=pk)
    reason = request.POST.get("reason", "")
    return run_action(request, lambda: services.withdraw(Actor.of(request), purchase, reason),
                      _("Withdrawn."), reverse("purchases:detail", args=[pk]))
