"""Server time of the execution pages (issue 7: ≤ 300 ms at 10 M lines), read from a run folder.

::

    .venv/bin/python benchmarks/web_pages.py OUT_DIR --home HOME [--repeat 5]

``measure(out_dir, home)`` starts Django in this process on a scratch SQLite
database (the warehouse at ``home`` is only read: the reference data are loaded
from it, as ``jicai serve`` does), registers ``out_dir`` — a ``jicai monitor --out``
folder with ``figures/`` — as the latest successful run, and times each page with
Django's test client: the whole request in the server (URL routing, the scoped
DuckDB reads of the Parquet files, the template), no network and no browser. Each
page is fetched once to warm up, then ``repeat`` times; the median is reported
in milliseconds. The pages are those an officer opens: the province, a city, a
county (dashboard and drill-down), an institution (一院一档), a variety, a ranking.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 300.0


def _setup(home: Path, scratch: Path) -> None:
    os.environ["JICAI_HOME"] = str(home.resolve())
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'web.sqlite3'}"
    os.environ.setdefault("JICAI_SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("JICAI_AUDIT_DB_GUARD", "0")
    from jicai.web.setup import configure, migrate

    configure(home)
    migrate()


def _pages(out_dir: Path) -> dict[str, str]:
    """One URL per kind of page, picked from the run's own figures (the largest subjects)."""
    import duckdb

    figures = str(out_dir / "figures" / "figures.parquet")
    cycles = str(out_dir / "figures" / "cycles.parquet")
    with duckdb.connect() as con:
        def top(scope: str) -> str:
            row = con.execute(
                "SELECT code FROM read_parquet(?) WHERE scope = ? AND period_kind = 'ytd' "
                "ORDER BY agreed_units DESC NULLS LAST, code LIMIT 1", [figures, scope]).fetchall()
            return str(row[0][0])

        province, city, county = top("province"), top("city"), top("county")
        inst = top("institution")
        variety = con.execute(
            "SELECT variety_code FROM read_parquet(?) WHERE scope = 'institution' AND code = ? "
            "AND variety_code IS NOT NULL LIMIT 1", [cycles, inst]).fetchall()[0][0]
    return {
        "province_dashboard": f"/dashboards/region/{province}/",
        "city_drilldown": f"/dashboards/region/{city}/",
        "county_drilldown": f"/dashboards/region/{county}/",
        "county_sorted_page2": f"/dashboards/region/{county}/?sort=completion&dir=desc&page=2",
        "institution_file": f"/dashboards/institution/{inst}/",
        "variety_province": f"/dashboards/variety/{variety}/?region={province}",
        "ranking_payment": "/dashboards/rankings/payment_institutions/",
    }


def measure(out_dir: Path, home: Path, repeat: int = 5) -> dict[str, float]:
    """Median server time (ms) of each execution page over the run folder ``out_dir``."""
    out_dir = out_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="jicai-bench-web-") as tmp:
        _setup(home, Path(tmp))
        import datetime as dt

        from django.test import Client

        from jicai.web.accounts.models import User
        from jicai.web.accounts.roles import Role
        from jicai.web.alerts.models import MonitorRun, RunStatus
        from jicai.web.audit.record import Actor
        from jicai.web.monitoring.sync import sync_reference
        from jicai.web.reference.models import Region

        sync_reference(Actor(None, via="benchmark"))
        info = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
        MonitorRun.objects.create(as_of=dt.date.fromisoformat(info["as_of"]),
                                  profile=info["profile"], source="benchmark",
                                  status=RunStatus.SUCCEEDED, output_dir=str(out_dir))
        province = Region.objects.get(parent__isnull=True)
        user = User.objects.create(username="bench-province", role=Role.PROVINCE_OFFICER,
                                   region=province)
        client = Client()
        client.force_login(user)
        times: dict[str, float] = {}
        for name, url in _pages(out_dir).items():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            runs = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                client.get(url)
                runs.append((time.perf_counter() - t0) * 1000)
            times[name] = round(statistics.median(runs), 1)
        return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="a jicai monitor --out folder with figures/")
    parser.add_argument("--home", type=Path, required=True, help="the run's warehouse home")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    times = measure(args.out_dir, args.home, args.repeat)
    for name, ms in times.items():
        print(f"{name:24s} {ms:8.1f} ms  {'ok' if ms <= TARGET_MS else 'OVER ' + str(TARGET_MS)}")
    print(json.dumps(times))
    return 0 if all(ms <= TARGET_MS for ms in times.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
