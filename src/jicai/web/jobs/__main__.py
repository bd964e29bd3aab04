"""``python -m jicai.web.jobs [--home DIR]``: the worker on its own, for a home served by
several ``jicai serve --no-worker`` processes. Exactly one worker per home."""

from __future__ import annotations

import signal
from pathlib import Path

import click


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="The jicai home (仓库目录); default $JICAI_HOME or ./jicai-data.")
def main(home: Path | None) -> None:
    """Run the background jobs of a home (监测运行、报告生成) until stopped."""
    from jicai.web.setup import configure, migrate

    configure(home)
    migrate()
    from jicai.web.jobs.worker import WorkerThread

    jobs = WorkerThread()
    jobs.start()
    click.echo("后台任务 / background jobs: worker running; Ctrl-C stops it.", err=True)
    stop = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop and jobs.thread.is_alive():
        jobs.thread.join(0.5)
    jobs.stop()


if __name__ == "__main__":
    main()
