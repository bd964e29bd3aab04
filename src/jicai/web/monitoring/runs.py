"""Starting a monitor run from the web, or taking in an ``alerts.csv`` a run wrote."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from jicai.errors import JicaiError
from jicai.web.accounts.permissions import require
from jicai.web.accounts.roles import Capability
from jicai.web.alerts.importing import import_alerts, read_alerts_csv
from jicai.web.alerts.models import MonitorRun, RunStatus
from jicai.web.audit.record import Actor, record, snapshot
from jicai.web.monitoring import bridge

log = logging.getLogger(__name__)


def _finish(actor: Actor, run: MonitorRun, status: str, message: str = "") -> MonitorRun:
    # the machine's time, like started_at: the demo's fixed clock counts deadlines only
    run.status, run.message, run.finished_at = status, message, timezone.now()
    with transaction.atomic():
        run.save()
        record(actor, "monitoring.run", run, before=None, after=snapshot(run))
    return run


def run_folder(run: MonitorRun) -> Path:
    """Where a web run keeps its output folder: ``HOME/runs/<id>/``."""
    return bridge.home() / "runs" / str(run.pk)


def _new_run(actor: Actor, as_of: dt.date, profile: str) -> MonitorRun:
    require(actor.user, Capability.RUN_MONITOR)  # type: ignore[arg-type]
    return MonitorRun.objects.create(as_of=as_of, profile=profile, started_by=actor.user,
                                     source=f"warehouse {bridge.warehouse().current_id or '—'}")


def enqueue_run(actor: Actor, as_of: dt.date, profile: str) -> MonitorRun:
    """Queue a monitor run for the worker (the page's path): returns at once with the run,
    whose job the worker picks up. JobBusy when a run is already queued or running."""
    from jicai.web.jobs.queue import queue_monitor

    with transaction.atomic():
        run = _new_run(actor, as_of, profile)
        queue_monitor(actor, run)
    return run


def start_run(actor: Actor, as_of: dt.date, profile: str) -> MonitorRun:
    """Run the monitor now, in this process, holding the home's monitor slot as a queued
    run does (the command line and tests; the page queues it with :func:`enqueue_run`).
    JobBusy when a run is already queued or running."""
    from jicai.web.jobs.execute import execute
    from jicai.web.jobs.queue import queue_monitor

    with transaction.atomic():
        run = _new_run(actor, as_of, profile)
        job = queue_monitor(actor, run, enqueue=False)
    execute(job.pk)
    run.refresh_from_db()
    return run


def fail_run(actor: Actor, run: MonitorRun, message: str) -> MonitorRun:
    """Mark ``run`` failed with ``message`` (a run interrupted by a restart)."""
    return _finish(actor, run, RunStatus.FAILED, message)


def execute_run(actor: Actor, run: MonitorRun,
                progress: Callable[[str, int, int], None] | None = None) -> MonitorRun:
    """Run the monitor over the warehouse for ``run``, write its output folder (alerts,
    progress, assessment, monitor.xlsx, figures/) and keep its alerts."""
    from jicai.reports.monitor_files import write_outputs

    try:
        result = bridge.run_monitor(run.as_of, run.profile, progress=progress)
        if progress is not None:
            progress("写出结果 / writing the output folder", 0, 0)
        folder = run_folder(run)
        write_outputs(result, folder)
        run.output_dir = str(folder.resolve())
        if progress is not None:
            progress("导入预警 / taking in the alerts", 0, 0)
        import_alerts(run, result.alerts, read=bridge.read_table)
    except JicaiError as exc:
        return _finish(actor, run, RunStatus.FAILED, str(exc))
    except Exception as exc:  # an engine bug must fail the run, not the page
        log.exception("monitor run %s failed", run.pk)
        return _finish(actor, run, RunStatus.FAILED,
                       f"监测运行出错 / the monitor run failed: {type(exc).__name__}: {exc}")
    run.rules = [{"rule_id": r.rule_id, "status": r.status, "alerts": r.alerts, "note": r.note}
                 for r in result.rules]
    return _finish(actor, run, RunStatus.SUCCEEDED)


def import_output_folder(actor: Actor, folder: Path) -> MonitorRun:
    """A ``jicai monitor --out`` folder (``run.json`` and ``alerts.csv``) into the inbox; the
    folder is left on disk and its path kept on the run.

    For the command line (``jicai demo --serve``): no user, no capability to check.
    """
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    run = _import(actor, folder / "alerts.csv", dt.date.fromisoformat(meta["as_of"]),
                  meta["profile"])
    run.rules = meta.get("rules", [])
    # The folder stays where the monitor wrote it; the execution pages read its figures.
    run.output_dir = str(folder.resolve())
    run.save(update_fields=["rules", "output_dir"])
    return run


def import_run(actor: Actor, alerts_csv: Path, as_of: dt.date, profile: str) -> MonitorRun:
    """Take the alerts of a run made elsewhere (``jicai monitor … --out``) into the inbox."""
    require(actor.user, Capability.RUN_MONITOR)  # type: ignore[arg-type]
    return _import(actor, alerts_csv, as_of, profile)


def _import(actor: Actor, alerts_csv: Path, as_of: dt.date, profile: str) -> MonitorRun:
    run = MonitorRun.objects.create(as_of=as_of, profile=profile, started_by=actor.user,
                                    source=f"file {alerts_csv.name}")
    try:
        table = read_alerts_csv(alerts_csv)
        import_alerts(run, table, read=bridge.read_table if bridge.has_data() else None)
    except (OSError, ValueError, KeyError) as exc:
        return _finish(actor, run, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
    return _finish(actor, run, RunStatus.SUCCEEDED)
