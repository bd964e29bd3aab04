"""Formula-safe cells for every CSV and XLSX that jicai writes.

A spreadsheet runs a cell as a formula when its text begins with ``=``, ``+``,
``-`` or ``@`` (and a leading tab or carriage return can hide such a start), so
an institution called ``=HYPERLINK(...)`` would become a live formula in an
officer's Excel. Following OWASP's advice on CSV injection, a *text* value
beginning with one of those characters goes out with a leading apostrophe
(``'``), which Excel and LibreOffice read as "this is text" and do not show.
Numbers stay numbers: a negative number is written as ``-1.5``, not quoted.

The escape is reversible, so jicai can read back what it wrote
(:func:`restore_text`): a text whose first character after any leading
apostrophes is a trigger gets one more apostrophe; nothing else is touched.
Ordinary data (names, codes, messages that begin with a letter or a Chinese
character) is written byte for byte as before.

In XLSX the apostrophe is not needed: :func:`workbook` turns off xlsxwriter's
conversion of strings to formulas, URLs and numbers, so every string is stored
as a string cell, and :meth:`SafeWorkbook.write` gives a cell whose text
begins with a trigger Excel's own *quote prefix* (the cell shows ``=…`` and
stays text when someone edits it), keeping the value exactly as in the data.

>>> safe_text("=1+2")
"'=1+2"
>>> safe_text("北京市第一医院")
'北京市第一医院'
>>> restore_text(safe_text("'=1"))
"'=1"
>>> safe_cell(-3.5)
-3.5
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")

#: Options every jicai workbook is created with: strings stay strings.
SAFE_OPTIONS: Mapping[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (or read it after one ``'``) as a formula."""
    core = text.lstrip("'")
    return bool(core) and core[0] in FORMULA_TRIGGERS


def safe_text(text: str) -> str:
    """``text`` with a leading ``'`` if it begins (after any ``'``) with a formula trigger."""
    return "'" + text if is_formula_like(text) else text


def restore_text(text: str) -> str:
    """The text that :func:`safe_text` turned into ``text`` (its exact inverse)."""
    return text[1:] if text.startswith("'") and is_formula_like(text) else text


def safe_cell(value: Any) -> Any:
    """A value for a CSV cell: text neutralised, everything else (numbers, dates) as is."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class SafeWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """An xlsxwriter workbook that never turns a string into a formula, URL or number.

    Write text through :meth:`write` / :meth:`write_row`: a string beginning with
    a formula trigger gets a quote-prefixed twin of its format.
    """

    def __init__(self, filename: str | Path, options: Mapping[str, Any] | None = None) -> None:
        self._props: dict[int, dict[str, Any]] = {}  # set first: the parent adds a format
        self._quoted: dict[int | None, Format] = {}
        super().__init__(str(filename), {**(options or {}), **SAFE_OPTIONS})

    def add_format(self, properties: Mapping[str, Any] | None = None) -> Format:
        fmt: Format = super().add_format(dict(properties or {}))
        self._props[id(fmt)] = dict(properties or {})
        return fmt

    def quoted(self, fmt: Format | None = None) -> Format:
        """``fmt`` (or the default format) with Excel's quote prefix set."""
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            props = {} if key is None else self._props.get(key, {})
            self._quoted[key] = self.add_format({**props, "quote_prefix": True})
        return self._quoted[key]

    def write(self, sheet: Worksheet, row: int, col: int, value: Any,
              fmt: Format | None = None) -> None:
        """One cell: strings as string cells (quote-prefixed if formula-like), the rest as is."""
        if isinstance(value, str):
            if is_formula_like(value):
                sheet.write_string(row, col, value, self.quoted(fmt))
            else:
                sheet.write_string(row, col, value, fmt)
        elif fmt is None:
            sheet.write(row, col, value)
        else:
            sheet.write(row, col, value, fmt)

    def write_row(self, sheet: Worksheet, row: int, col: int, values: Iterable[Any],
                  fmt: Format | None = None) -> None:
        for j, value in enumerate(values):
            self.write(sheet, row, col + j, value, fmt)


def workbook(path: str | Path, options: Mapping[str, Any] | None = None) -> SafeWorkbook:
    """A new XLSX at ``path`` with strings kept as strings (``options`` added, never overriding)."""
    return SafeWorkbook(path, options)
