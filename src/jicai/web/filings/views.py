"""Pages of demand filing: windows, one filing with its lines, review, exports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped, require, require_scope
from jicai.web.accounts.roles import OFFICER_LEVEL, Capability, ScopeKind, can
from jicai.web.actions import run_action
from jicai.web.audit.record import Actor
from jicai.web.filings import review, services
from jicai.web.filings.export import batch_total, demand_filings_table
from jicai.web.filings.forms import NewClosingForm, OpenWindowForm, ReturnForm
from jicai.web.filings.models import FilingStatus
from jicai.web.filings.rules import rules_for
from jicai.web.filings.scoping import scoped_filings, scoped_windows
from jicai.web.filings.workflow import EDITABLE
from jicai.web.paging import named, paged
from jicai.web.reference.scoping import scoped_batches
from jicai.web.tables import csv_response, table_csv_response
from jicai.web.workflow import WorkflowError


@login_required
def windows(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    items = scoped_windows(user)
    form = None
    if can(user, Capability.OPEN_WINDOW):
        taken = items.filter(region=user.region).values("batch")
        form = OpenWindowForm(batches=scoped_batches(user).exclude(pk__in=taken))
    mine = scoped_filings(user).values("window").annotate(n=Count("id"))
    counts = {row["window"]: row["n"] for row in mine}
    return render(request, "filings/windows.html",
                  {"windows": [(w, counts.get(w.pk, 0)) for w in items], "form": form,
                   "can_review": can(user, Capability.REVIEW_DEMAND)})


@login_required
@require_POST
def open_window(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require(user, Capability.OPEN_WINDOW)
    form = OpenWindowForm(request.POST, batches=scoped_batches(user))
    if not form.is_valid():
        messages.error(request, _("Choose a batch and a closing date."))
        return redirect("filings:windows")
    data = form.cleaned_data
    region = user.region
    if region is None:  # only a bureau officer (scoped to a region) opens filing
        raise PermissionDenied("region")
    already = services.platform_filings(data["batch"])
    if already:
        messages.warning(request, _(
            "%(n)s demand filings of this batch were already imported from the platform. "
            "Web filings, once approved and published, replace those of the same institution "
            "and variety.") % {"n": already})
    return run_action(
        request, lambda: services.open_window(Actor.of(request), data["batch"], region,
                                              data["closes_on"]),
        _("Filing is open."), reverse("filings:windows"))


@login_required
def close_window(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing filing for a whole region is asked twice: this page says what it means
    (how many institutions have not submitted) and closes only on ``confirm``."""
    user = current(request)
    win = get_scoped(scoped_windows(user), pk=pk)
    require(user, Capability.OPEN_WINDOW)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return run_action(request, lambda: services.close_window(Actor.of(request), win),
                          _("Filing is closed."), reverse("filings:window", args=[pk]))
    unsubmitted = scoped_filings(user).filter(window=win, status=FilingStatus.DRAFT).count()
    return render(request, "filings/close.html", {"window": win, "unsubmitted": unsubmitted})


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    win = get_scoped(scoped_windows(current(request)), pk=pk)
    back = reverse("filings:window", args=[pk])
    try:
        n = services.remind(Actor.of(request), win)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reminder sent to %(n)s institutions.") % {"n": n})
    return redirect(back)


def _new_closing(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    win = get_scoped(scoped_windows(current(request)), pk=pk)
    form = NewClosingForm(request.POST)
    back = reverse("filings:window", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Give a new closing date and the reason."))
        return redirect(back)
    run = services.extend_window if action == "extend" else services.reopen_window
    done = _("Filing is extended.") if action == "extend" else _("Filing is open again.")
    data = form.cleaned_data
    return run_action(request, lambda: run(Actor.of(request), win, data["closes_on"],
                                           data["reason"]), done, back)


@login_required
@require_POST
def extend_window(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_closing(request, pk, "extend")


@login_required
@require_POST
def reopen_window(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_closing(request, pk, "reopen")


@login_required
def window(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    win = get_scoped(scoped_windows(user), pk=pk)
    filings = scoped_filings(user).filter(window=win)
    status = request.GET.get("status", "")
    if status in FilingStatus.values:
        filings = filings.filter(status=status)
    counts = dict(scoped_filings(user).filter(window=win)
                  .values_list("status").annotate(n=Count("id")))
    level = OFFICER_LEVEL.get(user.role)
    q = request.GET.get("q", "")
    filings = named(filings.select_related("institution__region", "filer"), q,
                    "institution__name", "institution__code", "institution__region__name")
    page = paged(request, filings)
    return render(request, "filings/window.html", {
        "window": win, "filings": page, "page": page, "q": q,
        "keep": [("status", status)] if status else [],
        "counts": [(s, label, counts.get(s, 0)) for s, label in FilingStatus.choices],
        "status": status, "my_level": level,
        "can_export": can(user, Capability.EXPORT_DEMAND),
        "can_manage": can(user, Capability.OPEN_WINDOW),
        "platform_filings": services.platform_filings(win.batch)
        if can(user, Capability.OPEN_WINDOW) else 0,
        "taking": services.takes_submissions(win),
        "closing_form": NewClosingForm(initial={"closes_on": max(win.closes_on, clock.today())
                                                + dt.timedelta(days=7)})})


@login_required
def filing(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    item = get_scoped(scoped_filings(user), pk=pk)
    rules = rules_for(item.window.profile)
    lines = [(ln, rules.needs_explanation(ln.reported_units, ln.history_units))
             for ln in item.lines.select_related("variety")]
    editable = (can(user, Capability.FILE_DEMAND) and user.institution_id == item.filer_id
                and item.status in EDITABLE)
    return render(request, "filings/filing.html", {
        "filing": item, "lines": lines, "editable": editable,
        "ratio_pct": round(rules.ratio * 100) if rules.ratio else None,
        "is_reviewer": review.is_reviewer(user, item),
        "reviews": item.reviews.select_related("reviewer"),
        "missing": services.missing_for_submission(item) if editable else [],
        # A draft can be submitted only while the window takes submissions; a returned
        # filing may be resubmitted after it closed.
        "can_submit": editable and (item.status == FilingStatus.RETURNED
                                    or services.takes_submissions(item.window)),
        "return_form": ReturnForm()})


def _back(pk: int) -> str:
    return reverse("filings:filing", args=[pk])


@login_required
@require_POST
def save(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    codes = [k.removeprefix("units_") for k in request.POST if k.startswith("units_")]
    values = {c: (request.POST.get(f"units_{c}"), request.POST.get(f"expl_{c}", ""))
              for c in codes}
    return run_action(request, lambda: services.save_lines(Actor.of(request), item, values),
                      _("Saved."), _back(pk))


@login_required
@require_POST
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    upload = request.FILES.get("letter")
    return run_action(request, lambda: services.attach_letter(Actor.of(request), item, upload),
                      _("Commitment letter uploaded."), _back(pk))


@login_required
def letter_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    if not item.commitment_letter:
        raise Http404
    return FileResponse(item.commitment_letter.open("rb"), content_type="application/pdf",
                        filename=f"commitment-{item.institution_id}.pdf")


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    return run_action(request, lambda: services.submit(Actor.of(request), item),
                      _("Submitted for review."), _back(pk))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    return run_action(request, lambda: review.approve(Actor.of(request), item),
                      _("Approved."), _back(pk))


@login_required
@require_POST
def return_filing(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(scoped_filings(current(request)), pk=pk)
    reason = request.POST.get("reason", "")
    return run_action(request, lambda: review.return_filing(Actor.of(request), item, reason),
                      _("Returned to the institution."), _back(pk))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The filings waiting for this officer's level."""
    user = current(request)
    require(user, Capability.REVIEW_DEMAND)
    items = scoped_filings(user).filter(status=FilingStatus.IN_REVIEW,
                                        review_level=OFFICER_LEVEL.get(user.role, ""))
    page = paged(request, items.select_related("institution", "window__batch"))
    return render(request, "filings/queue.html", {"filings": page, "page": page})


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Approved filings of the window in scope, as the contract's demand_filings.csv."""
    require(current(request), Capability.EXPORT_DEMAND)
    win = get_scoped(scoped_windows(current(request)), pk=pk)
    table = demand_filings_table(scoped_filings(current(request)).filter(window=win))
    return table_csv_response("demand_filings.csv", table, request)


@login_required
def total(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch total by variety over the filings in scope (the province's is the batch's)."""
    require(current(request), Capability.EXPORT_DEMAND)
    win = get_scoped(scoped_windows(current(request)), pk=pk)
    rows = batch_total(scoped_filings(current(request)).filter(window=win))
    header = ["batch_code", "cycle_no", "variety_code", "name", "reported_units",
              "approved_filings", "pending_filings"]
    return csv_response(f"batch-total-{win.batch.code}-{win.batch.cycle_no}.csv", header, (
        [win.batch.code, win.batch.cycle_no, r["variety_code"], r["name"], r["reported_units"],
         r["approved_filings"], r["pending_filings"]] for r in rows), request=request,
        labels={"name": "品种名称", "reported_units": "报送需求量合计",
                "approved_filings": "已审核通过机构数", "pending_filings": "未完成审核机构数"})
