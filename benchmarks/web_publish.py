"""Publishing a run's alerts into the web app, and the inbox at that size (issue 10 item 4).

::

    .venv/bin/python benchmarks/web_publish.py OUT_DIR [--home HOME] [--repeat 5]

``measure(out_dir)`` takes a ``jicai monitor --out`` folder (``run.json``, ``alerts.csv``)
whose warehouse is ``HOME`` (default: ``OUT_DIR/../../home``, as ``jicai demo`` lays it
out) and, once on a scratch SQLite database and once on a scratch PostgreSQL database
(127.0.0.1:5432, created and dropped here; skipped when no server answers), times:

- ``publish_s``: ``import_output_folder`` — the alerts read, the line-level ones grouped
  into cases by DuckDB (joined with the warehouse's orders) and written to the lines
  file, cases and single alerts inserted in bulk (decision 0008);
- the inbox's server time (Django's test client, the whole request in the server): page
  1, a deep page (the middle one), page 1 filtered by rule and by region name, a county
  officer's page 1, a case's page (the largest case) and its lines' last page, and the
  delayed-response list of the largest distributor. Median of ``repeat`` after a warm-up.

Django's settings are fixed per process, so each database is measured in a subprocess
(``--backend``); ``measure`` merges their JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_PUBLISH_S_50M = 60.0
TARGET_PAGE_MS = 300.0
PG = "postgresql://postgres@127.0.0.1:5432/"


def _median_ms(client: Any, url: str, repeat: int) -> float:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get(url)
        runs.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(runs), 1)


def _run_backend(out_dir: Path, home: Path, db_url: str, repeat: int) -> dict[str, Any]:
    """In this process: configure Django on ``db_url``, publish, time the pages."""
    os.environ["JICAI_HOME"] = str(home.resolve())
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("JICAI_SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("JICAI_AUDIT_DB_GUARD", "0")
    from jicai.web.setup import configure, migrate

    configure(home)
    migrate()
    from django.db.models import Max
    from django.test import Client

    from jicai.web.accounts.models import User
    from jicai.web.accounts.roles import Role
    from jicai.web.alerts.models import Alert
    from jicai.web.audit.record import Actor
    from jicai.web.monitoring.runs import import_output_folder
    from jicai.web.monitoring.sync import sync_reference
    from jicai.web.reference.models import Region

    sync_reference(Actor(None, via="benchmark"))
    t0 = time.perf_counter()
    run = import_output_folder(Actor(None, via="benchmark"), out_dir)
    publish_s = time.perf_counter() - t0
    if run.status != "succeeded":
        raise RuntimeError(f"publish failed: {run.message}")
    rows = Alert.objects.filter(run=run)
    cases = rows.filter(is_case=True)
    result: dict[str, Any] = {
        "alerts": run.alert_count, "rows": rows.count(), "cases": cases.count(),
        "publish_s": round(publish_s, 2)}
    province = Region.objects.get(parent__isnull=True)
    officer = User.objects.create(username="bench-province", role=Role.PROVINCE_OFFICER,
                                  region=province)
    client = Client()
    client.force_login(officer)
    biggest = cases.order_by("-lines", "id").first()
    deep = max(1, (result["rows"] // 50) // 2)
    urls = {"inbox_page1": "/alerts/", f"inbox_page{deep}": f"/alerts/?page={deep}"}
    if biggest is not None:
        urls["inbox_rule_filter"] = f"/alerts/?rule={biggest.rule_id}&status=new"
        inst = biggest.institution
        if inst is not None:
            urls["inbox_region_name"] = f"/alerts/?region={inst.region.name}"
        urls["case_detail"] = f"/alerts/{biggest.pk}/"
        urls["case_lines_last_page"] = f"/alerts/{biggest.pk}/?lines={(biggest.lines + 49) // 50}"
    delayed = cases.filter(rule_id="order.unresponded_48h").values("distributor_id") \
        .annotate(n=Max("lines")).order_by("-n").first()
    if delayed is not None:
        urls["delayed_distributor"] = f"/alerts/delayed/?distributor={delayed['distributor_id'] or ''}"
    pages = {name: _median_ms(client, url, repeat) for name, url in urls.items()}
    county = Region.objects.filter(level="county").order_by("code").first()
    if county is not None:
        clerk = User.objects.create(username="bench-county", role=Role.COUNTY_OFFICER,
                                    region=county)
        c2 = Client()
        c2.force_login(clerk)
        pages["county_inbox_page1"] = _median_ms(c2, "/alerts/", repeat)
    result["pages_ms"] = pages
    return result


def _postgres_url() -> tuple[str, str] | None:
    """A scratch database on the local server: (its URL, its name), or None."""
    try:
        import psycopg

        name = f"jicai_bench_publish_{os.getpid()}"
        with psycopg.connect(PG + "test", autocommit=True, connect_timeout=3) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}", name
    except Exception:  # no server: the PostgreSQL figures are left out, not guessed
        return None


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "test", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _subprocess(out_dir: Path, home: Path, db_url: str, repeat: int) -> dict[str, Any]:
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, __file__, str(out_dir), "--home", str(home), "--repeat", str(repeat),
         "--backend", db_url], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-4000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(out_dir: Path, home: Path | None = None, repeat: int = 5) -> dict[str, Any]:
    """Publish seconds and inbox page times on SQLite and PostgreSQL (see the module)."""
    out_dir = out_dir.resolve()
    home = (home or out_dir.parent.parent / "home").resolve()
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="jicai-bench-publish-") as tmp:
        result["sqlite"] = _subprocess(out_dir, home, f"sqlite:///{tmp}/web.sqlite3", repeat)
    pg = _postgres_url()
    if pg is not None:
        try:
            result["postgres"] = _subprocess(out_dir, home, pg[0], repeat)
        finally:
            _drop(pg[1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="a jicai monitor --out folder")
    parser.add_argument("--home", type=Path, default=None, help="the run's warehouse home")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.backend:  # the child: one database
        home = args.home or args.out_dir.resolve().parent.parent / "home"
        print(json.dumps(_run_backend(args.out_dir.resolve(), home, args.backend, args.repeat)))
        return 0
    result = measure(args.out_dir, args.home, args.repeat)
    ok = True
    for backend, r in result.items():
        print(f"{backend}: {r['alerts']} alerts → {r['cases']} cases, {r['rows']} inbox rows; "
              f"publish {r['publish_s']:.1f} s")
        for name, ms in r["pages_ms"].items():
            over = ms > TARGET_PAGE_MS
            ok &= not over
            print(f"  {name:28s} {ms:8.1f} ms  {'OVER' if over else 'ok'}")
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
