"""An institution's 一院一档 workbook and a region's circular / annual report, built in
the background (decision 0009) by the documents code (:mod:`jicai.reports.jobs`).

The page's link opens a page that offers to build the document (a POST); the build
is a job for the worker, and the job's page (``jobs:job``) offers the file once it is
written. The document is of the latest run's ``as_of``: the month, quarter or year of
that day, read from that run's folder and the warehouse. The institution or region must
be in the user's scope (``scoped_institutions``, ``scoped_regions``), as on the page
itself, when the build is asked for and again when the file is downloaded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jicai.web.accounts.permissions import current, get_scoped, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.audit.record import Actor
from jicai.web.dashboards import runfiles
from jicai.web.reference.models import Institution, Region
from jicai.web.reference.scoping import scoped_institutions

if TYPE_CHECKING:
    from jicai.web.accounts.models import User
    from jicai.web.jobs.models import Job

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGION_REPORTS = {"circular": "季度通报", "annual": "年度报告"}
CONTENT_TYPES = {".pdf": "application/pdf", ".docx": DOCX, ".xlsx": XLSX}


def available() -> bool:
    """Whether ``jicai report hospital-monthly`` exists in this installation."""
    return importlib.util.find_spec("jicai.reports.jobs") is not None \
        and importlib.util.find_spec("jicai.reports.hospital") is not None


def _offer(request: HttpRequest, kind: str, code: str, fmt: str, title: str) -> HttpResponse:
    """GET: the build under way or done (its page), or a page offering to build it;
    POST: queue the build and show its page."""
    from jicai.web.jobs.queue import find_report, queue_report

    files = runfiles.latest()
    if files is None or not available():
        raise Http404
    if request.method == "POST":
        job = queue_report(Actor.of(request), kind, code, fmt, files.run)
        return redirect("jobs:job", pk=job.pk)
    found = find_report(kind, code, fmt, files.run)
    if found is not None:
        return redirect("jobs:job", pk=found.pk)
    return render(request, "jobs/offer.html", {"title": title, "run": files.run, "fmt": fmt})


@login_required
def institution_report(request: HttpRequest, code: str) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    inst: Institution = get_scoped(scoped_institutions(user), code=code)
    fmt = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    return _offer(request, "hospital", inst.code, fmt, f"{inst.name} · 一院一档")




def region_reports(code: str) -> list[dict[str, str]]:
    """The region page's document links (when the documents code is installed)."""
    from django.urls import reverse

    if not available():
        return []
    out = []
    for kind, zh in REGION_REPORTS.items():
        url = reverse("dashboards:region_report", args=[code, kind])
        out.append({"kind": kind, "label": zh, "docx": url, "pdf": url + "?format=pdf"})
    return out


@login_required
def region_report(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The quarterly circular (HENAN 二(九)) or the annual report (GANZHOU 附件2) of the
    run's quarter or year, limited to a region in the user's scope, as DOCX or PDF."""
    from jicai.web.reference.scoping import scoped_regions

    user = current(request)
    require_scope(user, ScopeKind.REGION)
    region = get_scoped(scoped_regions(user), code=code)
    if kind not in REGION_REPORTS:
        raise Http404
    fmt = "pdf" if request.GET.get("format") == "pdf" else "docx"
    return _offer(request, kind, region.code, fmt, f"{region.name} · {REGION_REPORTS[kind]}")


def may_read(user: User, job: Job) -> bool:
    """Whether ``user`` may see report job ``job``: its institution or region is in scope."""
    from jicai.web.accounts.scope import kind_of
    from jicai.web.reference.scoping import scoped_regions

    if job.kind == "hospital":
        return kind_of(user) in (ScopeKind.REGION, ScopeKind.INSTITUTION) \
            and scoped_institutions(user).filter(code=job.scope_code).exists()
    if kind_of(user) != ScopeKind.REGION:
        return False
    return scoped_regions(user).filter(code=job.scope_code).exists()


def build(job: Job, folder: Path, progress: Callable[[str, int, int], None]) -> tuple[Path, str]:
    """Write the document of report job ``job`` under ``folder`` (the worker calls this);
    returns the file and the name the download gets."""
    from jicai.errors import JicaiError
    from jicai.reports import jobs
    from jicai.web.monitoring import bridge

    run = job.run
    if run is None or not run.output_dir:
        raise JicaiError("报告所依据的监测运行已不存在", "the run the report reads is gone")
    as_of, run_dir, suffix = run.as_of, Path(run.output_dir), f".{job.fmt}"
    folder.mkdir(parents=True, exist_ok=True)
    if job.kind == "hospital":
        inst = Institution.objects.get(code=job.scope_code)
        month = f"{as_of.year}-{as_of.month:02d}"
        paths = jobs.hospital_monthly(bridge.home(), as_of, run.profile, folder, month=month,
                                      institution=inst.code, run_dir=run_dir,
                                      pdf=job.fmt == "pdf", progress=progress)
        found = [p for p in paths if p.suffix == suffix and p.stem != "index"]
        name = f"{inst.name}-一院一档-{month}{suffix}"
    else:
        region = Region.objects.get(code=job.scope_code)
        region_arg = None if region.parent_id is None else region.code
        if job.kind == "circular":
            period = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
            paths = jobs.circular(bridge.home(), as_of, run.profile, folder, quarter=period,
                                  region=region_arg, run_dir=run_dir, progress=progress)
        else:
            period = str(as_of.year)
            paths = jobs.annual(bridge.home(), as_of, run.profile, folder, year=period,
                                region=region_arg, run_dir=run_dir, progress=progress)
        found = [p for p in paths if p.suffix == suffix]
        name = f"{region.name}-{REGION_REPORTS[job.kind]}-{period}{suffix}"
    if not found:
        raise JicaiError("文档代码没有写出所需的文件", f"the documents code wrote no {suffix} file")
    return found[0], name
