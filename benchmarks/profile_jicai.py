"""Where jicai's time goes: ``python benchmarks/profile_jicai.py SIZE`` (after ``benchmarks/run``).

Writes ``benchmarks/results/profile-<size>.md`` (and .json) with

1. the monitor step by step, each split into Ibis expression building, SQL
   compilation, execution (DuckDB) and message rendering, with the size of the
   SQL and how many times it reads the orders;
2. cProfile of a whole ``run_monitor`` (top functions);
3. DuckDB's operator profile of the progress table, the slowest rule and the
   hand-written baseline's progress query;
4. the import (Parquet and CSV) statement by statement.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from worker import _as_of, every_rule_profile  # noqa: E402

RESULTS = HERE / "results"
DATA = HERE / "data"


# --- 1. the monitor, step by step -----------------------------------------------------------


def monitor_steps(home: Path) -> dict[str, Any]:
    import ibis
    import pyarrow as pa

    import jicai.engine.run as run
    from jicai.engine.context import Context
    from jicai.engine.progress import PROGRESS_NEEDS, progress_table
    from jicai.engine.registry import load_all
    from jicai.policy.calendar import WorkCalendar
    from jicai.warehouse.store import Warehouse

    as_of, profile = _as_of(), every_rule_profile()
    registry = load_all()
    out: dict[str, Any] = {"steps": []}
    t0 = time.perf_counter()
    con = run.connect("duckdb")
    t1 = time.perf_counter()
    tables = run.open_tables(con, Warehouse(home))
    t2 = time.perf_counter()
    cal = WorkCalendar.load()
    years = run._calendar_years(con, tables, as_of)
    t3 = time.perf_counter()
    if as_of.year + 1 not in years and cal.knows(as_of.year + 1):
        years.append(as_of.year + 1)
    ctx = Context(con, tables, as_of, profile, ibis.memtable(cal.table(years)))
    out["setup"] = {"connect": t1 - t0, "open_tables": t2 - t1, "calendar_years (3 scans)": t3 - t2}

    def measure(name: str, build: Any, finish: Any = None) -> pa.Table:
        a = time.perf_counter()
        expr = build()
        b = time.perf_counter()
        sql = str(ibis.to_sql(expr, dialect="duckdb"))
        c = time.perf_counter()
        got = con.to_pyarrow(expr)
        d = time.perf_counter()
        fin = 0.0
        if finish is not None:
            finish(got)
            fin = time.perf_counter() - d
        out["steps"].append({
            "step": name, "build": b - a, "compile": c - b,
            "execute (to_pyarrow, compiles again)": d - c, "finish (messages)": fin,
            "sql_chars": len(sql), "sql_lines": sql.count("\n") + 1,
            "orders_reads": len(re.findall(r'"w_orders"', sql)),
            "rows": got.num_rows})
        return got

    if ctx.has(*PROGRESS_NEEDS):
        prog = measure("progress", lambda: progress_table(ctx))
        a = time.perf_counter()
        ctx.tables["progress"] = ibis.memtable(prog)
        out["steps"][-1]["memtable"] = time.perf_counter() - a
    names = run._names(con, tables)
    for rid, cfg in profile.rules.items():
        r = registry[rid]
        if not r.available or any(t not in tables for t in r.needs):
            continue
        assert r.compute is not None
        measure(rid, lambda r=r, cfg=cfg: r.compute(ctx, cfg.settings),
                lambda got, rid=rid, cfg=cfg, r=r: run._finish(got, rid, cfg.clause, r.message,
                                                               names))
    a = time.perf_counter()
    from jicai.engine.figures import prepayment
    prepayment(ctx, con)
    out["prepayment"] = time.perf_counter() - a
    out["total"] = time.perf_counter() - t0
    out["_ctx"] = ctx
    return out


# --- 2. cProfile ----------------------------------------------------------------------------


def cprofile_monitor(home: Path) -> str:
    from jicai.engine.run import run_monitor
    from jicai.warehouse.store import Warehouse

    pr = cProfile.Profile()
    pr.enable()
    run_monitor(Warehouse(home), _as_of(), every_rule_profile())
    pr.disable()
    s = io.StringIO()
    st = pstats.Stats(pr, stream=s)
    st.sort_stats("tottime").print_stats(25)
    s.write("\n\n--- by cumulative time ---\n")
    st.sort_stats("cumulative").print_stats(40)
    return s.getvalue()


# --- 3. DuckDB operator profiles ----------------------------------------------------------


def _flatten(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    out = [{"type": node.get("type") or node.get("operator_type"),
            "timing": node.get("timing") or node.get("operator_timing") or 0.0,
            "rows": node.get("intermediate_rows") or node.get("operator_cardinality") or 0,
            "extra": node.get("extra_info", {}), "depth": depth}]
    for ch in node.get("children", []) or []:
        out.extend(_flatten(ch, depth + 1))
    return out


def duck_profile(con: Any, sql: str, label: str) -> dict[str, Any]:
    path = RESULTS / f"duckdb-profile-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.json"
    con.execute("SET enable_profiling='json'")
    con.execute(f"SET profiling_output='{path}'")
    t = time.perf_counter()
    con.execute(sql).fetchall()
    wall = time.perf_counter() - t
    con.execute("SET enable_profiling='no_output'")
    con.execute("PRAGMA disable_profiling")
    d = json.loads(path.read_text())
    ops: list[dict[str, Any]] = []
    for root in d.get("operator", d.get("children", [])):
        ops.extend(_flatten(root))
    scans = [o for o in ops if o["type"] in ("TABLE_SCAN", "READ_PARQUET")]
    orders_scans = [o for o in scans if "orders" in json.dumps(o["extra"])]
    top = sorted(ops, key=lambda o: -o["timing"])[:15]
    return {
        "label": label, "wall": wall, "query": d.get("query", {}),
        "peak_buffer_memory": d.get("system", {}).get("peak_buffer_memory"),
        "operators": len(ops), "scans": len(scans), "orders_scans": len(orders_scans),
        "orders_rows_scanned": sum(o["rows"] for o in orders_scans),
        "top": [{"type": o["type"], "timing": o["timing"], "rows": o["rows"],
                 "extra": {k: str(v)[:160] for k, v in o["extra"].items()
                           if k in ("Join Type", "Conditions", "Groups", "Aggregates",
                                    "Function", "Filters", "Table", "Estimated Cardinality",
                                    "Projections")}}
                for o in top],
    }


# --- 4. import, statement by statement ------------------------------------------------------


class TimedCon:
    """A DuckDB connection that times every statement (wraps the warehouse's connection)."""

    log: ClassVar[list[tuple[str, float]]] = []

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any) -> Any:
        t = time.perf_counter()
        r = self._con.execute(sql, *args)
        TimedCon.log.append((" ".join(sql.split())[:140], time.perf_counter() - t))
        return r

    def sql(self, sql: str, *args: Any) -> Any:
        t = time.perf_counter()
        r = self._con.sql(sql, *args)
        TimedCon.log.append(("sql: " + " ".join(sql.split())[:134], time.perf_counter() - t))
        return r

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def profile_import(src: Path, home: Path) -> dict[str, Any]:
    import duckdb

    import jicai.warehouse.store as store

    real_connect = duckdb.connect
    store.duckdb.connect = lambda *a, **k: TimedCon(real_connect(*a, **k))  # type: ignore[attr-defined]
    TimedCon.log = []
    shutil.rmtree(home, ignore_errors=True)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    store.Warehouse(home).import_folder(src, user="bench")
    pr.disable()
    total = time.perf_counter() - t
    store.duckdb.connect = real_connect  # type: ignore[attr-defined]
    shutil.rmtree(home, ignore_errors=True)
    st = pstats.Stats(pr)
    funcs = {}
    for (file, _line, fn), (_cc, _nc, _tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        if fn in ("sha256", "_fsync_tree", "discover", "load_raw", "_run_checks",
                  "_duplicate_keys", "_references", "_write_table", "_write_partitioned",
                  "stage", "_commit") and ("jicai" in file):
            funcs[fn] = funcs.get(fn, 0.0) + ct
    stmts = sorted(TimedCon.log, key=lambda x: -x[1])
    return {"total": total, "functions": funcs, "statements": len(stmts),
            "sql_seconds": sum(s for _q, s in stmts), "top_statements": stmts[:15]}


# --- report ---------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("size")
    ap.add_argument("--skip-import", action="store_true")
    a = ap.parse_args()
    size = a.size
    home = DATA / f"{size}-home"
    if not (home / "CURRENT").exists():
        raise SystemExit(f"no warehouse at {home}: run benchmarks/run --sizes {size} first")
    RESULTS.mkdir(parents=True, exist_ok=True)
    import ibis
    from baseline import figures_sql

    from jicai.engine.progress import progress_table
    rep: dict[str, Any] = {"size": size}
    L = [f"# Profile of jicai at {size} order lines\n"]

    print("monitor step by step …", flush=True)
    m = monitor_steps(home)
    ctx = m.pop("_ctx")
    rep["monitor_steps"] = m
    steps = sorted(m["steps"], key=lambda s: -(s["build"] + s["compile"]
                                               + s["execute (to_pyarrow, compiles again)"]
                                               + s["finish (messages)"]))
    L.append(f"## 1. The monitor, step by step (total {m['total']:.1f} s)\n")
    L.append("Setup: " + ", ".join(f"{k} {v:.2f} s" for k, v in m["setup"].items())
             + f"; prepayment {m['prepayment']:.2f} s.\n")
    L.append("| step | build s | compile s | execute s | messages s | SQL lines | reads of "
             "orders in SQL | rows |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in steps:
        L.append(f"| {s['step']} | {s['build']:.2f} | {s['compile']:.2f} | "
                 f"{s['execute (to_pyarrow, compiles again)']:.2f} | "
                 f"{s['finish (messages)']:.2f} | {s['sql_lines']} | {s['orders_reads']} | "
                 f"{s['rows']:,} |")
    totals = {k: sum(s[k] for s in m["steps"]) for k in
              ("build", "compile", "execute (to_pyarrow, compiles again)", "finish (messages)")}
    L.append("\nSums: " + ", ".join(f"{k} {v:.2f} s" for k, v in totals.items()) + ".\n")

    print("DuckDB operator profiles …", flush=True)
    con = ctx.con
    slowest_rule = next((s["step"] for s in steps if s["step"] != "progress"), None)
    profiles = [duck_profile(con.con, str(ibis.to_sql(progress_table(ctx), dialect="duckdb")),
                             "jicai progress table")]
    if slowest_rule:
        from jicai.engine.registry import load_all
        r = load_all()[slowest_rule]
        cfg = every_rule_profile().rules[slowest_rule]
        assert r.compute is not None
        profiles.append(duck_profile(
            con.con, str(ibis.to_sql(r.compute(ctx, cfg.settings), dialect="duckdb")),
            f"rule {slowest_rule}"))
    import duckdb
    from worker import _views
    bcon = duckdb.connect()
    _views(bcon, home)
    sqls = figures_sql(_as_of())
    profiles.append(duck_profile(bcon, sqls["nonwinning_share"],
                                 "baseline nonwinning_share (hand-written)"))
    rep["duckdb_profiles"] = profiles
    L.append("## 2. DuckDB operator profiles (EXPLAIN ANALYZE, JSON)\n")
    for p in profiles:
        q = p["query"]
        L.append(f"### {p['label']}\n")
        L.append(f"Wall {p['wall']:.2f} s, DuckDB total {q.get('total_time', 0):.2f} s, cpu "
                 f"{q.get('cpu_time', 0):.2f} s; {p['operators']} operators, {p['scans']} scans "
                 f"of which {p['orders_scans']} of orders ({p['orders_rows_scanned']:,} order "
                 f"rows read); peak buffer memory "
                 f"{(p['peak_buffer_memory'] or 0) / 2**20:.0f} MB.\n")
        L.append("| operator | s | rows | detail |")
        L.append("|---|---:|---:|---|")
        for o in p["top"][:10]:
            detail = "; ".join(f"{k}: {v}" for k, v in o["extra"].items()).replace("|", "/")
            L.append(f"| {o['type']} | {o['timing']:.3f} | {o['rows']:,} | "
                     f"{detail[:200]} |")
        L.append("")

    print("cProfile of run_monitor …", flush=True)
    cp = cprofile_monitor(home)
    (RESULTS / f"cprofile-monitor-{size}.txt").write_text(cp)
    L.append("## 3. cProfile of run_monitor\n")
    L.append(f"Full listing: `benchmarks/results/cprofile-monitor-{size}.txt`. Top by own time:\n")
    L.append("```")
    lines = cp.splitlines()
    start = next((i for i, x in enumerate(lines) if "tottime" in x), 0)
    L.extend(lines[start:start + 26])
    L.append("```\n")

    if not a.skip_import:
        for fmt in ("parquet", "csv"):
            print(f"import from {fmt} …", flush=True)
            imp = profile_import(DATA / f"{size}-{fmt}", DATA / f"{size}-profile-home")
            rep[f"import_{fmt}"] = imp
            L.append(f"## 4. Import from {fmt} ({imp['total']:.1f} s)\n")
            L.append(f"{imp['statements']} DuckDB statements, {imp['sql_seconds']:.1f} s in SQL. "
                     "Cumulative time of the stages: "
                     + ", ".join(f"{k} {v:.1f} s" for k, v in
                                 sorted(imp["functions"].items(), key=lambda kv: -kv[1]))
                     + ".\n")
            L.append("| statement (first 140 chars) | s |")
            L.append("|---|---:|")
            for sql, s in imp["top_statements"][:12]:
                L.append(f"| `{sql.replace('|', '/')}` | {s:.2f} |")
            L.append("")
    (RESULTS / f"profile-{size}.md").write_text("\n".join(L) + "\n")
    (RESULTS / f"profile-{size}.json").write_text(json.dumps(rep, indent=1, default=str))
    print("\n".join(L))


if __name__ == "__main__":
    main()
