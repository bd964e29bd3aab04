"""A job's page (status, the engine's step, then the file or the run) and its file."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import current, require
from jicai.web.accounts.roles import Capability
from jicai.web.jobs.models import Job, JobKind

#: seconds between refreshes of a page whose job is queued or running
REFRESH = 2


def _job(user: User, pk: int) -> Job:
    """The job, if ``user`` may see it: 404 otherwise (never a hint that it exists)."""
    from jicai.web.dashboards.reports import may_read

    job = Job.objects.select_related("run").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.kind == JobKind.MONITOR:
        require(user, Capability.RUN_MONITOR)
    elif not may_read(user, job):
        raise Http404
    return job


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(current(request), pk)
    if job.kind == JobKind.MONITOR and job.run_id is not None:
        return redirect("monitoring:run", pk=job.run_id)
    return render(request, "jobs/job.html", {"job": job, "refresh": REFRESH})


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    from jicai.web.dashboards.reports import CONTENT_TYPES

    job = _job(current(request), pk)
    path = Path(job.file) if job.file else None
    if job.kind == JobKind.MONITOR or path is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
