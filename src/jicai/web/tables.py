"""Contract tables out of Django rows, and CSV downloads of them.

Column names and types come from :data:`jicai.contract.schemas.TABLES`, the
one place the contract is spelled; a table built here has the contract's
Arrow schema, so the warehouse accepts it as any other import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
from django.http import HttpResponse

from jicai.contract.schemas import TABLES
from jicai.spreadsheet import safe_text


def contract_table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """``rows`` (dicts keyed by contract column) as the contract table ``name``."""
    table = TABLES[name]
    materialised = list(rows)
    columns = {}
    for col in table.columns:
        values = [row.get(col.name) for row in materialised]
        if col.arrow_type == pa.decimal128(18, 4):
            values = [None if v is None else Decimal(v).quantize(Decimal("0.0001"))
                      for v in values]
        columns[col.name] = pa.array(values, type=col.arrow_type)
    return pa.table(columns, schema=table.arrow_schema())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return str(text)
    if isinstance(value, str):
        return safe_text(value)  # text beginning with "=", "+", "-", "@" is not a formula
    return str(value)


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A UTF-8 CSV with a BOM, so that Excel opens the Chinese text correctly.

    Text cells are formula-safe (:mod:`jicai.spreadsheet`); numbers are written as numbers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv_response(filename: str, table: pa.Table) -> HttpResponse:
    rows = zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True)
    return csv_response(filename, list(table.column_names), rows)
