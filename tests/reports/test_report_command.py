"""`jicai report …` on the command line: files written, periods checked, refusals bilingual."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from province_kit import Province

from jicai.cli import main
from jicai.reports import numbers, periods


def test_assessment_from_the_warehouse_monitors_once_and_keeps_the_run(
        province: Province, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["report", "assessment", "--home", str(province.home),
                                    "--as-of", province.as_of.isoformat(), "--profile", "henan",
                                    "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "考核表-2025.xlsx").exists()
    run = tmp_path / f"run-{province.as_of.isoformat()}-henan"
    assert (run / "figures" / "figures.parquet").exists() and (run / "run.json").exists()
    # the same figures as the monitor's own run at that day
    assert (run / "alerts.csv").read_bytes() == (province.runs["henan"] / "alerts.csv").read_bytes()


def test_a_period_that_needs_another_run_is_refused_in_chinese_and_english(
        province: Province, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["report", "circular", "--home", str(province.home),
                                    "--run", str(province.runs["henan"]), "--profile", "henan",
                                    "--quarter", "2025Q3", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "2025-09-30" in res.output and "jicai monitor" in res.output
    assert "needs a run as of 2025-09-30" in res.output
    res = CliRunner().invoke(main, ["report", "circular", "--home", str(province.home),
                                    "--run", str(province.runs["henan"]), "--profile", "henan",
                                    "--quarter", "2025-3", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "YYYYQn" in res.output
    assert not list(tmp_path.iterdir())


def test_periods_clip_to_the_day_and_refuse_the_future() -> None:
    from datetime import date

    import pytest

    from jicai.errors import JicaiError

    q = periods.quarter("2025Q4", date(2025, 11, 30))
    assert (q.start, q.end, q.months()) == (date(2025, 10, 1), date(2025, 11, 30),
                                            ["2025-10", "2025-11"])
    feb = periods.month("2024-02", date(2025, 1, 1))
    assert feb.end == date(2024, 2, 29)  # a leap year's February
    with pytest.raises(JicaiError, match="晚于监测日期"):
        periods.month("2025-12", date(2025, 11, 30))
    with pytest.raises(JicaiError, match="YYYY-MM"):
        periods.month("2025-13", date(2025, 11, 30))


def test_numbers_as_a_bureau_writes_them() -> None:
    assert numbers.pct(0.05) == "5.0%" and numbers.pct(1.0) == "100.0%"
    assert numbers.pct(0.99949) == "99.9%" and numbers.pct(None) == "—"
    assert numbers.yuan(1234567.005) in ("1,234,567.00", "1,234,567.01")
    assert numbers.yuan(0.0) == "0.00"
    assert numbers.points(-0.0391) == "-3.9个百分点" and numbers.points(0.087) == "+8.7个百分点"
    assert numbers.count(12345) == "12,345"


def test_the_demos_step_writes_every_document_for_the_runs_periods(
        province: Province, tmp_path: Path) -> None:
    from jicai.reports.jobs import documents_for_run

    paths = documents_for_run(province.home, province.runs["henan"], tmp_path)
    names = {p.name for p in paths}
    assert {"季度通报-2025Q4.docx", "季度通报-2025Q4.pdf", "年度报告-2025.docx",
            "年度报告-2025.pdf", "考核表-2025.xlsx", "index.xlsx"} <= names
    books = [p for p in paths if p.parent.name == "一院一档-2025-11" and p.name != "index.xlsx"]
    assert len(books) == sum(1 for r in province.figures("henan")
                             if r["scope"] == "institution" and r["period"] == "2025-11")
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
