"""The alert order is one order, whichever way the table is sorted."""

import numpy as np
import pyarrow as pa

from jicai.engine.run import _sorted


def _alerts(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)

    def text(k: int, nulls: float) -> pa.Array:
        values = [f"码{v:03d}" if v % 7 else f"A{v}" for v in rng.integers(0, k, n)]
        mask = rng.random(n) < nulls
        return pa.array([None if m else v for v, m in zip(values, mask, strict=True)])

    return pa.table({
        "rule_id": text(5, 0.0), "institution_code": text(40, 0.1),
        "variety_code": text(30, 0.2), "ref": text(60, 0.3),
        "value": pa.array(rng.integers(0, 3, n).astype("float64")),
        "message": text(3, 0.0),
    })


def test_duckdb_and_arrow_sort_alike() -> None:
    t = _alerts(250_000, 7)  # over the size at which DuckDB sorts
    keys = ["rule_id", "institution_code", "variety_code", "ref"]
    by_duckdb = _sorted(t, keys)
    order = [*keys, "value", "message"]
    by_arrow = t.sort_by([(k, "ascending", "at_start") for k in order])
    assert by_duckdb.equals(by_arrow)
    # Rows equal in the keys are ordered by the other columns: the result is unique.
    assert _sorted(t.take(pa.array(np.random.default_rng(1).permutation(t.num_rows))),
                   keys).equals(by_duckdb)
    first = by_duckdb.slice(0, 1).to_pylist()[0]
    assert first["rule_id"] is not None and first["institution_code"] is None  # nulls first
