"""The latest run's ``monitor.xlsx``, ``progress.csv`` and ``assessment.csv``, scoped.

Whoever's scope covers the whole province (a province bureau, reader or
administrator) gets the files the monitor wrote, byte for byte. Anybody else
with a region or an institution scope gets the same files with the rows of its
own institutions only: the run's Parquet is filtered by scope first, then the
file is written by the monitor's own writers (``jicai.reports.monitor_files``),
so a county's ``progress.csv`` has the columns, order and notation of the
province's and none of another county's rows. Companies have no institution
rows: the files are not theirs.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import current, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.dashboards import runfiles
from jicai.web.dashboards.runfiles import (
    ALERTS,
    ASSESSMENT,
    PREPAYMENT,
    PROGRESS,
    RunFiles,
)
from jicai.web.dashboards.scoping import figure_rows, institution_rows, is_province
from jicai.web.dashboards.tables import XLSX, _disposition

FILES = {"monitor.xlsx": XLSX, "progress.csv": "text/csv; charset=utf-8",
         "assessment.csv": "text/csv; charset=utf-8"}
FIGURE_FILES = ("figures", "cycles", "alerts", "rankings")
# What each file holds, for the buttons: a person reads these, not the file names.
FILE_LABELS = {"monitor.xlsx": _("Monitor workbook"), "progress.csv": _("Progress table"),
               "assessment.csv": _("Assessment table")}


def downloads_for(user: User, files: RunFiles | None) -> list[dict[str, str]]:
    """The run files the user may download (for the pages' download buttons)."""
    from django.urls import reverse

    if files is None or not _kind_ok(user):
        return []
    return [{"name": n, "label": str(FILE_LABELS[n]),
             "url": reverse("dashboards:download", args=[n])}
            for n in FILES if files.has(n)]


def _kind_ok(user: User) -> bool:
    from jicai.web.accounts.scope import kind_of

    return kind_of(user) in (ScopeKind.REGION, ScopeKind.INSTITUTION)


@login_required
def download(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    if name not in FILES:
        raise Http404
    files = runfiles.latest()
    if files is None or not files.has(name):
        raise Http404
    stem = f"{files.run.as_of.isoformat()}-{files.run.profile}-"
    if is_province(user):
        whole = FileResponse(files.path(name).open("rb"), content_type=FILES[name])
        whole["Content-Disposition"] = _disposition(stem + name)
        return whole
    with tempfile.TemporaryDirectory(prefix="jicai-download-") as tmp:
        path = Path(tmp) / name
        write_scoped(user, files, name, path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=FILES[name])
    response["Content-Disposition"] = _disposition(f"{stem}{user.scope_label}-{name}")
    return response


def _scoped(user: User, files: RunFiles, parquet: str) -> pa.Table:
    if not files.has(parquet):
        return pa.table({})
    return files.select(parquet, institution_rows(user))


def write_scoped(user: User, files: RunFiles, name: str, path: Path) -> Path:
    """Write ``name`` of the run for ``user``'s scope: filter first, then write."""
    from jicai.reports.monitor_files import write_csv, write_workbook

    if not _kind_ok(user):
        raise PermissionDenied("scope")
    if name == "progress.csv":
        write_csv(_scoped(user, files, PROGRESS), path)
    elif name == "assessment.csv":
        write_csv(_scoped(user, files, ASSESSMENT), path)
    elif name == "monitor.xlsx":
        write_workbook(_result(user, files), path)
    else:
        raise Http404
    return path


def _result(user: User, files: RunFiles) -> Any:
    """The run as a MonitorResult holding only the user's rows, for the monitor's writer."""
    from jicai.engine.run import MonitorResult, RuleRun

    run = files.run
    try:
        from jicai.policy.profiles import load_profile

        profile: Any = load_profile(run.profile)
    except Exception:  # a bureau's own profile file may be gone: the name is enough here
        profile = SimpleNamespace(id=run.profile, name=run.profile, source="")
    rules = [RuleRun(r["rule_id"], r["status"], int(r.get("alerts", 0)), r.get("note", ""))
             for r in run.rules]
    kw: dict[str, Any] = {
        "as_of": run.as_of, "profile": profile, "alerts": _scoped(user, files, ALERTS),
        "progress": _scoped(user, files, PROGRESS), "prepayment": _scoped(user, files, PREPAYMENT),
        "assessment": _scoped(user, files, ASSESSMENT), "rules": rules}
    names = {f.name for f in dataclasses.fields(MonitorResult)}
    if "figures" in names:
        where = figure_rows(user)
        kw["figures"] = {k: files.select(f"figures/{k}.parquet", where)
                         for k in FIGURE_FILES if files.has(f"figures/{k}.parquet")
                         and "scope" in files.columns(f"figures/{k}.parquet")}
    return MonitorResult(**{k: v for k, v in kw.items() if k in names})
