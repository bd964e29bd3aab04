"""Operations: publish workflow records, start a monitor run, reload reference data."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jicai.web import clock
from jicai.web.accounts.permissions import current, get_scoped, require
from jicai.web.accounts.roles import Capability
from jicai.web.actions import run_action
from jicai.web.alerts.models import MonitorRun
from jicai.web.alerts.scoping import scoped_runs
from jicai.web.audit.record import Actor
from jicai.web.jobs.queue import JobBusy, active_monitor_job
from jicai.web.jobs.views import REFRESH
from jicai.web.monitoring import bridge, publish, runs
from jicai.web.monitoring.models import Publication
from jicai.web.monitoring.sync import sync_reference
from jicai.web.widgets import DateInput

PROFILES = ("national", "henan", "ganzhou", "jilin", "guangdong")


def _profiles() -> list[tuple[str, str]]:
    """The built-in profiles by name in the page's language (全国（通用）, 河南省 …)."""
    from jicai.web.dashboards.templatetags.profile_tags import profile_name

    return [(p, profile_name(p)) for p in PROFILES]


class RunForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"),
                            widget=DateInput())
    # a callable: the names are taken when the form is shown, in that request's language
    profile = forms.ChoiceField(label=gettext_lazy("Profile"), choices=_profiles)


class ImportForm(RunForm):
    alerts = forms.FileField(label=gettext_lazy("alerts.csv of a monitor run"))


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require(user, Capability.RUN_MONITOR)
    initial = {"as_of": clock.today(), "profile": settings.JICAI_PROFILE}
    return render(request, "monitoring/runs.html", {
        "runs": scoped_runs(user)[:50], "publications": Publication.objects.all()[:10],
        "has_data": bridge.has_data(), "snapshot": bridge.warehouse().current_id,
        "home": bridge.home(), "run_form": RunForm(initial=initial),
        "import_form": ImportForm(initial=initial), "active_job": active_monitor_job()})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current(request)
    require(user, Capability.RUN_MONITOR)
    run = get_scoped(scoped_runs(user), pk=pk)
    # Alerts as the engine counts them (a case holds many lines), beside the inbox's items:
    # the per-rule sums then agree with the rules' table and the run's total.
    counts = run.alerts.values("rule_id", "severity").annotate(
        n=Sum("lines"), items=Count("id")).order_by("rule_id", "severity")
    job = run.jobs.first()  # type: ignore[attr-defined]
    return render(request, "monitoring/run.html", {"run": run, "counts": counts, "job": job,
                                                   "refresh": REFRESH,
                                                   "snapshot": run_snapshot(run)})


def run_snapshot(run: MonitorRun) -> str | None:
    """The warehouse snapshot the run read: its ``run.json`` says (the monitor pins it),
    else the snapshot a web run was started on; None for an uploaded ``alerts.csv``."""
    if run.output_dir:
        try:
            meta = json.loads((Path(run.output_dir) / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        if meta.get("warehouse_snapshot"):
            return str(meta["warehouse_snapshot"])
    kind, _, rest = run.source.partition(" ")
    return rest if kind == "warehouse" and rest and rest != "—" else None


@login_required
@require_POST
def do_publish(request: HttpRequest) -> HttpResponse:
    return run_action(request, lambda: publish.publish(Actor.of(request)),
                      _("Workflow records published to the warehouse."),
                      reverse("monitoring:runs"))


@login_required
@require_POST
def do_run(request: HttpRequest) -> HttpResponse:
    require(current(request), Capability.RUN_MONITOR)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a profile."))
        return redirect("monitoring:runs")
    try:
        # queued for the worker: the page answers at once and follows the run
        run = runs.enqueue_run(Actor.of(request), form.cleaned_data["as_of"],
                               form.cleaned_data["profile"])
    except JobBusy as exc:
        messages.error(request, str(exc))
        if exc.running.run_id is not None:
            return redirect("monitoring:run", pk=exc.running.run_id)
        return redirect("monitoring:runs")
    messages.success(request, _("The monitor run is queued; this page shows its progress."))
    return redirect("monitoring:run", pk=run.pk)


@login_required
@require_POST
def do_import(request: HttpRequest) -> HttpResponse:
    require(current(request), Capability.RUN_MONITOR)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a date, a profile and the alerts.csv file."))
        return redirect("monitoring:runs")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alerts.csv"
        with path.open("wb") as fh:
            for chunk in form.cleaned_data["alerts"].chunks():
                fh.write(chunk)
        run = runs.import_run(Actor.of(request), path, form.cleaned_data["as_of"],
                              form.cleaned_data["profile"])
    if run.status == "failed":
        messages.error(request, run.message)
    return redirect("monitoring:run", pk=run.pk)


@login_required
@require_POST
def do_sync(request: HttpRequest) -> HttpResponse:
    require(current(request), Capability.RUN_MONITOR)
    counts = sync_reference(Actor.of(request))
    messages.success(request, _("Reference data reloaded: %(counts)s")
                     % {"counts": ", ".join(f"{k} {v}" for k, v in counts.items()) or "—"})
    return redirect("monitoring:runs")
