"""The worker ``jicai serve`` runs: django-tasks-db's own worker loop, in a thread.

One worker per home: it runs one job at a time, in the order queued. At its start,
jobs a previous worker left running (the server stopped or was killed mid-run) are
marked failed with the reason (:func:`jicai.web.jobs.execute.fail_interrupted`).
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

log = logging.getLogger(__name__)

#: seconds between looks at an empty queue
INTERVAL = 1.0


def make_worker(*, batch: bool = False, interval: float = INTERVAL) -> Worker:
    return Worker(queue_names=["default"], interval=interval, batch=batch,
                  backend_name="default", startup_delay=False, max_tasks=None,
                  worker_id=f"jicai-{get_random_string(20)}", excluded_queue_names=[])


class WorkerThread:
    """The worker in a daemon thread of the server; :meth:`stop` ends it after the job
    it is running (or at once when idle); a job cut short is failed at the next start."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.worker = make_worker(interval=interval)
        self.thread = threading.Thread(target=self._loop, name="jicai-jobs", daemon=True)

    def start(self) -> None:
        from jicai.web.jobs.execute import fail_interrupted

        failed = fail_interrupted()
        if failed:
            log.warning("%d interrupted job(s) marked failed", failed)
        self.thread.start()

    def _loop(self) -> None:
        try:
            self.worker.run()
        except Exception:  # the loop must not die silently
            log.exception("the job worker stopped")
        finally:
            close_old_connections()
            connection.close()

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the loop to end; True when it did within ``timeout`` seconds."""
        self.worker.running = False
        self.thread.join(timeout)
        return not self.thread.is_alive()
