"""The output folder of the latest successful monitor run, read by scope.

A run (``jicai monitor --out``, a web run, ``jicai demo --serve``) leaves its
folder on disk — alerts, progress, assessment, ``monitor.xlsx`` and
``figures/`` — and the run keeps its path (``MonitorRun.output_dir``). The
execution pages read its Parquet files here with DuckDB, one query a table,
the user's scope as the ``WHERE`` clause (row groups outside it are skipped by
the files' statistics): nothing is copied into the app database and no figure
is computed again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jicai.web.alerts.models import MonitorRun, RunStatus

FIGURES = "figures/figures.parquet"
CYCLES = "figures/cycles.parquet"
RANKINGS = "figures/rankings.parquet"
PROGRESS = "progress.parquet"
ALERTS = "alerts.parquet"
ASSESSMENT = "assessment.parquet"
PREPAYMENT = "prepayment.parquet"


@dataclass(frozen=True)
class Where:
    """A SQL condition with its parameters (values are always parameters, never text)."""

    sql: str
    params: tuple[Any, ...] = ()

    def __and__(self, other: Where) -> Where:
        return Where(f"({self.sql}) AND ({other.sql})", self.params + other.params)

    def __or__(self, other: Where) -> Where:
        return Where(f"({self.sql}) OR ({other.sql})", self.params + other.params)


TRUE = Where("TRUE")
FALSE = Where("FALSE")


def eq(column: str, value: Any) -> Where:
    return Where(f'"{column}" = ?', (value,))


def among(column: str, values: Sequence[Any]) -> Where:
    if not values:
        return FALSE
    return Where(f'"{column}" IN ({", ".join("?" * len(values))})', tuple(values))


_DATABASE: list[duckdb.DuckDBPyConnection] = []
_LOCK = threading.Lock()


def _database() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for the process (opening one costs ~0.1 s); each request
    reads through its own cursor of it, so threads never share a result."""
    with _LOCK:
        if not _DATABASE:
            con = duckdb.connect()
            con.execute("SET threads = 2")
            # The pages read small slices; the web process must not claim the machine.
            con.execute("SET memory_limit = '1GB'")
            _DATABASE.append(con)
        return _DATABASE[0]


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process's DuckDB, for one request's reads."""
    return _database().cursor()


@lru_cache(maxsize=64)
def _schema(path: str, mtime_ns: int) -> tuple[str, ...]:
    """The column names of a Parquet file (read once per file version)."""
    import pyarrow.parquet as pq

    return tuple(pq.read_schema(path).names)


class RunFiles:
    """One run's output folder; the queries of one request share one DuckDB connection."""

    def __init__(self, run: MonitorRun, folder: Path) -> None:
        self.run = run
        self.folder = folder
        self._con: duckdb.DuckDBPyConnection | None = None

    def _db(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = _database().cursor()
        return self._con

    def path(self, name: str) -> Path:
        return self.folder / name

    def has(self, name: str) -> bool:
        return self.path(name).is_file()

    def columns(self, name: str) -> list[str]:
        path = self.path(name)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return []
        return list(_schema(str(path), mtime))

    def select(self, name: str, where: Where = TRUE, *,
               order: Sequence[str | tuple[str, bool]] = (), limit: int | None = None,
               offset: int = 0, columns: Sequence[str] | None = None) -> pa.Table:
        """Rows of ``name`` matching ``where``, ordered by ``order`` (column names of the
        file, checked; ``(name, True)`` for descending; NULL — no figure — always last)."""
        known = set(self.columns(name))
        if not known:
            return pa.table({})
        keys = [(o, False) if isinstance(o, str) else o for o in order]
        for col in (*(k for k, _d in keys), *(columns or ())):
            if col not in known:
                raise KeyError(col)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        sql = f"SELECT {cols} FROM read_parquet(?) WHERE {where.sql}"
        if keys:
            sql += " ORDER BY " + ", ".join(
                f'"{c}" {"DESC" if d else "ASC"} NULLS LAST' for c, d in keys)
        params: list[Any] = [str(self.path(name)), *where.params]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self._db().sql(sql, params=params).to_arrow_table()

    def page(self, name: str, where: Where, order: Sequence[str | tuple[str, bool]],
             limit: int, offset: int, columns: Sequence[str] = ()
             ) -> tuple[list[dict[str, Any]], int]:
        """One page of rows and the number of all matching rows, in one query; only
        ``columns`` (those of the file among them) are read, or every column."""
        known = set(self.columns(name))
        if not known:
            return [], 0
        keys = [(o, False) if isinstance(o, str) else o for o in order]
        for col, _d in keys:
            if col not in known:
                raise KeyError(col)
        wanted = [c for c in dict.fromkeys(columns) if c in known]
        cols = ", ".join(f'"{c}"' for c in wanted) if wanted else "*"
        sql = (f'SELECT {cols}, count(*) OVER () AS "__total" FROM read_parquet(?) '
               f"WHERE {where.sql}")
        if keys:
            sql += " ORDER BY " + ", ".join(
                f'"{c}" {"DESC" if d else "ASC"} NULLS LAST' for c, d in keys)
        sql += " LIMIT ? OFFSET ?"
        params = [str(self.path(name)), *where.params, limit, offset]
        rows = self._db().sql(sql, params=params).to_arrow_table().to_pylist()
        if not rows:
            return [], self.count(name, where) if offset else 0
        return rows, int(rows[0]["__total"])

    def count(self, name: str, where: Where = TRUE) -> int:
        if not self.columns(name):
            return 0
        row = self._db().execute(f"SELECT count(*) FROM read_parquet(?) WHERE {where.sql}",
                                 [str(self.path(name)), *where.params]).fetchall()
        return int(row[0][0]) if row else 0

    def periods(self) -> list[tuple[str, str]]:
        """The (period_kind, period) pairs of the run (the same for every scope)."""
        if not self.has(FIGURES):
            return []
        got = self._db().execute(
            "SELECT DISTINCT period_kind, period FROM read_parquet(?) WHERE scope = 'province'",
            [str(self.path(FIGURES))]).fetchall()
        return [(str(k), str(p)) for k, p in got]

    def rows(self, name: str, where: Where = TRUE, **kw: Any) -> list[dict[str, Any]]:
        return self.select(name, where, **kw).to_pylist()  # type: ignore[no-any-return]


def latest() -> RunFiles | None:
    """The latest successful run whose output folder is still on disk, or None."""
    runs = MonitorRun.objects.filter(status=RunStatus.SUCCEEDED).exclude(output_dir="")
    for run in runs.order_by("-started_at", "-id")[:10]:
        folder = Path(run.output_dir)
        if folder.is_dir():
            return RunFiles(run, folder)
    return None
