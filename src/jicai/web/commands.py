"""``jicai serve`` and ``jicai createuser`` (registered in :mod:`jicai.cli`), and the
``serve_demo`` that ``jicai demo --serve`` calls.

::

    jicai serve --home DIR [--host 127.0.0.1] [--port 8000] [--profile national] [--demo]
                [--no-worker]
    jicai createuser USERNAME --role county_officer --scope 411302 [--password …] [--home DIR]
"""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path
from typing import Any

import click

from jicai.web.accounts.roles import Role

HOME_HELP = "The jicai home (仓库目录); default $JICAI_HOME or ./jicai-data."


def demo_folder(home: Path | None) -> tuple[Path | None, Path | None]:
    """The warehouse and the monitor outputs of a folder ``jicai demo --dir W`` wrote.

    The demo writes its warehouse to ``W/home`` and one monitor output folder per
    profile to ``W/out/<profile>/``. ``--home W`` and ``--home W/home`` both mean that
    demo: (``W/home``, ``W/out``). Any other home is itself, with no outputs.
    """
    from jicai.warehouse.store import Warehouse
    from jicai.web.env import jicai_home

    given = Path(home) if home is not None else jicai_home()
    if Warehouse(given).current_id is None and Warehouse(given / "home").current_id:
        return given / "home", _outputs(given / "out")
    if Warehouse(given).current_id and given.name == "home":
        return given, _outputs(given.parent / "out")
    return home, None


def _outputs(out: Path) -> Path | None:
    return out if any(out.glob("*/run.json")) else None


def demo_profile(outs: Path) -> str | None:
    """The profile whose run a demo's web app shows when none is asked for (neither
    ``--profile`` nor ``$JICAI_PROFILE``): national, as ``jicai demo --serve`` serves by
    default, or — when the demo monitored other profiles only — the first of them in the
    built-in order."""
    import os

    from jicai.policy.profiles import BUILTIN

    if os.environ.get("JICAI_PROFILE"):
        return None  # the settings take it
    return next((p for p in BUILTIN if (outs / p / "run.json").exists()), None)


def _start(home: Path | None, host: str, port: int, profile: str | None, *, demo: bool,
           outs: Path | None = None, worker: bool = True) -> None:
    """Migrate, load the reference data, (demo: seed users, take in runs, set the clock to
    the demo's as-of moment), then serve."""
    from jicai.web.setup import configure, migrate

    if demo and outs is None:
        # `jicai serve --demo` on a folder `jicai demo` wrote: its warehouse and its runs,
        # as `jicai demo --serve` showed them, nothing generated again
        home, outs = demo_folder(home)
        if outs is not None:
            profile = profile or demo_profile(outs)
    configure(home, profile, host)
    migrate()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from jicai.web.alerts.models import MonitorRun
    from jicai.web.audit.record import Actor
    from jicai.web.demo_seed import (
        ensure_demo_data,
        holds_demo_data,
        print_users,
        seed_demo_purchase,
        seed_demo_users,
        set_demo_clock,
    )
    from jicai.web.monitoring import bridge
    from jicai.web.monitoring.runs import import_output_folder
    from jicai.web.monitoring.sync import sync_reference
    from jicai.web.tickets.services import sweep_overdue

    system = Actor(user=None, via="serve")
    if demo and ensure_demo_data(Path(settings.HOME)):
        click.echo("已生成模拟省份 / generated the demo province", err=True)
    if bridge.has_data():
        counts = sync_reference(system)
        click.echo("参考数据 / reference data: "
                   + ", ".join(f"{k} {v}" for k, v in counts.items()), err=True)
    else:
        click.echo(f"仓库为空 / the warehouse at {settings.HOME} is empty: "
                   "run `jicai import DATA_DIR` or `jicai serve --demo`.", err=True)
    if demo and holds_demo_data():
        # The demo's data end at its as-of day: its deadlines count from there (0011).
        moment = set_demo_clock()
        click.echo(f"演示时钟 / demo clock: 系统时间为 {moment:%Y-%m-%d %H:%M} "
                   "(the demo's as-of moment; deadlines count from it)", err=True)
    run_dir = outs / settings.JICAI_PROFILE if outs is not None else None
    if run_dir is not None and (run_dir / "run.json").exists() and not MonitorRun.objects.exists():
        imported = import_output_folder(system, run_dir)
        click.echo(f"预警 / alerts of {run_dir}: {imported.alert_count}", err=True)
    if demo:
        print_users(seed_demo_users())
        if seed_demo_purchase() is not None:
            click.echo("演示记录 / demo record: hospital 有一笔待备案的线下采购 "
                       "(an off-platform purchase to file)", err=True)
    sweep_overdue()
    click.echo(f"jicai web: http://{host}:{port}/  (profile {settings.JICAI_PROFILE}, "
               f"home {settings.HOME}); Ctrl-C stops it.", err=True)
    jobs = None
    if worker:
        from jicai.web.jobs.worker import WorkerThread

        # monitor runs and report builds queued by the pages run here (decision 0009)
        jobs = WorkerThread()
        jobs.start()
        click.echo("后台任务 / background jobs: the worker runs in this server", err=True)
    else:
        click.echo("后台任务 / background jobs: --no-worker, run `python -m jicai.web.jobs` "
                   "once for this home", err=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C or SIGTERM
            serve_wsgi(get_wsgi_application(), host, port,
                       trusted_proxy=settings.TRUSTED_PROXY)
    finally:
        if jobs is not None and not jobs.stop():
            click.echo("后台任务未结束，下次启动时标记为失败 / a job was still running: it is "
                       "marked failed at the next start", err=True)
    click.echo("stopped.", err=True)


def serve_wsgi(app: Any, host: str, port: int, *, trusted_proxy: str | None = None,
               threads: int = 8) -> None:
    """Serve ``app`` with waitress, a production WSGI server (pure Python, no C build).

    Behind a proxy, waitress takes the scheme, host and client address from the
    ``X-Forwarded-*`` headers of ``trusted_proxy`` only, and strips them from
    anyone else, so a client cannot pretend to have come over HTTPS.
    """
    import waitress

    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options: dict[str, Any] = {"listen": listen, "threads": threads, "ident": "jicai",
                               # uploads are at most 12 MB (settings); refuse more at once
                               "max_request_body_size": 16 * 1024 * 1024}
    if trusted_proxy:
        options.update(trusted_proxy=trusted_proxy, trusted_proxy_count=1,
                       trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-host",
                                              "x-forwarded-for"})
    if threading.current_thread() is threading.main_thread():
        # A service manager stops the server with SIGTERM: stop as on Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
    waitress.serve(app, **options)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command("serve")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help=HOME_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--profile", default=None,
              help="Policy profile of the workflows (default $JICAI_PROFILE or national).")
@click.option("--demo", is_flag=True,
              help="Fill an empty home with the synthetic demo province, or serve a folder "
                   "`jicai demo` wrote with its monitor runs; create one demo user per role, "
                   "print their sign-ins, and set the clock to the demo's as-of day.")
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Run the background-job worker (monitor runs, report builds) in this "
                   "server. Several servers on one home: all but one --no-worker, or all "
                   "--no-worker and one `python -m jicai.web.jobs`.")
def serve(home: Path | None, host: str, port: int, profile: str | None, demo: bool,
          worker: bool) -> None:
    """Start the web app (网页端): migrations, reference data, the background-job worker,
    then serve with waitress."""
    _start(home, host, port, profile, demo=demo, worker=worker)


def serve_demo(home: Path, outs: Path | None = None, port: int = 8000,
               host: str = "127.0.0.1", profile: str | None = None) -> None:
    """For ``jicai demo --serve``: the demo warehouse, its monitor run, one user per role."""
    _start(home, host, port, profile, demo=True, outs=outs)


@click.command("createuser")
@click.argument("username")
@click.option("--role", type=click.Choice(Role.values), required=True, help="The user's role.")
@click.option("--scope", required=True,
              help="Region code (officers, readers, admins), institution code or company code.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help=HOME_HELP)
def createuser(username: str, role: str, scope: str, password: str, home: Path | None) -> None:
    """Create a web account with a role and a scope (创建用户)."""
    from jicai.web.setup import configure, migrate

    configure(home)
    migrate()
    from django.core.exceptions import ValidationError

    from jicai.web.accounts.models import User
    from jicai.web.accounts.services import create_user
    from jicai.web.audit.record import Actor
    from jicai.web.monitoring import bridge
    from jicai.web.monitoring.sync import sync_reference
    from jicai.web.reference.models import Region

    cli = Actor(user=None, via="createuser")
    if not Region.objects.exists() and bridge.has_data():
        sync_reference(cli)
    if User.objects.filter(username=username).exists():
        raise click.ClickException(f"用户已存在 / user {username!r} exists")
    try:
        user = create_user(cli, username, password, role, scope)
    except ValidationError as exc:
        raise click.ClickException("; ".join(exc.messages)) from exc
    click.echo(f"created {user.username} ({user.role}, {user.scope_label})")
