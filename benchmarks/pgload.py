"""Load a warehouse snapshot into PostgreSQL with COPY (row inserts take minutes per million).

Each contract table becomes ``<schema>.<table>`` with the contract's column types;
Parquet is streamed in record batches, written as CSV by Arrow and fed to
``COPY … FROM STDIN``. A marker table records the snapshot loaded, so a reuse
skips the load when the warehouse has not changed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds

from jicai.contract.schemas import TABLES
from jicai.engine import facts
from jicai.warehouse.store import Warehouse

BATCH_ROWS = 500_000


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return f"numeric({t.precision}, {t.scale})"
    return {pa.string(): "text", pa.int64(): "bigint", pa.float64(): "double precision",
            pa.date32(): "date", pa.timestamp("us"): "timestamp", pa.bool_(): "boolean"}[t]


def loaded_snapshot(dsn: dict[str, Any], schema: str) -> str | None:
    import psycopg

    with psycopg.connect(**_conninfo(dsn)) as conn:
        row = conn.execute("SELECT to_regclass(%s)", (f"{schema}._loaded",)).fetchone()
        if not row or row[0] is None:
            return None
        got = conn.execute(f'SELECT snapshot FROM "{schema}"._loaded').fetchone()
        return got[0] if got else None


def _conninfo(dsn: dict[str, Any]) -> dict[str, Any]:
    return {"host": dsn["host"], "port": dsn["port"], "user": dsn["user"],
            "dbname": dsn["database"]}


def load(home: Path, schema: str, dsn: dict[str, Any]) -> dict[str, Any]:
    import time

    import psycopg

    wh = Warehouse(home)
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with psycopg.connect(**_conninfo(dsn), autocommit=False) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
        # the contract tables and the warehouse's derived facts (decision 0012)
        sources = [(name, pa.schema([(c.name, c.arrow_type) for c in TABLES[name].columns]),
                    wh.files(name)) for name in wh.tables()]
        sources += [(name, schema_, wh.derived_files(name))
                    for name, schema_ in facts.DERIVED.items() if wh.derived_files(name)]
        for name, target, files in sources:
            t0 = time.perf_counter()
            ddl = ", ".join(f'"{f.name}" {_pg_type(f.type)}' for f in target)
            conn.execute(f'CREATE UNLOGGED TABLE "{schema}"."{name}" ({ddl})')
            names = ", ".join(f'"{f.name}"' for f in target)
            n = 0
            dataset = ds.dataset([str(f) for f in files], format="parquet")
            opts = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            with conn.cursor() as cur, cur.copy(
                    f'COPY "{schema}"."{name}" ({names}) FROM STDIN (FORMAT csv)') as cp:
                for batch in dataset.to_batches(columns=target.names,
                                                batch_size=BATCH_ROWS):
                    batch = pa.Table.from_batches([batch]).cast(target)
                    buf = io.BytesIO()
                    pacsv.write_csv(batch, buf, opts)
                    cp.write(buf.getbuffer())
                    n += batch.num_rows
            rows[name] = n
            seconds[name] = time.perf_counter() - t0
        conn.execute(f'CREATE TABLE "{schema}"._loaded (snapshot text)')
        conn.execute(f'INSERT INTO "{schema}"._loaded VALUES (%s)', (wh.current_id,))
        conn.commit()
    t0 = time.perf_counter()
    with psycopg.connect(**_conninfo(dsn), autocommit=True) as conn:
        conn.execute(f'ANALYZE "{schema}".orders')
        for name, _target, _files in sources:
            if name != "orders":
                conn.execute(f'ANALYZE "{schema}"."{name}"')
    return {"rows": rows, "copy_seconds": seconds, "analyze_seconds": time.perf_counter() - t0,
            "snapshot": wh.current_id}
