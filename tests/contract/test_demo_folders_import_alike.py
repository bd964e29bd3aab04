"""The demo's exports import alike as CSV, Parquet and XLSX (every table, v1.1 too).

`jicai demo --format xlsx` was refused whole with duckdb 2.0.1: every workbook of
the folder failed with "connection has an unfinished result from execute()".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from jicai.contract.schemas import TABLES
from jicai.demo.generate import generate
from jicai.warehouse.store import Warehouse


def _stored(base: Path, fmt: Literal["csv", "parquet", "xlsx"]
            ) -> dict[str, list[dict[str, Any]]]:
    generate(base / "data", lines="tiny", fmt=fmt)
    w = Warehouse(base / "home")
    w.import_folder(base / "data")
    return {t: sorted(w.read(t).to_pylist(), key=repr) for t in w.tables()}


def test_the_demo_in_every_format_stores_the_same_rows(tmp_path: Path) -> None:
    csv = _stored(tmp_path / "csv", "csv")
    assert set(csv) == set(TABLES)
    assert all(csv[t] for t in TABLES), [t for t in TABLES if not csv[t]]
    assert _stored(tmp_path / "parquet", "parquet") == csv
    assert _stored(tmp_path / "xlsx", "xlsx") == csv
