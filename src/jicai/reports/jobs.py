"""The four reports as functions (the CLI, the demo and the benchmark call these).

Each computes the monitor result once — at the last day of the document's period,
clipped to ``as_of`` — or reads a run folder the monitor wrote (``run_dir``), then
writes its documents under ``out``:

- :func:`hospital_monthly` → ``一院一档-YYYY-MM/<code>-<name>.xlsx`` (+ ``.pdf``), ``index.xlsx``
- :func:`circular` → ``季度通报-YYYYQn.docx`` and ``.pdf``
- :func:`annual` → ``年度报告-YYYY.docx`` and ``.pdf``
- :func:`assessment` → ``考核表-YYYY.xlsx``
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jicai.errors import JicaiError
from jicai.policy.profiles import load_profile
from jicai.reports import periods
from jicai.reports.periods import Period
from jicai.reports.run_data import RunData, load_run, make_run
from jicai.warehouse.store import Warehouse

#: (what is being done, step, steps)
Progress = Callable[[str, int, int], None]


@dataclass
class Prepared:
    run: RunData
    period: Period
    warehouse: Warehouse


def _quiet(_m: str, _i: int, _n: int) -> None:
    return None


def prepare(home: Path | None, as_of: date | None, profile: str, out: Path,
            run_dir: Path | None, period_of: Callable[[date], Period],
            progress: Progress | None = None) -> Prepared:
    """The run a document reads: ``run_dir`` if given, else one monitor run made now."""
    report = progress or _quiet
    w = Warehouse(home)
    if run_dir is not None:
        info_path = run_dir / "run.json"
        if not info_path.exists():
            raise JicaiError(f"{run_dir} 不是监测结果目录（缺少 run.json）",
                             f"{run_dir} is not a monitor output folder (no run.json)")
        run_as_of = date.fromisoformat(json.loads(info_path.read_text("utf-8"))["as_of"])
        if as_of is not None and as_of != run_as_of:
            raise JicaiError(f"--as-of {as_of} 与监测结果的监测日期 {run_as_of} 不一致",
                             f"--as-of {as_of} differs from the run's as-of day {run_as_of}")
        period = period_of(run_as_of)
        if period.end != run_as_of:
            raise JicaiError(
                f"{period.label}的文件应按 {period.end} 的监测结果生成，而 {run_dir} 的监测日期为 "
                f"{run_as_of}：请以 --as-of {period.end} 运行 jicai monitor，或不给 --run",
                f"a document for {period.code} needs a run as of {period.end}; {run_dir} is as "
                f"of {run_as_of}: monitor with --as-of {period.end}, or leave out --run")
        report("读取监测结果 / reading the run", 1, 1)
        return Prepared(load_run(run_dir, w, profile), period, w)
    day = as_of or date.today()
    period = period_of(day)
    prof = load_profile(profile)
    folder = out / f"run-{period.end.isoformat()}-{prof.id}"
    make_run(w, period.end, prof, folder,
             progress=lambda msg, i, n: report(f"监测 {msg}", i, n))
    return Prepared(load_run(folder, w, profile), period, w)


def hospital_monthly(home: Path | None, as_of: date | None, profile: str, out: Path, *,
                     month: str | None = None, institution: str | None = None,
                     region: str | None = None, pdf: bool = False, run_dir: Path | None = None,
                     progress: Progress | None = None, workers: int | None = None) -> list[Path]:
    from jicai.reports import hospital
    from jicai.reports.purchases import purchases

    report = progress or _quiet

    def period_of(day: date) -> Period:
        return periods.month(month or f"{day.year}-{day.month:02d}", day)

    p = prepare(home, as_of, profile, out, run_dir, period_of, report)
    report("非中选产品采购 / non-winning purchases", 0, 1)
    bought = purchases(p.warehouse, p.period.end, p.run.profile, p.period.start, institution)
    folder = out / f"一院一档-{p.period.code}"
    books, paths = hospital.write_all(
        p.run, p.period, bought, folder, institution=institution, region=region,
        step=lambda i, n: report("一院一档 / workbooks", i, n), workers=workers)
    if pdf:
        with tempfile.TemporaryDirectory(prefix="jicai-typst-") as work:
            paths += hospital.write_pdfs(books, p.run, p.period, folder, Path(work),
                                         step=lambda i, n: report("一院一档 PDF", i, n))
    return paths


def circular(home: Path | None, as_of: date | None, profile: str, out: Path, *,
             quarter: str | None = None, region: str | None = None,
             run_dir: Path | None = None, progress: Progress | None = None) -> list[Path]:
    from jicai.reports import circular as doc

    def period_of(day: date) -> Period:
        return periods.quarter(quarter or f"{day.year}Q{(day.month - 1) // 3 + 1}", day)

    p = prepare(home, as_of, profile, out, run_dir, period_of, progress)
    (progress or _quiet)("季度通报 / circular", 0, 1)
    with tempfile.TemporaryDirectory(prefix="jicai-typst-") as work:
        return doc.write(p.run, p.period, out, Path(work), region)


def annual(home: Path | None, as_of: date | None, profile: str, out: Path, *,
           year: str | None = None, region: str | None = None, run_dir: Path | None = None,
           progress: Progress | None = None) -> list[Path]:
    from jicai.reports import annual as doc

    def period_of(day: date) -> Period:
        return periods.year(year or str(day.year), day)

    p = prepare(home, as_of, profile, out, run_dir, period_of, progress)
    (progress or _quiet)("年度报告 / annual report", 0, 1)
    with tempfile.TemporaryDirectory(prefix="jicai-typst-") as work:
        return doc.write(p.run, p.period, out, Path(work), region)


def assessment(home: Path | None, as_of: date | None, profile: str, out: Path, *,
               region: str | None = None, run_dir: Path | None = None,
               progress: Progress | None = None) -> list[Path]:
    """The assessment as of ``as_of`` (the run's day): year to date."""
    from jicai.reports import assessment_book

    def period_of(day: date) -> Period:
        return Period("ytd", str(day.year), date(day.year, 1, 1), day)

    p = prepare(home, as_of, profile, out, run_dir, period_of, progress)
    (progress or _quiet)("考核表 / assessment", 0, 1)
    return [assessment_book.write(p.run, p.period, out, region)]


def documents_for_run(home: Path | None, run_dir: Path, out: Path,
                      progress: Progress | None = None) -> list[Path]:
    """Every document for the month, quarter and year of one run (the demo's step): the
    一院一档 files of its month, the circular of its quarter, the annual report of its
    year and the assessment, all as of the run's day."""
    info = json.loads((run_dir / "run.json").read_text("utf-8"))
    day = date.fromisoformat(info["as_of"])
    source = str(info.get("profile_source") or info["profile"])
    profile = source.removeprefix("builtin:")
    paths = hospital_monthly(home, None, profile, out, month=f"{day.year}-{day.month:02d}",
                             run_dir=run_dir, progress=progress)
    paths += circular(home, None, profile, out, quarter=f"{day.year}Q{(day.month - 1) // 3 + 1}",
                      run_dir=run_dir, progress=progress)
    paths += annual(home, None, profile, out, year=str(day.year), run_dir=run_dir,
                    progress=progress)
    paths += assessment(home, None, profile, out, run_dir=run_dir, progress=progress)
    return paths
