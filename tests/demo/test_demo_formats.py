"""``jicai demo --format csv|parquet|xlsx``: each format imports to the very same warehouse rows."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jicai.contract.schemas import TABLES
from jicai.demo.generate import generate
from jicai.warehouse.store import Warehouse


def rows(w: Warehouse, name: str) -> list[tuple[object, ...]]:
    t = pa.concat_tables(pq.read_table(f) for f in w.files(name))
    cols = list(TABLES[name].names)
    return sorted(zip(*(t.column(c).to_pylist() for c in cols), strict=True), key=repr)


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Warehouse]:
    out = {}
    for fmt in ("parquet", "csv", "xlsx"):
        root = tmp_path_factory.mktemp(fmt)
        generate(root / "data", lines=3_000, fmt=fmt)  # type: ignore[arg-type]
        w = Warehouse(root / "home")
        w.import_folder(root / "data")
        out[fmt] = w
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_imports_as_from_parquet(homes: dict[str, Warehouse], fmt: str) -> None:
    for name in TABLES:
        assert rows(homes[fmt], name) == rows(homes["parquet"], name), name


def test_the_v11_tables_arrive_whole(homes: dict[str, Warehouse]) -> None:
    w = homes["csv"]
    for name in ("substitutes", "trace_scans", "prescriptions"):
        assert rows(w, name), name
    codes = [r[1] for r in rows(w, "trace_scans")]
    assert all(len(c) == 20 and c.isdigit() for c in codes)
    assert any(c.startswith("0") for c in codes)  # leading zeros kept, as text
