"""The first sheet of an XLSX workbook as contract text, in memory bounded by its cells.

Two steps:

1. :func:`measure` streams the sheet's XML once, without parsing it, and refuses a
   workbook whose cells span an area far larger than they fill (a few cells far
   apart, a huge declared width) *before* anything holds that area: the reader
   below, like Excel, keeps every cell of the area.
2. :func:`read_first_sheet` reads the rows one at a time and writes each cell as the
   text the contract parses. A number cell is written as the number Excel shows,
   rounded to the precision of the contract column it lands in (4 decimals for
   money, whole numbers within 1e-9 for integers, 15 significant digits otherwise),
   so the binary noise of a formula (``3.3000000000000003``) is not refused as a
   fifth decimal. A number cell in a text column that holds more than Excel's 15
   significant digits (a 20-digit trace code typed as a number) has lost digits, and
   is refused rather than stored wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree import ElementTree as ET

import pyarrow as pa

from jicai.contract.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_SHEET_BYTES,
    MAX_STRINGS_BYTES,
    SPARSE_ALLOWANCE,
    SPARSE_FACTOR,
    FileProblem,
    too_wide,
)
from jicai.contract.schemas import Column, Kind, Table

_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br=\"([0-9]{1,7})\"")
_ROW_SPLIT = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")
_CHUNK = 1 << 20
_MAX_ERRORS = 1000
# Excel keeps 15 significant digits: an integer of this size in a number cell may
# already have lost digits.
_EXACT_LIMIT = 10**15

_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ET.ParseError, OSError,
           ValueError, RuntimeError, IndexError)


@dataclass(frozen=True)
class SheetSize:
    rows: int
    columns: int
    cells: int  # cells present in the XML (empty or not)
    values: int  # cells that hold a value
    # Cells holding a formula error (#DIV/0!, #NUM! …): (row, column number, text).
    # The reader shows them as empty; they are refused instead.
    errors: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class CellProblem:
    row: int
    column: str
    value: str
    zh: str
    en: str
    code: str


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def first_sheet_path(zf: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one a reader opens first)."""
    names = set(zf.namelist())
    book = "xl/workbook.xml"
    if book not in names:
        raise FileProblem("不是 Excel 工作簿：缺少 xl/workbook.xml",
                          "not an Excel workbook: xl/workbook.xml is missing")
    root = ET.fromstring(_small(zf, book))
    sheets = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"]
    if not sheets:
        raise FileProblem("工作簿中没有工作表", "the workbook has no sheet")
    rid = next((v for k, v in sheets[0].attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
    rels = ET.fromstring(_small(zf, "xl/_rels/workbook.xml.rels"))
    for rel in rels.iter():
        if rel.tag.rsplit("}", 1)[-1] == "Relationship" and rel.get("Id") == rid:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") \
                else posixpath.normpath(posixpath.join("xl", target))
            if path in names:
                return path
    raise FileProblem("找不到第一个工作表的内容", "the first sheet's content is missing")


def _small(zf: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(f"工作簿的 {name} 过大", f"the workbook's {name} is too large")
    return data


def _streamed_size(zf: zipfile.ZipFile, name: str, limit: int) -> int:
    total = 0
    with zf.open(name) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise FileProblem(f"工作簿的 {name} 解压后超过 {limit >> 20} MB",
                                  f"the workbook's {name} is over {limit >> 20} MB uncompressed")
    return total


def measure(path: Path) -> SheetSize:
    """The area the first sheet spans, read from its XML without holding it; refuses
    a sheet that is too wide or spans far more than its cells (see module doc)."""
    try:
        with zipfile.ZipFile(path) as zf:
            sheet = first_sheet_path(zf)
            if "xl/sharedStrings.xml" in zf.namelist():
                _streamed_size(zf, "xl/sharedStrings.xml", MAX_STRINGS_BYTES)
            return _measure_sheet(zf, sheet)
    except FileProblem:
        raise
    except zipfile.BadZipFile as exc:
        raise FileProblem("不是有效的 Excel 工作簿（.xlsx 应为 zip 压缩包），文件可能已损坏",
                          f"not a valid Excel workbook (an .xlsx is a zip archive); "
                          f"the file may be damaged: {exc}") from exc
    except _ERRORS as exc:
        raise FileProblem(f"工作簿已损坏，无法读取：{exc}",
                          f"the workbook is damaged and cannot be read: {exc}") from exc


def _measure_sheet(zf: zipfile.ZipFile, sheet: str) -> SheetSize:
    cells = values = rows = max_row = max_col = widest_row = total = 0
    tail = b""
    prefix: bytes | None = None
    row_ref = _ROW_REF
    errors: list[tuple[int, int, str]] = []
    with zf.open(sheet) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            total += len(chunk)
            if total > MAX_SHEET_BYTES:
                raise FileProblem("工作表解压后过大", "the sheet is too large uncompressed")
            buf = tail + chunk
            cut = buf.rfind(b">") + 1 if chunk else len(buf)
            part, tail = buf[:cut], buf[cut:]
            if prefix is None:
                m = _SHEET_DATA.search(part)
                if m is not None:
                    prefix = m.group(1) or b""
                    row_ref = re.compile(b"<" + re.escape(prefix) + rb'row r="([0-9]{1,7})"')
            p = prefix or b""
            # Literal counts are fast; the regular expressions run only where a cell
            # is written in an unusual way (no reference, or not as its first attribute).
            n = part.count(b"<" + p + b"c ") + part.count(b"<" + p + b"c>") \
                + part.count(b"<" + p + b"c/>")
            cells += n
            values += part.count(b"<" + p + b"v>") + part.count(b"<" + p + b"is>")
            plain = part.count(b"<" + p + b'c r="')
            if plain == n and prefix == b"":
                max_col = max(max_col, _max_column(part))
            else:
                found = _CELL_REF.findall(part)
                if found:
                    letters = max({c for c, _r in found}, key=lambda c: (len(c), c))
                    max_col = max(max_col, _column_number(letters))
                if len(found) < n:  # cells without a reference: count them row by row
                    widest_row = max(widest_row, *(len(_CELL_TAG.findall(seg))
                                                   for seg in _ROW_SPLIT.split(part)))
            if b't="e"' in part and len(errors) < _MAX_ERRORS:
                errors.extend(_error_cells(part)[: _MAX_ERRORS - len(errors)])
            row_tags = part.count(b"<" + p + b"row ") + part.count(b"<" + p + b"row>")
            row_refs = row_ref.findall(part) if prefix is not None else []
            if len(row_refs) < row_tags - part.count(b"<" + p + b"row>"):
                row_refs = _ROW_REF.findall(part)  # numbered, but not as the first attribute
            if row_refs:
                max_row = max(max_row, *map(int, row_refs))
            rows += row_tags - len(row_refs)  # rows without a number follow the last one
            width = max(max_col, widest_row)
            height = max_row + rows
            if width > MAX_COLUMNS:
                raise too_wide(width)
            _check_area(height, width, values)
            if not chunk:
                break
    return SheetSize(max_row + rows, max(max_col, widest_row), cells, values, tuple(errors))


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*)>")
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<")


def _error_cells(part: bytes) -> list[tuple[int, int, str]]:
    """Cells of type ``e`` (a formula's error) in ``part``: row, column number, text."""
    out = []
    for m in _TAG.finditer(part):
        attrs = m.group(1)
        if b't="e"' not in attrs:
            continue
        ref = _ATTR_R.search(attrs)
        value = _VALUE.search(part, m.end(), m.end() + 4096)
        if ref is not None:
            out.append((int(ref.group(2)), _column_number(ref.group(1)),
                        value.group(1).decode("utf-8", "replace") if value else "#ERROR"))
    return out


_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]


_LONG_REF = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')


def _max_column(part: bytes) -> int:
    """The largest column of cells written ``<c r="…"`` in ``part``, found with searches
    that stop early instead of reading every reference: most tables end before AA."""
    if _LONG_REF.search(part):
        return max(_column_number(c) for c in set(_LONG_REF.findall(part)))
    for letter in _LETTERS:
        if b'<c r="' + letter in part:
            return _column_number(letter)
    return 0


def _check_area(height: int, width: int, values: int) -> None:
    area = height * width
    if area > MAX_CELLS or area > SPARSE_FACTOR * values + SPARSE_ALLOWANCE:
        raise FileProblem(
            f"第一个工作表的使用区域为 {height} 行 × {width} 列，"
            f"远大于其中有值的 {values} 个单元格（上限 {MAX_CELLS} 个）：请删除表格以外的零散单元格，"
            "或另存为 CSV",
            f"the first sheet spans {height} rows × {width} columns, far more than its "
            f"{values} cells with a value (limit {MAX_CELLS}): delete stray cells outside the table, "
            "or save it as CSV", "too_large")


def _rows(path: Path) -> Iterator[Sequence[object]]:
    """The sheet's first column number (1 = A), then its rows from row 1 on, each from
    that column on."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        sheet = wb.get_sheet_by_index(0)
        start = sheet.start
        yield [1 + (start[1] if start else 0)]
        yield from sheet.iter_rows()
    finally:
        wb.close()


def read_first_sheet(path: Path, table: Table, row_column: str
                     ) -> tuple[pa.Table, list[CellProblem]]:
    """Every non-blank row of the first sheet as text columns named by the header, plus
    ``row_column`` with each row's number as the sheet shows it."""
    size = measure(path)
    try:
        rows = _rows(path)
        first_column = int(next(rows)[0])  # type: ignore[call-overload]
        first = next(rows, None)
        # Leading blank rows (above the header) are kept by the reader: skip them.
        header_row = 1
        while first is not None and not any(c not in (None, "") for c in first):
            first = next(rows, None)
            header_row += 1
        if first is None:
            raise FileProblem("第一个工作表是空的", "the first sheet is empty")
        header = [_header_text(h) for h in first]
        while header and header[-1] == "":
            header.pop()
        names = [h or f"column_{i + 1}" for i, h in enumerate(header)]
        columns = [table.column_for_header(h) if h else None for h in header]
        kinds = [c.kind if c is not None else None for c in columns]
        width = len(names)
        cols: list[list[str | None]] = [[] for _ in range(width)]
        source_rows: list[int] = []
        problems: list[CellProblem] = []
        budget = size.values * SPARSE_FACTOR + SPARSE_ALLOWANCE
        seen = 0
        for n, r in enumerate(rows, start=header_row + 1):
            seen += len(r)
            if seen > budget:  # the sheet measured smaller than it reads: stop here
                _check_area(n, width, size.values)
            # any() is the fast test; a row of zeros and FALSE cells is not blank either.
            if not any(r) and not any(c not in (None, "") for c in r):
                continue  # blank rows are skipped, but rows keep their sheet numbers
            source_rows.append(n)
            for i in range(width):
                v = r[i] if i < len(r) else None
                t = type(v)
                # The common cases inline (a call a cell costs a second per 100 000 rows).
                if t is str:
                    cols[i].append(cast(str, v) or None)
                    continue
                if t is float:
                    x = cast(float, v)
                    if kinds[i] is Kind.MONEY and -1e14 < x < 1e14:
                        cols[i].append(f"{x:.4f}")
                        continue
                    if kinds[i] is Kind.INT and x.is_integer() and -_EXACT_LIMIT < x < _EXACT_LIMIT:
                        cols[i].append(str(int(x)))
                        continue
                elif t is bool:
                    cols[i].append("true" if v else "false")
                    continue
                text, problem = _cell_text(v, columns[i])
                if problem is not None:
                    problems.append(CellProblem(n, names[i], text or "", *problem))
                cols[i].append(text)
        for row, col, text in size.errors:
            i = col - first_column
            if 0 <= i < width:
                problems.append(CellProblem(
                    row, names[i], text, f"单元格是公式错误 {text}，不是数据：请改正公式或填入数值",
                    f"the cell holds the formula error {text}, not data: correct the "
                    "formula or enter the value", "formula_error"))
    except FileProblem:
        raise
    except Exception as exc:  # the reader's own errors (damaged XML, zip) have no common base
        raise FileProblem(f"工作簿已损坏，无法读取：{_first_line(exc)}",
                          f"the workbook is damaged and cannot be read: {_first_line(exc)}"
                          ) from exc
    # Built from a list, not a dict: a name given twice stays twice, and is refused.
    arrays = [*(pa.array(c, pa.string()) for c in cols), pa.array(source_rows, pa.int64())]
    return pa.Table.from_arrays(arrays, names=[*names, row_column]), problems


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _header_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_LOST_DIGITS = (
    "数字单元格只保存 15 位有效数字，此编码可能已丢失数字：请把该列设为文本格式后重新录入",
    "a number cell keeps only 15 significant digits, so this code may have lost digits: "
    "format the column as text and enter it again",
    "precision",
)


def _cell_text(v: object, column: Column | None
               ) -> tuple[str | None, tuple[str, str, str] | None]:
    """A cell as contract text, and a problem when the cell cannot hold its value."""
    if v is None or v == "":
        return None, None
    if isinstance(v, bool):
        return ("true" if v else "false"), None
    if isinstance(v, int | float):
        return _number_text(float(v), column, v if isinstance(v, int) else None)
    if isinstance(v, dt.datetime):
        # A date-time cell is a fraction of a day: round to the second it shows.
        if v.microsecond:
            v = (v + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        # Midnight is a date, except in a datetime column (an order placed at 00:00).
        midnight = not (v.hour or v.minute or v.second)
        if midnight and (column is None or column.kind is not Kind.DATETIME):
            return v.date().isoformat(), None
        return v.isoformat(" "), None
    if isinstance(v, dt.date):
        # The reader gives a date for a date-time cell at midnight; so does a Parquet
        # date given for a datetime column: both are that day at 00:00.
        if column is not None and column.kind is Kind.DATETIME:
            return f"{v.isoformat()} 00:00:00", None
        return v.isoformat(), None
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S"), None
    s = str(v)
    return (s if s != "" else None), None


def _number_text(x: float, column: Column | None, exact: int | None
                 ) -> tuple[str, tuple[str, str, str] | None]:
    kind = column.kind if column is not None else None
    if exact is not None and abs(exact) < 2**63:
        return str(exact), None
    if not math.isfinite(x):
        return repr(x), None
    if kind is Kind.MONEY:
        return (f"{round(x, 4):.4f}" if abs(x) < 1e14 else repr(x)), None
    nearest = round(x)
    # Noise is relative to the number: 1e-9 of it, and at least 1e-9.
    whole = abs(x - nearest) <= 1e-9 * max(1.0, abs(x))
    if kind is Kind.INT or kind is Kind.BOOL:
        return (str(int(nearest)) if whole and abs(x) < 2**63 else repr(x)), None
    if kind in (Kind.TEXT, Kind.ENUM) and abs(x) >= _EXACT_LIMIT:
        return format(x, ".15g"), _LOST_DIGITS
    if whole and abs(x) < _EXACT_LIMIT:
        return str(int(nearest)), None
    return format(x, ".15g"), None
