"""``python -m tests.web.jobs_home HOME``: a home on disk (its SQLite database migrated, the
test world's warehouse and reference data) with one monitor run queued, as the page
would queue it (``--no-queue``: none). Its users have the test world's password. For the tests that start ``jicai serve`` or the worker as processes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


def main(home: Path, queue: bool = True) -> None:
    from jicai.web.setup import configure, migrate

    configure(home)
    migrate()
    from jicai.warehouse.store import Warehouse
    from jicai.web.alerts.models import MonitorRun
    from jicai.web.audit.record import Actor
    from jicai.web.jobs.queue import queue_monitor
    from tests.web.warehouse_data import world_tables
    from tests.web.world import build_world

    build_world()  # the test province in the database, then as the warehouse's tables
    Warehouse(home).import_tables(world_tables(), source="test", user="test")
    system = Actor(user=None, via="test")
    if not queue:
        return
    run = MonitorRun.objects.create(as_of=dt.date(2025, 9, 30), profile="national",
                                    source="warehouse test")
    queue_monitor(system, run)
    print(run.pk)


if __name__ == "__main__":
    main(Path(sys.argv[1]), queue="--no-queue" not in sys.argv)
