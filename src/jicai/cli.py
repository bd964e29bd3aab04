"""The one command: ``jicai``.

Exit codes: 0 success, 1 an error jicai explains (calendar, profile, warehouse,
engine), 2 input that breaks the data contract (every problem is listed).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jicai.contract.problems import write_problems
from jicai.errors import ContractError, JicaiError
from jicai.reports.command import report as _report_command

# Piped output (logs, CI) is not squeezed to 80 columns: rule ids must stay whole.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(stderr=True, highlight=False, width=_WIDTH)
out = Console(highlight=False, width=_WIDTH)

HOME_HELP = "Warehouse folder (仓库目录); default $JICAI_HOME or ./jicai-data."


def _memory_limit(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        import os

        from jicai.duck import ENV, check_size
        try:
            os.environ[ENV] = check_size(value)
        except JicaiError as exc:
            raise click.BadParameter(f"{exc.zh} / {exc.en}") from exc


memory_limit_option = click.option(
    "--memory-limit", callback=_memory_limit, expose_value=False, metavar="SIZE",
    help="Memory budget for DuckDB (内存上限), e.g. 4GB; beyond it work spills to disk. "
         "Default $JICAI_MEMORY_LIMIT or 4GB.")


def _fail(exc: JicaiError, problems_file: Path | None = None) -> None:
    console.print(f"[bold red]{exc.zh}[/]\n{exc.en}")
    if isinstance(exc, ContractError):
        shown = exc.problems[:200]
        for p in shown:
            console.print(f"  • {p.zh()}\n    {p.en()}")
        if len(exc.problems) > len(shown):
            console.print(f"  … 另有 {len(exc.problems) - len(shown)} 个问题 / "
                          f"{len(exc.problems) - len(shown)} more problems")
        if problems_file is not None:
            write_problems(exc.problems, problems_file)
            console.print(f"全部问题已写入 / every problem is listed in: {problems_file}")
        sys.exit(2)
    sys.exit(1)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except JicaiError as exc:
            _fail(exc, kwargs.get("problems"))

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jicai")
def main() -> None:
    """jicai (集采): monitor the execution of volume-based procurement.

    Import the procurement platform's exports, then monitor them against a
    bureau's policy profile: every lapse, with its figure, threshold and clause.
    """


@main.command("import")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help=HOME_HELP)
@click.option("--force", is_flag=True, help="Import files even if already imported (same hash).")
@memory_limit_option
@click.option("--problems", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("jicai-problems.csv"), show_default=True,
              help="Where to write every problem when the data is refused.")
@_guard
def import_cmd(data_dir: Path, home: Path | None, force: bool, problems: Path) -> None:
    """Validate DATA_DIR's tables and store them in the warehouse, all or nothing.

    DATA_DIR holds contract tables, one file each (orders.csv, institutions.xlsx,
    products.parquet, an orders/ folder of Parquet files …), English or Chinese
    headers. A file that breaks the contract is refused with every problem listed,
    and nothing is stored.
    """
    from jicai.warehouse.store import Warehouse

    w = Warehouse(home)
    with console.status("导入中 / importing …"):
        result = w.import_folder(data_dir, force=force, progress=lambda m: console.log(m))
    t = Table("表 table", "文件 file", "状态 status", "本次行数 rows", "总行数 total")
    for r in result.tables:
        status = "已导入 imported" if r.status == "imported" else "未变化 unchanged"
        t.add_row(r.table, r.file, status, f"{r.rows_in_file:,}", f"{r.rows_total:,}")
    out.print(t)
    for n in result.notices:
        console.print(f"[yellow]注意[/] {n}")
    if result.ignored:
        console.print("未识别、已忽略 / not a contract table, ignored: " + ", ".join(result.ignored))
    verdict = "已导入" if result.changed else "数据未变化，未新建快照"
    console.print(f"{verdict} → {w.home} (snapshot {result.snapshot}), {result.seconds:.1f} s")


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"应为日期 YYYY-MM-DD / expected YYYY-MM-DD: {value!r}") from exc


@main.command()
@click.argument("data_dir", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help=HOME_HELP)
@click.option("--as-of", "as_of", callback=_as_of, help="Monitor as of the end of this day "
              "(YYYY-MM-DD); default today.")
@click.option("--profile", default="national", show_default=True,
              help="national, henan, ganzhou, jilin, guangdong, or a .toml file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("jicai-out"), show_default=True, help="Output folder.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="Where the rules run.")
@click.option("--spark-master", help="Spark master URL (with --engine spark); default local[2].")
@click.option("--warehouse-url", help="With --engine spark: where the cluster reads a copy of "
              "the --home folder (hdfs://…, s3a://…); the manifest is read from --home.")
@click.option("--calendar", "calendar_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="CSV of date,is_workday for years chinesecalendar lacks.")
@click.option("--no-xlsx", is_flag=True, help="Skip the XLSX workbook (large provinces).")
@memory_limit_option
@click.option("--problems", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("jicai-problems.csv"), show_default=True,
              help="Where to write every problem when DATA_DIR is refused.")
@_guard
def monitor(data_dir: Path | None, home: Path | None, as_of: date, profile: str,
            out_dir: Path, engine: str, spark_master: str | None, warehouse_url: str | None,
            calendar_file: Path | None, no_xlsx: bool, problems: Path) -> None:
    """Run every rule of PROFILE as of AS_OF; write alerts, progress and figures to OUT.

    Give DATA_DIR (validated, then monitored without touching any warehouse) or
    --home (the warehouse filled by `jicai import`).

    Writes alerts.csv, progress.csv (sorted; byte-identical on rerun), the same as
    Parquet, prepayment and assessment figures, run.json, and monitor.xlsx.
    """
    from jicai.engine.run import run_monitor
    from jicai.policy.calendar import WorkCalendar
    from jicai.policy.profiles import load_profile
    from jicai.reports.monitor_files import by_rule_severity, write_outputs
    from jicai.warehouse.store import Warehouse

    prof = load_profile(profile)
    cal = WorkCalendar.load(calendar_file)
    with tempfile.TemporaryDirectory(prefix="jicai-monitor-") as tmp:
        if data_dir is not None:
            w = Warehouse(Path(tmp) / "home")
            with console.status("校验数据 / validating …"):
                w.import_folder(data_dir)
        else:
            w = Warehouse(home)
            if w.current_id is None:
                raise JicaiError(f"仓库 {w.home} 为空：请先运行 jicai import",
                                 f"the warehouse {w.home} is empty: run jicai import first")
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("监测 / monitoring", total=1)

            def step(msg: str, i: int, n: int) -> None:
                bar.update(task, description=f"监测 {msg}", completed=i, total=n)

            result = run_monitor(w, as_of, prof, engine=engine, spark_master=spark_master,
                                 calendar=cal, progress=step, warehouse_url=warehouse_url)
        write_outputs(result, out_dir, xlsx=not no_xlsx)
    counts = by_rule_severity(result.alerts)
    t = Table("规则 rule", "提示 info", "预警 warning", "严重 critical", "状态 status",
              title=f"{prof.name} · {as_of.isoformat()} · {result.alerts.num_rows:,} 条预警")
    status_zh = {"ran": "", "off": "未运行：缺少数据表", "unavailable": "暂不支持"}
    for r in result.rules:
        c = counts.get(r.rule_id, {})
        t.add_row(r.rule_id, str(c.get("info", 0)), str(c.get("warning", 0)),
                  str(c.get("critical", 0)), status_zh[r.status] + (
                      f" ({r.note})" if r.status == "off" else ""))
    out.print(t)
    console.print(f"进度表 progress: {result.progress.num_rows:,} 行 → {out_dir}")


@main.command()
@click.option("--lines", default="small", show_default=True,
              help="Order lines: a number (200000, 1m) or tiny, small, 1m, 10m, 50m, 100m.")
@click.option("--seed", default=2025, show_default=True, type=int, help="Random seed.")
@click.option("--dir", "work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("jicai-demo"), show_default=True,
              help="Where the demo writes its data, warehouse and outputs.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "xlsx"]),
              default="csv", show_default=True, help="File format of the generated exports.")
@click.option("--profile", "profiles", multiple=True,
              help="Profile(s) to monitor with; default all five built-in ones.")
@click.option("--serve", is_flag=True, help="Then serve the web app on the demo data.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port for --serve.")
@_guard
def demo(lines: str, seed: int, work: Path, fmt: str, profiles: tuple[str, ...], serve: bool,
         port: int) -> None:
    """Generate a synthetic province, import it, monitor it under each profile, report.

    The province (regions, institutions, companies, products, batches, orders …)
    carries lapses planted at known rates; the table printed at the end sets what
    was planted beside what the monitor found.
    """
    import shutil
    import time

    from jicai.demo.generate import generate
    from jicai.engine.run import run_monitor
    from jicai.policy.profiles import BUILTIN, load_profile
    from jicai.reports.monitor_files import write_outputs
    from jicai.warehouse.store import Warehouse

    started = time.perf_counter()
    data, home, outs = work / "data", work / "home", work / "out"
    # The demo owns its folder: start from an empty warehouse, or a rerun would merge
    # another seed's or size's rows into this one.
    for own in (home, outs):
        shutil.rmtree(own, ignore_errors=True)
    with console.status("生成模拟省份数据 / generating the province …"):
        summary = generate(data, lines=lines, seed=seed, fmt=fmt)  # type: ignore[arg-type]
    console.print(f"生成 {summary.lines:,} 条订单明细 → {data} "
                  f"({time.perf_counter() - started:.1f} s)")
    w = Warehouse(home)
    with console.status("导入 / importing …"):
        imported = w.import_folder(data)
    console.print(f"导入 {sum(t.rows_in_file for t in imported.tables):,} 行 → {home} "
                  f"({imported.seconds:.1f} s)")
    chosen = profiles or BUILTIN
    found: dict[str, dict[str, int]] = {}
    for name in chosen:
        prof = load_profile(name)
        t0 = time.perf_counter()
        result = run_monitor(w, summary.as_of, prof)
        write_outputs(result, outs / prof.id)
        for r in result.rules:
            if r.status == "ran":
                found.setdefault(r.rule_id, {})[prof.id] = r.alerts
        console.print(f"监测 {prof.name}（{prof.id}）：{result.alerts.num_rows:,} 条预警 → "
                      f"{outs / prof.id} ({time.perf_counter() - t0:.1f} s)")
    t = Table("规则 rule", "埋设 planted", *[load_profile(p).id for p in chosen],
              title=f"模拟省份 · 监测日期 {summary.as_of} · 埋设问题与发现 / planted vs found")
    for rule_id in sorted(set(found) | set(summary.planted)):
        planted = summary.planted.get(rule_id)
        t.add_row(rule_id, "—" if planted is None else f"{planted.count:,}",
                  *[("—" if p not in found.get(rule_id, {}) else f"{found[rule_id][p]:,}")
                    for p in (load_profile(x).id for x in chosen)])
    out.print(t)
    console.print("埋设数按 rules.md 默认阈值计；赣州 demand.below_history 的比例为 0.8，只计低于历史 80% 的报量；"
                  "吉林 trace.receipt_unscanned 还判定没有任何追溯扫码的机构（吉林 第十八条，演示省份只有部分机构上报扫码）。\n"
                  "Planted counts use the rules.md defaults; ganzhou's demand ratio is 0.8, so it "
                  "flags only filings below 80 % of history; jilin's H2 also judges institutions "
                  "that send no traceability scans at all (the demo has only some report them).")
    from jicai.reports.jobs import documents_for_run  # 一院一档, 通报, 年度报告, 考核表

    with console.status("生成文件 / writing the documents …"):
        docs = documents_for_run(home, outs / load_profile(chosen[0]).id, work / "reports")
    console.print(f"文件（{load_profile(chosen[0]).name}）：一院一档、季度通报、年度报告、考核表 "
                  f"{len(docs):,} 个 → {work / 'reports'}")
    console.print(f"完成，用时 {time.perf_counter() - started:.1f} s。打开 {outs}/*/monitor.xlsx 查看；"
                  f"done in {time.perf_counter() - started:.1f} s")
    if serve:
        # The web app shows the run of its own profile: the first one monitored here.
        _serve_demo(home, outs, port, load_profile(chosen[0]).id)


def _serve_demo(home: Path, outs: Path, port: int, profile: str) -> None:
    try:
        from jicai.web.commands import serve_demo
    except ImportError as exc:  # pragma: no cover - the web app ships with the package
        raise JicaiError("网页应用不可用", f"the web app is not available: {exc}") from exc
    serve_demo(home=home, outs=outs, port=port, profile=profile)


@main.command()
def rules() -> None:
    """List every rule: id, code, clause, the tables it needs and its settings."""
    from jicai.engine.run import rules_table

    t = Table("id", "code", "规则", "clause", "needs", "settings")
    for r in rules_table():
        t.add_row(r["id"], r["code"], r["title_zh"] + ("" if r["available"] else " (暂不支持)"),
                  r["clause"], ", ".join(r["needs"]), ", ".join(r["settings"]))
    out.print(t)


def _add_web_commands() -> None:
    """`jicai serve` and `jicai createuser` live with the web app."""
    from jicai.web.commands import createuser, serve

    main.add_command(serve)
    main.add_command(createuser)


_add_web_commands()
main.add_command(_report_command)  # `jicai report`, in jicai.reports.command

if __name__ == "__main__":  # pragma: no cover
    main()
