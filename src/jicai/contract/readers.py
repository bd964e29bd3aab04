"""Find the contract tables in a data folder and load each, as text, into DuckDB.

A folder holds any subset of the tables, one file each, named after the table
in English or Chinese: ``orders.csv``, ``orders.xlsx``, ``orders.parquet``, an
``orders/`` folder of Parquet files, or ``采购订单明细.csv``. Files that name no
table are reported and left alone.

Every reader produces a DuckDB table whose columns are the file's own headers
and whose ``rowid`` is the record's position in the file, so that validation
can name the row as a spreadsheet shows it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from jicai.contract import encodings
from jicai.contract.limits import MAX_COLUMNS, FileProblem, too_wide
from jicai.contract.problems import Problem
from jicai.contract.schemas import STORED_TABLES as TABLES  # jicai's own tables too
from jicai.contract.sql import lit
from jicai.contract.workbooks import read_first_sheet

# A column a reader may add with each record's own row number in the source.
SOURCE_ROW = "__source_row"

_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
_NAME_TO_TABLE = {**{t: t for t in TABLES}, **{s.zh: t for t, s in TABLES.items()}}


@dataclass(frozen=True)
class SourceFile:
    """One input file (or Parquet folder) holding one contract table."""

    table: str
    path: Path
    fmt: str  # csv | xlsx | parquet

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def first_row(self) -> int:
        """The spreadsheet row number of the first data record."""
        return 1 if self.fmt == "parquet" else 2

    @cached_property
    def encoding(self) -> str | None:
        """A CSV's text encoding (``utf-8``, ``utf-8-sig`` or ``gb18030``), found by
        reading it; None for a workbook or Parquet. Raises FileProblem for a CSV
        that is neither (the import reports it as unreadable)."""
        return encodings.detect(self.path) if self.fmt == "csv" else None

    def files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(self.path.rglob("*.parquet"))
        return [self.path]

    def sha256(self) -> str:
        h = hashlib.sha256()
        for f in self.files():
            if self.path.is_dir():
                h.update(str(f.relative_to(self.path)).encode())
            with f.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        return h.hexdigest()


def discover(data_dir: Path) -> tuple[list[SourceFile], list[Problem], list[str]]:
    """The table files in ``data_dir``, problems (two files for one table), ignored names."""
    found: dict[str, list[SourceFile]] = {}
    ignored: list[str] = []
    for p in sorted(data_dir.iterdir()):
        if p.name.startswith((".", "~$")):
            continue
        if p.is_dir():
            table = _NAME_TO_TABLE.get(p.name)
            if table and any(p.rglob("*.parquet")):
                found.setdefault(table, []).append(SourceFile(table, p, "parquet"))
            else:
                ignored.append(p.name + "/")
            continue
        fmt = _SUFFIXES.get(p.suffix.lower())
        table = _NAME_TO_TABLE.get(p.stem.strip().lower()) or _NAME_TO_TABLE.get(p.stem.strip())
        if fmt and table:
            found.setdefault(table, []).append(SourceFile(table, p, fmt))
        else:
            ignored.append(p.name)
    problems = [
        Problem(", ".join(s.label for s in srcs), None, None, None,
                f"同一张表「{table}」有 {len(srcs)} 个文件，只能有一个",
                f"{len(srcs)} files hold the table {table!r}; give one",
                "duplicate_file")
        for table, srcs in found.items() if len(srcs) > 1
    ]
    order = list(TABLES)
    sources = sorted((srcs[0] for srcs in found.values()), key=lambda s: order.index(s.table))
    return sources, problems, ignored


# Problems of one workbook cell: the file is read all the same.
CELL_PROBLEMS = ("precision", "formula_error")

_EXPECTED_FILE = {
    "csv": ("UTF-8 或 GB18030 编码、逗号分隔、首行为表头的 CSV 文件",
            "a CSV file, UTF-8 or GB18030, comma-separated, first row a header"),
    "xlsx": ("Excel 工作簿（.xlsx），第一个工作表的首行为表头",
             "an Excel workbook (.xlsx) whose first sheet has a header in its first row"),
    "parquet": ("Parquet 文件", "a Parquet file"),
}


def load_raw(con: duckdb.DuckDBPyConnection, src: SourceFile, name: str,
             lazy: bool = False) -> list[Problem]:
    """Create DuckDB table ``name`` from ``src`` (file order kept in rowid).

    Returns problems that stop the file from being read at all (an unknown encoding,
    ragged rows, a damaged workbook, a duplicate or far too wide header); the table is
    then not created. Problems of single workbook cells (a number cell that lost a
    code's digits, a formula error; codes in :data:`CELL_PROBLEMS`) come with the
    table created, so that the file's other problems can be named too. With ``lazy``, a UTF-8
    CSV or a Parquet source becomes a view instead: nothing is read until it is queried
    (and a damaged file fails then), and there is no rowid. Drop it with
    :func:`drop_raw`.
    """
    try:
        if src.fmt == "csv":
            _load_csv(con, src, name, lazy)
        elif src.fmt == "parquet":
            _check_header(src.label, _parquet_header(src))
            files = ", ".join(lit(str(f)) for f in src.files())
            kind = "VIEW" if lazy else "TABLE"
            con.execute(
                f"CREATE OR REPLACE TEMP {kind} {name} AS SELECT * FROM read_parquet([{files}], "
                "union_by_name=true, hive_partitioning=false)")
        else:
            table, cell_problems = read_first_sheet(src.path, TABLES[src.table], SOURCE_ROW)
            _check_header(src.label, [n for n in table.column_names if n != SOURCE_ROW])
            # A result left open on the connection makes DuckDB 2 refuse to register.
            complete = getattr(con, "complete", None)
            if complete is not None:
                complete()
            con.register(f"{name}_arrow", table)
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
            finally:
                con.unregister(f"{name}_arrow")
            # The table exists: its other problems are named beside these.
            return [Problem(src.label, c.row, c.column, c.value, c.zh, c.en, c.code)
                    for c in cell_problems]
    except _HeaderProblem as exc:
        return [exc.problem]
    except FileProblem as exc:
        return [_unreadable(src, exc.zh, exc.en, exc.code)]
    except (duckdb.Error, OSError, ValueError, csv.Error, pa.ArrowException) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [_unreadable(src, first, first)]
    return []


def drop_raw(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop what :func:`load_raw` created under ``name`` (a view or a table), if anything."""
    for kind in ("VIEW", "TABLE"):
        try:
            con.execute(f"DROP {kind} IF EXISTS {name}")
        except duckdb.CatalogException:
            continue  # the object is of the other kind


def _unreadable(src: SourceFile, zh: str, en: str, code: str = "unreadable") -> Problem:
    if code != "unreadable":
        return Problem(src.label, None, None, None, zh, en, code)
    ezh, een = _EXPECTED_FILE[src.fmt]
    return Problem(src.label, None, None, None, f"文件无法读取（应为{ezh}）：{zh}",
                   f"the file cannot be read (expected {een}): {en}", "unreadable")


class _HeaderProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.expected_en)
        self.problem = problem


def _check_header(label: str, header: list[str]) -> None:
    """Refuse a header that is far too wide or names a column twice (ignoring case and
    surrounding spaces, as matching does: both would be read as one column)."""
    if len(header) > MAX_COLUMNS:
        raise too_wide(len(header))
    seen = Counter(h.strip().lower() for h in header)
    dup = next((h for h in header if seen[h.strip().lower()] > 1), None)
    if dup is not None:
        raise _HeaderProblem(Problem(label, 1, dup, dup, "表头中列名重复",
                                     "the same column name appears twice in the header",
                                     "duplicate_column"))


def _load_csv(con: duckdb.DuckDBPyConnection, src: SourceFile, name: str, lazy: bool) -> None:
    encoding = src.encoding or encodings.UTF8
    header = _csv_header(src.path, encoding)
    _check_header(src.label, header)
    # The header is read here, not sniffed: a ragged row then fails with its line
    # number instead of making the sniffer guess another shape.
    columns = ", ".join(f"{lit(h)}: 'VARCHAR'" for h in header)

    def create(path: Path, kind: str) -> None:
        con.execute(
            f"CREATE OR REPLACE TEMP {kind} {name} AS SELECT * FROM "
            f"read_csv({lit(str(path))}, columns={{{columns}}}, "
            "auto_detect=false, header=true, delim=',', quote='\"', escape='\"', "
            "strict_mode=true, null_padding=false)")

    if encoding != encodings.GB18030:
        create(src.path, "VIEW" if lazy else "TABLE")
        return
    # DuckDB reads UTF-8 only: a GB18030 file is read through a UTF-8 copy, loaded
    # whole (the copy is gone once the table exists).
    fd, tmp = tempfile.mkstemp(prefix="jicai-gb18030-", suffix=".csv")
    os.close(fd)
    try:
        encodings.transcode(src.path, encoding, Path(tmp))
        create(Path(tmp), "TABLE")
    finally:
        os.unlink(tmp)


def _csv_header(path: Path, encoding: str) -> list[str]:
    """The column names of a CSV file's first record (a UTF-8 BOM is dropped)."""
    enc = encodings.UTF8_BOM if encoding == encodings.UTF8 else encoding
    with path.open(encoding=enc, newline="") as fh:
        try:
            first = next(csv.reader(fh), None)
        except UnicodeDecodeError as exc:
            raise FileProblem(f"表头不是有效的 {encoding.upper()} 编码",
                              f"the header is not valid {encoding.upper()}") from exc
    if not first:
        raise ValueError("the file is empty: no header row")
    return [h if h.strip() else f"column_{i + 1}" for i, h in enumerate(first)]


def _parquet_header(src: SourceFile) -> list[str]:
    """The column names of a Parquet file (or the union over a folder's files)."""
    names: list[str] = []
    for f in src.files():
        schema = pq.read_schema(f)
        if len(schema.names) > MAX_COLUMNS:
            raise too_wide(len(schema.names))
        _check_header(src.label, list(schema.names))
        names.extend(n for n in schema.names if n not in names)
    return names
