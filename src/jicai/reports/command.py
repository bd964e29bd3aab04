"""``jicai report KIND``: the documents the notices require, from one monitor run.

Registered in ``jicai.cli``; the work is in :mod:`jicai.reports.jobs`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jicai.errors import JicaiError

console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"应为日期 YYYY-MM-DD / expected YYYY-MM-DD: {value!r}") from exc


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option("--home", type=click.Path(file_okay=False, path_type=Path),
                     help="Warehouse folder (仓库目录); default $JICAI_HOME or ./jicai-data."),
        click.option("--as-of", "as_of", callback=_date,
                     help="Report as of this day (YYYY-MM-DD); default today, or the --run's day. "
                          "The monitor runs at the period's last day, clipped to it."),
        click.option("--profile", default="national", show_default=True,
                     help="national, henan, ganzhou, jilin, guangdong, or a .toml file."),
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("jicai-reports"), show_default=True, help="Output folder."),
        click.option("--region", help="Limit the report to this region code (区划代码)."),
        click.option("--run", "run_dir", type=click.Path(exists=True, file_okay=False,
                                                         path_type=Path),
                     help="Read this jicai monitor output folder instead of monitoring again "
                          "(its as-of day must be the period's last day)."),
    ]
    for o in reversed(opts):
        fn = o(fn)
    return fn


def _run(title: str, job: Callable[..., list[Path]], **kwargs: Any) -> None:
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(title, total=1)

            def step(msg: str, i: int, n: int) -> None:
                bar.update(task, description=f"{title} · {msg}", completed=i, total=max(n, 1))

            paths = job(progress=step, **kwargs)
    except JicaiError as exc:
        console.print(f"[bold red]{exc.zh}[/]\n{exc.en}")
        sys.exit(1)
    folders = sorted({p.parent for p in paths})
    console.print(f"{title}：写出 {len(paths):,} 个文件 / wrote {len(paths):,} files → "
                  + "、".join(str(f) for f in folders))


@click.group("report")
def report() -> None:
    """Write the documents the notices require (一院一档, 通报, 年度报告, 考核表).

    Every number is read from one monitor run's figures files: the run made here
    at the period's last day (and kept in OUT/run-…), or the folder given with --run.
    """


@report.command("hospital-monthly")
@_common
@click.option("--month", help="YYYY-MM; default the month of --as-of.")
@click.option("--institution", help="Only this institution (机构编码).")
@click.option("--pdf", is_flag=True, help="Also write each file as PDF.")
def hospital_monthly(month: str | None, institution: str | None, pdf: bool,
                     **common: Any) -> None:
    """一院一档 (GANZHOU 二(三)): one workbook per institution, and index.xlsx."""
    from jicai.reports import jobs

    _run("一院一档", jobs.hospital_monthly, month=month, institution=institution, pdf=pdf,
         **_args(common))


@report.command("circular")
@_common
@click.option("--quarter", help="YYYYQn, e.g. 2025Q3; default the quarter of --as-of.")
def circular(quarter: str | None, **common: Any) -> None:
    """季度通报 (HENAN 二(九)) as DOCX and PDF."""
    from jicai.reports import jobs

    _run("季度通报", jobs.circular, quarter=quarter, **_args(common))


@report.command("annual")
@_common
@click.option("--year", help="YYYY; default the year of --as-of.")
def annual(year: str | None, **common: Any) -> None:
    """年度报告 (GANZHOU 附件2) as DOCX and PDF."""
    from jicai.reports import jobs

    _run("年度报告", jobs.annual, year=year, **_args(common))


@report.command("assessment")
@_common
def assessment(**common: Any) -> None:
    """考核表 and rankings (JILIN 第二十一条, GANZHOU 附件1) as XLSX."""
    from jicai.reports import jobs

    _run("考核表", jobs.assessment, **_args(common))


def _args(common: dict[str, Any]) -> dict[str, Any]:
    return {"home": common["home"], "as_of": common["as_of"], "profile": common["profile"],
            "out": common["out_dir"], "region": common["region"], "run_dir": common["run_dir"]}
