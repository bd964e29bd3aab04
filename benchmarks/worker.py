"""One measurement in a fresh process: ``python benchmarks/worker.py TASK JSON``.

The suite starts one of these per measurement and reads its peak memory from
the kernel (``wait4``), so every figure starts cold in Python (the OS page
cache stays warm, as on a server that runs the monitor every day). The last
line on stdout is a JSON object; ``seconds`` is the timed part only —
interpreter start, imports and data generation are outside it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PG_DSN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "test"}
# Session settings for the monitor on PostgreSQL. The planner underestimates the rules'
# multi-column joins over grouped, cast subqueries (3 rows estimated for 92 000): with its
# defaults it picks nested loops (the progress table alone did not finish in 10 minutes at
# 200 k lines) or joins 10 M orders to the key table on institution alone (57 M rows, 162 s
# at 10 M lines). Keeping the join order Ibis writes (join_collapse_limit = 1) takes that
# query to 16 s.
PG_SESSION = ("work_mem = '256MB'", "enable_nestloop = off", "join_collapse_limit = 1")


def every_rule_profile() -> Any:
    """The profile with the most rules: every rule any built-in profile switches on
    (the construction of tests/test_spark_parity.py)."""
    from jicai.policy.profiles import BUILTIN, load_profile, parse_profile

    rules: dict[str, dict[str, object]] = {}
    for name in BUILTIN:
        for rid, cfg in load_profile(name).rules.items():
            rules.setdefault(rid, {"clause": cfg.clause, **cfg.settings})
    return parse_profile({"profile": {"id": "all"}, "rules": rules,
                          "calculation": {"backup_counts_as_winning": True}}, "bench:all")


def _as_of() -> date:
    from jicai.demo.generate import DEMO_AS_OF
    return DEMO_AS_OF


# --- tasks -------------------------------------------------------------------------------


def task_generate(a: dict[str, Any]) -> dict[str, Any]:
    from jicai.demo.generate import generate

    out = Path(a["out"])
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    t = time.perf_counter()
    s = generate(tmp, lines=a["lines"], seed=a["seed"], fmt=a["fmt"])
    secs = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return {"seconds": secs, "rows": dict(s.rows), "bytes": size}


def task_import(a: dict[str, Any]) -> dict[str, Any]:
    from jicai.warehouse.store import Warehouse

    home = Path(a["home"])
    shutil.rmtree(home, ignore_errors=True)
    if a.get("memory_limit"):
        # --import-memory-limit: jicai's own memory budget for DuckDB
        os.environ["JICAI_MEMORY_LIMIT"] = a["memory_limit"]
    t = time.perf_counter()
    r = Warehouse(home).import_folder(Path(a["src"]), user="bench")
    secs = time.perf_counter() - t
    rows = {x.table: x.rows_in_file for x in r.tables}
    return {"seconds": secs, "rows": rows}


def _spark_session(a: dict[str, Any]) -> float:
    """Start Spark before the clock, as ``connect`` would (getOrCreate then reuses it)."""
    from jicai.engine.run import connect

    t = time.perf_counter()
    connect("spark")
    return time.perf_counter() - t


def _postgres(a: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Point the runner at PostgreSQL: the same runner and rules, another Ibis backend.

    jicai.engine.run knows duckdb and spark only; we swap its ``connect`` and
    ``open_tables`` for the postgres backend over tables loaded with COPY.
    """
    import ibis

    import jicai.engine.run as run
    from jicai.contract.schemas import TABLES

    _patch_postgres_float_literals()
    con = ibis.postgres.connect(**PG_DSN)
    schema = a["pg_schema"]
    info: dict[str, Any] = {}
    with con.con.cursor() as cur:
        for setting in a.get("pg_settings", PG_SESSION):
            cur.execute(f"SET {setting}")
        cur.execute("SELECT pg_backend_pid()")
        info["backend_pid"] = cur.fetchone()[0]
    con.con.commit()
    present = set(con.list_tables(database=schema))

    from jicai.contract.schemas import ibis_type
    from jicai.engine import facts

    def pg_connect(engine: str = "postgres", spark_master: str | None = None,
                   spill_dir: Any = None) -> Any:
        return con

    def pg_open_tables(c: Any, warehouse: Any, url: str | None = None) -> dict[str, Any]:
        tables = {}
        for name in warehouse.tables():
            if name not in present:
                continue
            t = c.table(name, database=schema)
            cols = TABLES[name].columns
            tables[name] = t.select(*[t[col.name].cast(ibis_type(col.arrow_type))
                                      .name(col.name) for col in cols])
        # the warehouse's derived facts, loaded beside the tables (or derived inline)
        for name, inputs in facts.INPUTS.items():
            if not all(i in tables for i in inputs):
                continue
            tables[name] = facts.cast_to_schema(c.table(name, database=schema), name) \
                if name in present else facts.derive(name, tables)
        return tables

    run.connect = pg_connect  # type: ignore[assignment]
    run.open_tables = pg_open_tables  # type: ignore[assignment]
    return con, info


def _patch_postgres_float_literals() -> None:
    """Ibis 12 emits a float literal bare on PostgreSQL (``1.0``), which PostgreSQL types as
    numeric; to_pyarrow then fails ("Could not convert Decimal('1.0') … to double") on the
    rules whose threshold is a literal. Ibis issue #11947 (open); the fix of closed PR #12063,
    applied here: cast finite float literals to their type."""
    import math

    import ibis.expr.datatypes as dt
    from ibis.backends.sql.compilers.postgres import PostgresCompiler

    original = PostgresCompiler.visit_NonNullLiteral
    if getattr(original, "_jicai_patched", False):
        return

    def visit(self: Any, op: Any, *, value: Any, dtype: Any) -> Any:
        if dtype.is_floating() and math.isfinite(value):
            import sqlglot.expressions as sge
            return self.cast(sge.convert(value), dtype if dtype.is_float64() else dt.float64)
        return original(self, op, value=value, dtype=dtype)

    visit._jicai_patched = True  # type: ignore[attr-defined]
    PostgresCompiler.visit_NonNullLiteral = visit  # type: ignore[method-assign]

    # PostgreSQL casts boolean to integer (int4) only, not to bigint; Ibis emits
    # CAST(bool AS BIGINT) for .cast("int64") (demand.below_history's `explained`).
    original_cast = PostgresCompiler.visit_Cast

    def visit_cast(self: Any, op: Any, *, arg: Any, to: Any) -> Any:
        if op.arg.dtype.is_boolean() and to.is_integer() and not to.is_int32():
            return self.cast(self.cast(arg, dt.int32), to)
        return original_cast(self, op, arg=arg, to=to)

    PostgresCompiler.visit_Cast = visit_cast  # type: ignore[method-assign]
    PostgresCompiler.visit_TryCast = visit_cast  # type: ignore[method-assign]


def _vmhwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def task_monitor(a: dict[str, Any]) -> dict[str, Any]:
    from jicai.engine.run import run_monitor
    from jicai.warehouse.store import Warehouse

    engine = a.get("engine", "duckdb")
    out: dict[str, Any] = {}
    if engine == "spark":
        out["spark_start_seconds"] = _spark_session(a)
    pg_info: dict[str, Any] = {}
    if engine == "postgres":
        _con, pg_info = _postgres(a)
    if engine == "duckdb" and a.get("duckdb_memory_limit"):
        # jicai's own memory budget for DuckDB (default jicai.duck.DEFAULT_MEMORY_LIMIT)
        os.environ["JICAI_MEMORY_LIMIT"] = a["duckdb_memory_limit"]
        out["duckdb_memory_limit"] = a["duckdb_memory_limit"]
    profile = every_rule_profile()
    steps: list[tuple[str, float]] = []
    mark: list[Any] = [0.0, "setup: connect, open tables, calendar"]

    def progress(msg: str, _i: int, _n: int) -> None:
        now = time.perf_counter()
        # the runner concatenates and sorts every alert after the last rule, before the
        # figures (or before "done" when it computes none)
        if msg == "指标 / figures" or (msg == "完成 / done" and mark[1] != "指标 / figures"):
            mark[1] = f"{mark[1]} + concat and sort of all alerts"
        steps.append((str(mark[1]), now - float(mark[0])))
        print(f"step {mark[1]}: {now - float(mark[0]):.2f} s; next {msg}", flush=True)
        mark[0], mark[1] = now, msg

    wh = Warehouse(Path(a["home"]))
    t0 = time.perf_counter()
    mark[0] = t0
    r = run_monitor(wh, _as_of(), profile, engine=engine, progress=progress)
    secs = time.perf_counter() - t0
    # the runner says "done" before prepayment and assessment: the tail is theirs
    steps.append(("prepayment + assessment", time.perf_counter() - float(mark[0])))
    out.update({
        "seconds": secs, "rules": len(profile.rules),
        "ran": sum(1 for x in r.rules if x.status == "ran"),
        "alerts": r.alerts.num_rows, "progress_rows": r.progress.num_rows,
        "alerts_by_rule": {x.rule_id: x.alerts for x in r.rules if x.status == "ran"},
        "steps": steps,
        # the figures of every scope and period (jicai.engine.measures), inside the run
        "figures_seconds": sum(d for name, d in steps if name == "指标 / figures"),
        "figures_rows": {k: t.num_rows for k, t in r.figures.items()},
    })
    if engine == "postgres":
        out["pg_backend_peak_mb"] = _vmhwm_mb(pg_info["backend_pid"])
    if a.get("save"):
        import pyarrow.parquet as pq
        d = Path(a["save"])
        d.mkdir(parents=True, exist_ok=True)
        pq.write_table(r.alerts, d / "alerts.parquet")
        pq.write_table(r.progress, d / "progress.parquet")
    if engine == "spark":
        from pyspark.sql import SparkSession
        s = SparkSession.getActiveSession()
        if s is not None:
            s.stop()
    return out


def _views(con: Any, home: Path) -> None:
    from jicai.warehouse.store import Warehouse

    wh = Warehouse(home)
    for name in wh.tables():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {wh.relation_sql(name)}")


def task_floor(a: dict[str, Any]) -> dict[str, Any]:
    import duckdb
    from baseline import floor_sql

    t = time.perf_counter()
    con = duckdb.connect()
    _views(con, Path(a["home"]))
    row = con.execute(floor_sql()).fetchone()
    secs = time.perf_counter() - t
    return {"seconds": secs, "rows": row[0] if row else None}


def task_baseline(a: dict[str, Any]) -> dict[str, Any]:
    import duckdb
    from baseline import figures_sql

    from jicai.warehouse.store import Warehouse

    has_ex = "exemptions" in Warehouse(Path(a["home"])).tables()
    sqls = figures_sql(_as_of(), backup_counts=True, has_exemptions=has_ex)
    each: dict[str, float] = {}
    results = {}
    t = time.perf_counter()
    con = duckdb.connect()
    _views(con, Path(a["home"]))
    for name, sql in sqls.items():
        t1 = time.perf_counter()
        results[name] = con.sql(sql).to_arrow_table()
        each[name] = time.perf_counter() - t1
    secs = time.perf_counter() - t
    _save(a, results)
    return {"seconds": secs, "each": each, "rows": {k: v.num_rows for k, v in results.items()}}


def task_figures(a: dict[str, Any]) -> dict[str, Any]:
    """jicai's own cost for the five figures: connect, open the warehouse, Ibis, execute."""
    import ibis

    from jicai.engine.context import Context
    from jicai.engine.indicators import FIGURES
    from jicai.engine.run import connect, open_tables
    from jicai.policy.calendar import WorkCalendar
    from jicai.warehouse.store import Warehouse

    engine = a.get("engine", "duckdb")
    if engine == "spark":
        _spark_session(a)
    if engine == "postgres":
        _postgres(a)
        import jicai.engine.run as run
        connect_, open_ = run.connect, run.open_tables
    else:
        connect_, open_ = connect, open_tables
    as_of = _as_of()
    profile = every_rule_profile()
    cal_pa = WorkCalendar.load().table([as_of.year])  # unused by the figures; Context wants one
    each: dict[str, float] = {}
    results = {}
    t = time.perf_counter()
    con = connect_(engine)
    tables = open_(con, Warehouse(Path(a["home"])))
    ctx = Context(con, tables, as_of, profile, ibis.memtable(cal_pa))
    for name, build in FIGURES.items():
        t1 = time.perf_counter()
        results[name] = con.to_pyarrow(build(ctx))
        each[name] = time.perf_counter() - t1
    secs = time.perf_counter() - t
    _save(a, results)
    return {"seconds": secs, "each": each, "rows": {k: v.num_rows for k, v in results.items()}}


def _save(a: dict[str, Any], results: dict[str, Any]) -> None:
    if not a.get("save"):
        return
    import pyarrow.parquet as pq
    d = Path(a["save"])
    d.mkdir(parents=True, exist_ok=True)
    for name, t in results.items():
        pq.write_table(t, d / f"{name}.parquet")


def task_pg_load(a: dict[str, Any]) -> dict[str, Any]:
    from pgload import load

    t = time.perf_counter()
    info = load(Path(a["home"]), a["pg_schema"], PG_DSN)
    return {"seconds": time.perf_counter() - t, **info}


def task_documents(a: dict[str, Any]) -> dict[str, Any]:
    """benchmarks/documents.py: 一院一档 of every institution and the circular (the
    monitor run they start from is timed apart, as ``monitor_s``)."""
    import documents

    out = Path(a["out"])
    shutil.rmtree(out, ignore_errors=True)
    r = documents.measure(Path(a["home"]), out, _as_of(), a.get("profile", "henan"))
    return {**r, "seconds": r["hospital_monthly_s"] + r["circular_s"],
            "run_dir": str(out / "run")}


def task_web_pages(a: dict[str, Any]) -> dict[str, Any]:
    """benchmarks/web_pages.py: median server time of each execution page (ms)."""
    import web_pages

    pages = web_pages.measure(Path(a["run_dir"]), Path(a["home"]), int(a.get("repeat", 5)))
    return {"pages_ms": pages, "seconds": max(pages.values()) / 1000 if pages else 0.0}


TASKS = {"generate": task_generate, "import": task_import, "monitor": task_monitor,
         "floor": task_floor, "baseline": task_baseline, "figures": task_figures,
         "pg_load": task_pg_load, "documents": task_documents, "web_pages": task_web_pages}


def main() -> None:
    task, arg = sys.argv[1], json.loads(sys.argv[2])
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    result = TASKS[task](arg)
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
