"""Contract tables out of Django rows, and CSV downloads of them.

Column names and types come from :data:`jicai.contract.schemas.TABLES`, the
one place the contract is spelled; a table built here has the contract's
Arrow schema, so the warehouse accepts it as any other import.

Downloads have Chinese headers (the contract's Chinese column names, which the
import accepts too, or the labels a download gives) and English ones with
``?lang=en``; times are Beijing wall time, as the pages show them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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


# Every contract column's Chinese name (a column keeps its name in every table).
_CONTRACT_ZH: dict[str, str] = {}
for _table in TABLES.values():
    for _col in _table.columns:
        _CONTRACT_ZH.setdefault(_col.name, _col.zh)


def header_for(request: HttpRequest | None, keys: list[str],
               labels: Mapping[str, str] | None = None) -> list[str]:
    """Chinese headers (a download's own ``labels``, else the contract's names), or the
    English keys with ``?lang=en``."""
    if request is not None and request.GET.get("lang") == "en":
        return keys
    own = labels or {}
    return [own.get(k) or _CONTRACT_ZH.get(k) or k for k in keys]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "hour") and getattr(value, "tzinfo", None) is not None:
        return str(timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S"))  # Beijing
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return str(text)
    if isinstance(value, str):
        return safe_text(value)  # text beginning with "=", "+", "-", "@" is not a formula
    return str(value)


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]], *,
                 request: HttpRequest | None = None,
                 labels: Mapping[str, str] | None = None) -> HttpResponse:
    """A UTF-8 CSV with a BOM, so that Excel opens the Chinese text correctly.

    ``header`` are the English keys; with ``request`` they go out in Chinese unless the
    request asks ``?lang=en`` (see :func:`header_for`). Text cells are formula-safe
    (:mod:`jicai.spreadsheet`); numbers are written as numbers; aware times in Beijing.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header_for(request, header, labels) if request is not None else header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if request is not None:
        from jicai.web.accounts.security import record_export

        record_export(request, filename, rows=buffer.getvalue().count("\n") - 1)
    return response


def table_csv_response(filename: str, table: pa.Table,
                       request: HttpRequest | None = None) -> HttpResponse:
    rows = zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True)
    return csv_response(filename, list(table.column_names), rows, request=request)
