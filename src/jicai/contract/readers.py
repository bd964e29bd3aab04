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
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from jicai.contract.problems import Problem
from jicai.contract.schemas import TABLES
from jicai.contract.sql import lit

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


def load_raw(con: duckdb.DuckDBPyConnection, src: SourceFile, name: str,
             lazy: bool = False) -> list[Problem]:
    """Create DuckDB table ``name`` from ``src`` (file order kept in rowid).

    Returns problems that stop the file from being read at all (not UTF-8, ragged
    rows, a damaged workbook); the table is then not created. With ``lazy``, a CSV or
    Parquet source becomes a view instead: nothing is read until it is queried (and a
    damaged file fails then), and there is no rowid.
    """
    kind = "VIEW" if lazy and src.fmt in ("csv", "parquet") else "TABLE"
    try:
        if src.fmt == "csv":
            header = _csv_header(src.path)
            dup = sorted({h for h in header if header.count(h) > 1})
            if dup:
                return [Problem(src.label, 1, dup[0], dup[0], "表头中列名重复",
                                "the same column name appears twice in the header",
                                "duplicate_column")]
            # The header is read here, not sniffed: a ragged row then fails with its
            # line number instead of making the sniffer guess another shape.
            columns = ", ".join(f"{lit(h)}: 'VARCHAR'" for h in header)
            con.execute(
                f"CREATE OR REPLACE TEMP {kind} {name} AS SELECT * FROM "
                f"read_csv({lit(str(src.path))}, columns={{{columns}}}, "
                "auto_detect=false, header=true, delim=',', quote='\"', escape='\"', "
                "strict_mode=true, null_padding=false)")
        elif src.fmt == "parquet":
            files = ", ".join(lit(str(f)) for f in src.files())
            con.execute(
                f"CREATE OR REPLACE TEMP {kind} {name} AS SELECT * FROM read_parquet([{files}], "
                "union_by_name=true, hive_partitioning=false)")
        else:
            con.register(f"{name}_arrow", _read_xlsx(src.path))
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
            con.unregister(f"{name}_arrow")
    except (duckdb.Error, OSError, ValueError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [Problem(src.label, None, None, None,
                        f"文件无法读取（应为 UTF-8 编码、逗号分隔、首行为表头的 {src.fmt.upper()}）："
                        f"{first}",
                        f"the file cannot be read (expected {src.fmt.upper()}, UTF-8, "
                        f"comma-separated, first row a header): {first}",
                        "unreadable")]
    return []


def _csv_header(path: Path) -> list[str]:
    """The column names of a CSV file's first record (a UTF-8 BOM is dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.reader(fh), None)
    if not first:
        raise ValueError("the file is empty: no header row")
    return [h if h.strip() else f"column_{i + 1}" for i, h in enumerate(first)]


def _cell_text(v: object) -> str | None:
    """A workbook cell as contract text: whole floats lose '.0', Excel dates become ISO."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) \
            else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    s = str(v)
    return s if s != "" else None


def _read_xlsx(path: Path) -> pa.Table:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    if not rows:
        raise ValueError("the first sheet is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    width = len(header)
    cols: list[list[str | None]] = [[] for _ in range(width)]
    source_rows: list[int] = []
    for n, r in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in r):
            continue  # blank rows are skipped, but rows keep their sheet numbers
        source_rows.append(n)
        for i in range(width):
            cols[i].append(_cell_text(r[i]) if i < len(r) else None)
    names = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    data = {n: pa.array(c, pa.string()) for n, c in zip(names, cols, strict=True)}
    data[SOURCE_ROW] = pa.array(source_rows, pa.int64())
    return pa.table(data)
