"""Keep an intermediate figure table in the engine, computed once per run.

DuckDB keeps it as a temporary table (``Context.stage``); Spark caches the
DataFrame (Ibis' ``Table.cache``), so that the tables read several times (the
per-(key, month) grid, the line aggregate) are not recomputed by every query
that reads them.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from jicai.engine.context import Context


def keep(ctx: Context, key: str, build: Callable[[], ir.Table]) -> ir.Table:
    if getattr(ctx.con, "name", "") == "duckdb":
        return ctx.stage(key, build)

    def cached() -> ir.Table:
        expr = build()
        # Ibis registers the in-memory tables (periods, months) when it executes a query,
        # not when it caches one (Ibis 12, PySpark): register them first.
        hook = getattr(ctx.con, "_run_pre_execute_hooks", None)
        if hook is not None:
            hook(expr)
        return expr.cache()
    return ctx.memo(key, cached)
