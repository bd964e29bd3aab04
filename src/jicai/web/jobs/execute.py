"""Doing a job in the worker: mark it running, report progress, record the outcome.

A job's times are the machine's (real time, like its ``created_at``), not the app's
clock, which the demo sets to its as-of day (decision 0011): they say when the
work was done, and no deadline is counted from them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jicai.errors import JicaiError
from jicai.web.alerts.models import MonitorRun, RunStatus
from jicai.web.audit.record import Actor
from jicai.web.jobs.models import Job, JobKind, JobStatus

log = logging.getLogger(__name__)


def job_folder(job: Job) -> Path:
    """Where a report job writes its files: ``HOME/jobs/<id>/``."""
    return Path(settings.HOME) / "jobs" / str(job.pk)


def _claim(job_id: int) -> Job | None:
    """The job, now marked running; None when it is no longer queued (failed meanwhile)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def progress_of(job: Job) -> object:
    """A progress callback ``(what, i, n)`` that writes the step onto the job's row."""

    def report(what: str, i: int, n: int) -> None:
        Job.objects.filter(pk=job.pk).update(step=str(what)[:200], step_i=max(int(i), 0),
                                             step_n=max(int(n), 0))

    return report


def finish(job: Job, status: str, message: str = "") -> None:
    """The job done: its status and message; its slot freed for the next one."""
    Job.objects.filter(pk=job.pk).update(status=status, message=message, slot=None,
                                         finished_at=timezone.now())


def execute(job_id: int) -> str:
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        if job.kind == JobKind.MONITOR:
            status, message = _monitor(job)
        else:
            status, message = _report(job)
    except JicaiError as exc:
        status, message = JobStatus.FAILED, str(exc)
    except Exception as exc:  # a bug fails the job, never leaves it running
        log.exception("job %s failed", job.pk)
        status, message = JobStatus.FAILED, f"任务出错 / the job failed: {type(exc).__name__}: {exc}"
    finish(job, status, message)
    return str(status)


def _monitor(job: Job) -> tuple[str, str]:
    from jicai.web.monitoring.runs import execute_run

    run = job.run
    assert run is not None, "a monitor job has its run"
    done = execute_run(Actor(user=job.started_by, via="job"), run, progress_of(job))  # type: ignore[arg-type]
    ok = done.status == RunStatus.SUCCEEDED
    return (JobStatus.SUCCEEDED if ok else JobStatus.FAILED), done.message


def _report(job: Job) -> tuple[str, str]:
    from jicai.web.dashboards.reports import build

    folder = job_folder(job)
    path, filename = build(job, folder, progress_of(job))  # type: ignore[arg-type]
    Job.objects.filter(pk=job.pk).update(file=str(path.resolve()), filename=filename)
    return JobStatus.SUCCEEDED, ""


def fail_interrupted() -> int:
    """Jobs left running by a stopped worker (a server restart, a killed process) marked
    failed with the reason, their runs too; returns how many. Called as a worker starts:
    one worker per home, so whatever is still running then was interrupted."""
    from django_tasks_db.models import DBTaskResult

    from jicai.web.monitoring.runs import fail_run

    reason = ("服务器重启，运行被中断，请重新开始 / interrupted by a server restart "
              "(the worker stopped); start it again")
    stuck = list(Job.objects.filter(status=JobStatus.RUNNING))
    for job in stuck:
        with transaction.atomic():  # the run and its job together: never one without the other
            if job.run is not None and job.kind == JobKind.MONITOR \
                    and job.run.status == RunStatus.RUNNING:
                fail_run(Actor(user=job.started_by, via="job"), job.run, reason)
            finish(job, JobStatus.FAILED, reason)
    # the queue's own rows of those tasks: failed too, so nothing shows them running
    DBTaskResult.objects.running().update(status="FAILED", finished_at=timezone.now())
    # a run of the page whose job row is gone cannot be running either
    for run in MonitorRun.objects.filter(status=RunStatus.RUNNING, jobs__isnull=True,
                                         source__startswith="warehouse"):
        fail_run(Actor(user=run.started_by, via="job"), run, reason)
    return len(stuck)
