"""Quoting for the SQL that the readers, validation and warehouse write for DuckDB, and
the one way they read a single row back."""

from __future__ import annotations

from typing import Any

import duckdb


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal (views cannot hold a prepared statement's parameters)."""
    return "'" + value.replace("'", "''") + "'"


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...] | None:
    """The first row of ``sql``, its result read to the end.

    ``fetchone()`` leaves the result open, and DuckDB 2 then refuses other work on
    the connection ("connection has an unfinished result from execute()"), such as
    registering a workbook's Arrow table. Reading every row closes the result.
    """
    rows = con.execute(sql).fetchall()
    return tuple(rows[0]) if rows else None


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The integer that ``sql`` (one row, one column, e.g. ``SELECT count(*)``) gives."""
    row = one_row(con, sql)
    return int(row[0]) if row and row[0] is not None else 0
