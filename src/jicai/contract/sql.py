"""Quoting for the SQL that the readers, validation and warehouse write for DuckDB."""

from __future__ import annotations


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal (views cannot hold a prepared statement's parameters)."""
    return "'" + value.replace("'", "''") + "'"
