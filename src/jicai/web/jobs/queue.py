"""Putting jobs on the queue: one monitor run at a time per home, one build per document.

``slot`` (unique) is taken in the same transaction that creates the job and its
task, so two starts at once cannot both pass: the second one's insert fails and is
refused with :class:`JobBusy`.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from jicai.errors import JicaiError
from jicai.web.alerts.models import MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.jobs.models import ACTIVE, Job, JobKind, JobStatus

MONITOR_SLOT = "monitor"


class JobBusy(JicaiError):
    """A monitor run is already queued or running in this home."""

    def __init__(self, running: Job) -> None:
        super().__init__(
            f"已有一次监测运行在排队或进行中（#{running.run_id}），请等它结束后再开始",
            f"a monitor run is already queued or running (#{running.run_id}); "
            "start another one when it has finished")
        self.running = running


def active_monitor_job() -> Job | None:
    return Job.objects.filter(slot=MONITOR_SLOT).first()


def queue_monitor(actor: Actor, run: MonitorRun, *, enqueue: bool = True) -> Job:
    """The job of ``run`` (just created, in the caller's transaction) holding the home's
    monitor slot; with ``enqueue`` its task is queued for the worker. JobBusy if taken."""
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=JobKind.MONITOR, slot=MONITOR_SLOT, run=run,
                                     started_by=actor.user, as_of=run.as_of,
                                     profile=run.profile)
            if enqueue:
                _enqueue(job)
    except IntegrityError:
        running = active_monitor_job()
        if running is None:  # it finished in between: try once more
            return queue_monitor(actor, run, enqueue=enqueue)
        raise JobBusy(running) from None
    return job


def report_slot(kind: str, scope_code: str, fmt: str, run: MonitorRun) -> str:
    return f"report:{kind}:{scope_code}:{fmt}:{run.pk}"


def find_report(kind: str, scope_code: str, fmt: str, run: MonitorRun) -> Job | None:
    """The build of this document that is under way, or the latest one that succeeded."""
    same = Job.objects.filter(kind=kind, scope_code=scope_code, fmt=fmt, run=run)
    return (same.filter(status__in=ACTIVE).first()
            or same.filter(status=JobStatus.SUCCEEDED).exclude(file="").first())


def queue_report(actor: Actor, kind: str, scope_code: str, fmt: str, run: MonitorRun) -> Job:
    """A build of one document for one scope from ``run``; the one under way if any."""
    slot = report_slot(kind, scope_code, fmt, run)
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, slot=slot, run=run, started_by=actor.user,
                                     as_of=run.as_of, profile=run.profile,
                                     scope_code=scope_code, fmt=fmt)
            _enqueue(job)
    except IntegrityError:
        under_way = Job.objects.filter(slot=slot).first()
        if under_way is None:
            return queue_report(actor, kind, scope_code, fmt, run)
        return under_way
    return job


def _enqueue(job: Job) -> None:
    from jicai.web.jobs.tasks import run_job

    result = run_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


def run_queued() -> int:
    """Run every queued task now, in this thread, then return how many ran. For tests and
    the command line; ``jicai serve`` runs the worker thread.

    The tasks are claimed and run by django-tasks-db's own ``Worker.run_task`` (the
    worker's path: claim, run, record success or failure); only the loop is this one,
    because the worker's loop closes the database connection between tasks, which a
    test's transaction cannot survive."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    from jicai.web.jobs.worker import make_worker

    worker = make_worker(batch=True)
    ran = 0
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name=worker.backend_name)
        with exclusive_transaction(ready.db):
            result = ready.get_locked()
            if result is not None:
                result.claim(worker.worker_id)
        if result is None:
            return ran
        worker.run_task(result)
        ran += 1


def as_of_label(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
