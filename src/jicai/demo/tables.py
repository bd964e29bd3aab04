"""Arrow columns from numpy arrays, and the writers for Parquet, CSV and XLSX.

Every table is built against ``TABLES[name].arrow_schema()`` and written with the
contract's English headers. Parquet keeps those arrow types; CSV writes dates as
``YYYY-MM-DD``, datetimes as ``YYYY-MM-DD HH:MM:SS``, booleans as ``true``/``false``
and money with 4 decimals; XLSX writes text as text (codes keep their leading
zeros), dates and datetimes as Excel date cells, money and quantities as numbers.
Nothing in a file depends on the clock, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from jicai.contract.schemas import TABLES, Kind

Mask = NDArray[np.bool_] | None
_MONEY = pa.decimal128(18, 4)
_FIXED_TIME = dt.datetime(2025, 1, 1)  # the XLSX "created" property, fixed for identical bytes
_EXCEL_EPOCH = 25_569.0  # 1970-01-01 as an Excel serial day number
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
TABLES_BY_COLUMNS = {t.names: t.columns for t in TABLES.values()}


def _validity(mask: Mask, n: int) -> pa.Buffer | None:
    if mask is None or not mask.any():
        return None
    return pa.py_buffer(np.packbits(~mask, bitorder="little"))


def money(units: NDArray[np.int64], mask: Mask = None) -> pa.Array:
    """Money held in 1/10 000 yuan → decimal128(18, 4), exactly."""
    v = np.ascontiguousarray(units, dtype=np.int64)
    words = np.empty(2 * len(v), dtype=np.int64)
    words[0::2] = v
    words[1::2] = v >> 63  # sign extension: the high 64 bits of a 128-bit integer
    return pa.Array.from_buffers(_MONEY, len(v), [_validity(mask, len(v)),
                                                  pa.py_buffer(words)])


def stamps(seconds: NDArray[np.int64], mask: Mask = None) -> pa.Array:
    """Seconds since 1970-01-01 (Beijing time, no zone) → timestamp[us]."""
    return pa.array(np.asarray(seconds, np.int64) * 1_000_000, pa.timestamp("us"), mask=mask)


def dates(days: NDArray[np.int64], mask: Mask = None) -> pa.Array:
    return pa.array(np.asarray(days, np.int64).astype(np.int32), pa.int32(), mask=mask).view(
        pa.date32())


def ints(values: NDArray[np.int64] | Sequence[int], mask: Mask = None) -> pa.Array:
    return pa.array(np.asarray(values, np.int64), pa.int64(), mask=mask)


def texts(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


def pick(dictionary: pa.Array, index: NDArray[np.int64], mask: Mask = None) -> pa.Array:
    """dictionary[index] for each row; null where mask is true (or the index is negative)."""
    idx = np.asarray(index, np.int64)
    null = (idx < 0) if mask is None else (mask | (idx < 0))
    return dictionary.take(pa.array(np.where(null, 0, idx), mask=null))


def prefixed(prefix: str, numbers: NDArray[np.int64], width: int) -> pa.Array:
    """prefix + zero-padded number, e.g. OL0000000042, built as one fixed-width buffer."""
    n, head = len(numbers), len(prefix)
    chars = np.empty((n, head + width), dtype=np.uint8)
    chars[:, :head] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    rest = np.asarray(numbers, np.int64)
    for j in range(head + width - 1, head - 1, -1):
        quotient = rest // 10
        chars[:, j] = rest - quotient * 10 + ord("0")
        rest = quotient
    offsets = np.arange(n + 1, dtype=np.int32) * (head + width)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars))


def table(name: str, columns: dict[str, Any]) -> pa.Table:
    """The contract table ``name`` from its columns (arrow arrays, numpy arrays or lists)."""
    schema = TABLES[name].arrow_schema()
    missing = set(schema.names) ^ set(columns)
    if missing:  # pragma: no cover - a programming error in the generator
        raise ValueError(f"{name}: columns {sorted(missing)} missing or unknown")
    arrays = []
    for f in schema:
        value = columns[f.name]
        arr = value if isinstance(value, pa.Array | pa.ChunkedArray) else pa.array(value)
        arrays.append(arr if arr.type == f.type else arr.cast(f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _dictionary_columns(names: list[str]) -> list[str]:
    """Codes and enum values repeat: dictionary-encode them (ids and free text do not)."""
    kinds = {c.name: c.kind for c in TABLES_BY_COLUMNS.get(tuple(names), ())}
    return [n for n in names if n.endswith("_code") or kinds.get(n) == Kind.ENUM]


class Sink(Protocol):
    """Where the chunks of one table go; chunk ``number`` may be written by another process."""

    def write(self, t: pa.Table, number: int = 0) -> None: ...

    def close(self) -> list[Path]: ...


class ParquetSink:
    """``name.parquet``, or a ``name/`` folder with one part file per chunk."""

    def __init__(self, out_dir: Path, name: str, chunks: int = 1) -> None:
        self.out_dir, self.name, self.chunks = out_dir, name, chunks
        if chunks > 1:
            (out_dir / name).mkdir(parents=True, exist_ok=True)

    def path(self, number: int) -> Path:
        if self.chunks > 1:
            return self.out_dir / self.name / f"part-{number:05d}.parquet"
        return self.out_dir / f"{self.name}.parquet"

    def write(self, t: pa.Table, number: int = 0) -> None:
        pq.write_table(t, self.path(number), compression="zstd", row_group_size=1 << 20,
                       use_dictionary=_dictionary_columns(t.schema.names))

    def close(self) -> list[Path]:
        return [self.path(k) for k in range(self.chunks)]


class CsvSink:
    """One UTF-8 ``name.csv``: chunks appended in order, the header once.

    When chunks are written by several processes (``staged``) each goes to a hidden
    part file first and :meth:`close` joins them, giving the very same bytes.
    """

    def __init__(self, out_dir: Path, name: str, chunks: int = 1, staged: bool = False) -> None:
        self.path = out_dir / f"{name}.csv"
        self.chunks, self.staged = chunks, staged
        self.schema = pa.schema([
            pa.field(f.name, pa.timestamp("s") if pa.types.is_timestamp(f.type) else f.type)
            for f in TABLES[name].arrow_schema()])

    def part(self, number: int) -> Path:
        return self.path.with_name(f".{self.path.name}.part-{number:05d}")

    def write(self, t: pa.Table, number: int = 0) -> None:
        target, mode = ((self.part(number), "wb") if self.staged
                        else (self.path, "wb" if number == 0 else "ab"))
        with target.open(mode) as fh:
            pacsv.write_csv(t.cast(self.schema), fh,
                            pacsv.WriteOptions(include_header=number == 0))

    def close(self) -> list[Path]:
        if self.staged:
            with self.path.open("wb") as out:
                for number in range(self.chunks):
                    with self.part(number).open("rb") as part:
                        shutil.copyfileobj(part, out, 1 << 22)
                    self.part(number).unlink()
        return [self.path]


class XlsxSink:
    """One ``name.xlsx``: a sheet named after the table, header in the first row."""

    def __init__(self, out_dir: Path, name: str) -> None:
        from jicai.spreadsheet import workbook

        self.path = out_dir / f"{name}.xlsx"
        # Strings stay strings: a data file must hold the data, never a formula.
        self.book = workbook(self.path, {"constant_memory": True})
        self.book.set_properties({"created": _FIXED_TIME})
        self.sheet = self.book.add_worksheet(name)
        self.date_fmt = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.time_fmt = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.schema = TABLES[name].arrow_schema()
        self.sheet.write_row(0, 0, self.schema.names)
        self.row = 1

    def write(self, t: pa.Table, number: int = 0) -> None:
        if self.row + t.num_rows > XLSX_MAX_ROWS + 1:
            raise ValueError(f"{self.sheet.name}: more rows than an Excel sheet holds")
        # Dates are Excel serial numbers with a date format: convert whole columns at once.
        ws, columns = self.sheet, []
        for col, f in enumerate(self.schema):
            arr = t.column(f.name)
            if pa.types.is_date(f.type) or pa.types.is_timestamp(f.type):
                seconds = arr.cast(pa.timestamp("s")).cast(pa.int64())
                serial = pc.add(pc.divide(seconds.cast(pa.float64()), 86_400.0),
                                        _EXCEL_EPOCH)
                fmt = self.date_fmt if pa.types.is_date(f.type) else self.time_fmt
                columns.append((col, serial.to_pylist(), ws.write_number, fmt))
            elif pa.types.is_boolean(f.type):
                columns.append((col, arr.to_pylist(), ws.write_boolean, None))
            elif pa.types.is_string(f.type):
                columns.append((col, arr.to_pylist(), ws.write_string, None))
            else:
                columns.append((col, arr.cast(pa.float64()).to_pylist(), ws.write_number, None))
        # constant_memory flushes a row once the next one starts: write row by row.
        for r in range(t.num_rows):
            row = self.row + r
            for col, values, put, fmt in columns:
                value = values[r]
                if value is not None:
                    put(row, col, value, fmt)
        self.row += t.num_rows

    def close(self) -> list[Path]:
        self.book.close()
        return [self.path]


def open_sink(out_dir: Path, name: str, fmt: str, chunks: int = 1, staged: bool = False) -> Sink:
    if fmt == "parquet":
        return ParquetSink(out_dir, name, chunks)
    if fmt == "csv":
        return CsvSink(out_dir, name, chunks, staged)
    if fmt == "xlsx":
        return XlsxSink(out_dir, name)
    raise ValueError(f"unknown format {fmt!r}: expected parquet, csv or xlsx")


def write_table(out_dir: Path, name: str, fmt: str, t: pa.Table) -> list[Path]:
    sink = open_sink(out_dir, name, fmt)
    sink.write(t)
    return sink.close()
