"""The one task of the queue: do job ``job_id`` (a monitor run or a report build).

The task carries only the job's id; everything else is on the :class:`Job` row, so
the page reads the status and the progress from the same row the worker writes.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    """Run the job (the worker calls this); returns its final status."""
    from jicai.web.jobs.execute import execute

    return execute(job_id)
