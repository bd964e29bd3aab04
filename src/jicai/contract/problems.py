"""One problem found in an input file, said in Chinese and in English."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path

from jicai.spreadsheet import safe_row


@dataclass(frozen=True, order=True)
class Problem:
    """Where (file, row as a spreadsheet shows it, column), what value, what was expected.

    ``row`` is 1 for a header problem, None for a whole-file problem. For CSV and
    XLSX the first data row is row 2, as Excel shows it; for Parquet rows are
    counted from 1.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected_zh: str
    expected_en: str
    code: str = "invalid"

    def zh(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"列 {self.column}")
        if self.value is not None:
            where.append(f"值「{_short(self.value)}」")
        return "，".join(where) + f"：{self.expected_zh}"

    def en(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        if self.value is not None:
            where.append(f"value {_short(self.value)!r}")
        return ", ".join(where) + f": {self.expected_en}"

    def __str__(self) -> str:
        return f"{self.zh()}\n  {self.en()}"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def write_problems(problems: list[Problem], path: Path) -> None:
    """Write every problem to a CSV (UTF-8 with BOM, so Excel opens it in Chinese)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["文件 file", "行 row", "列 column", "值 value", "问题", "problem", "code"])
        for p in problems:
            d = asdict(p)
            # A bad value such as "=cmd()" is quoted, so the spreadsheet shows it, not runs it.
            w.writerow(safe_row([d["file"], d["row"], d["column"], d["value"], d["expected_zh"],
                                 d["expected_en"], d["code"]]))
