"""An institution's 一院一档 workbook, written on request by ``jicai report hospital-monthly``.

The page's button asks for the month of the latest run's ``as_of`` (a monthly
file needs a run as of the month's end, or as of the run's day for the current
month): the documents code (:mod:`jicai.reports.jobs`) reads that run's folder and
the warehouse, and writes the one institution's workbook, which is sent back.
The institution must be in the user's scope (``scoped_institutions``), as on the
page itself. Where the documents code is not installed, the page offers its own
XLSX instead.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from jicai.web.accounts.permissions import current, get_scoped, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.dashboards import runfiles
from jicai.web.dashboards.tables import XLSX, _disposition
from jicai.web.reference.models import Institution
from jicai.web.reference.scoping import scoped_institutions


def available() -> bool:
    """Whether ``jicai report hospital-monthly`` exists in this installation."""
    return importlib.util.find_spec("jicai.reports.jobs") is not None \
        and importlib.util.find_spec("jicai.reports.hospital") is not None


@login_required
def institution_report(request: HttpRequest, code: str) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    inst: Institution = get_scoped(scoped_institutions(user), code=code)
    files = runfiles.latest()
    if files is None or not available():
        raise Http404
    from jicai.reports import jobs
    from jicai.web.monitoring import bridge

    as_of = files.run.as_of
    month = f"{as_of.year}-{as_of.month:02d}"
    pdf = request.GET.get("format") == "pdf"
    suffix = ".pdf" if pdf else ".xlsx"
    with tempfile.TemporaryDirectory(prefix="jicai-report-") as tmp:
        paths = jobs.hospital_monthly(bridge.home(), as_of, files.run.profile, Path(tmp),
                                      month=month, institution=inst.code, run_dir=files.folder,
                                      pdf=pdf)
        books = [p for p in paths if p.suffix == suffix and p.stem != "index"]
        if not books:
            raise Http404
        data = books[0].read_bytes()
    response = HttpResponse(data, content_type="application/pdf" if pdf else XLSX)
    response["Content-Disposition"] = _disposition(f"{inst.name}-一院一档-{month}{suffix}")
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REGION_REPORTS = {"circular": "季度通报", "annual": "年度报告"}


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
    files = runfiles.latest()
    if kind not in REGION_REPORTS or files is None or not available():
        raise Http404
    from jicai.reports import jobs
    from jicai.web.monitoring import bridge

    as_of = files.run.as_of
    pdf = request.GET.get("format") == "pdf"
    suffix = ".pdf" if pdf else ".docx"
    region_arg = None if region.parent_id is None else region.code
    with tempfile.TemporaryDirectory(prefix="jicai-report-") as tmp:
        if kind == "circular":
            period = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
            paths = jobs.circular(bridge.home(), as_of, files.run.profile, Path(tmp),
                                  quarter=period, region=region_arg, run_dir=files.folder)
        else:
            period = str(as_of.year)
            paths = jobs.annual(bridge.home(), as_of, files.run.profile, Path(tmp),
                                year=period, region=region_arg, run_dir=files.folder)
        found = [p for p in paths if p.suffix == suffix]
        if not found:
            raise Http404
        data = found[0].read_bytes()
    response = HttpResponse(data, content_type="application/pdf" if pdf else DOCX)
    response["Content-Disposition"] = _disposition(
        f"{region.name}-{REGION_REPORTS[kind]}-{period}{suffix}")
    return response
