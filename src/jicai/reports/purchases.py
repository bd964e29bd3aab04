"""The one engine query a 一院一档 needs beyond the figures files: purchases by product.

The figures files hold indicators per scope; the monthly file also lists, per
institution, what was bought of each variety by product — the amounts beside the
units of its progress rows, and the non-winning products with their price per
minimum unit against the lowest winning award price (GANZHOU 二(三): 采购非中选产品
情况, 高价非中选产品). That is one aggregation over the order lines, run **once per
document run** for every institution, on the same definitions the rules use
(:func:`~jicai.engine.context.order_lines`, :func:`~jicai.engine.context.award_roles`,
:func:`~jicai.engine.context.cycles`): live lines in each cycle window up to
``as_of``, roles by the batch's awards (a product the batch did not award is
non-winning).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jicai.engine.context import Context, award_roles, cycles, order_lines
from jicai.engine.progress import KEY, PROGRESS_NEEDS
from jicai.policy.profiles import Profile
from jicai.warehouse.store import Warehouse

COLUMNS = (*KEY, "product_code", "role", "units", "amount", "month_units", "month_amount",
           "lowest_winning_ppu")


def purchases_expr(ctx: Context, month_start: date, institution: str | None = None) -> ir.Table:
    """Per (batch, cycle, institution, variety, product, role): units and yuan in the cycle
    window up to ``as_of``, the same in the month from ``month_start``, and the lowest
    winning award price per minimum unit of the (batch, variety)."""
    av = ctx.t("agreed_volumes")
    if institution is not None:  # one institution's file (the web app's download)
        av = av.filter(av.institution_code == institution)
    keys = av.select(*KEY).distinct().join(cycles(ctx), ["batch_code", "cycle_no"])
    keys = keys.select(*KEY, "start_date", "window_end")
    lines = order_lines(ctx).select("institution_code", "product_code", "variety_code",
                                    "order_date", "units", "amount")
    w = lines.join(keys, ["institution_code", "variety_code"])
    w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.window_end))
    roles = award_roles(ctx).select("batch_code", "product_code", "role")
    w = w.left_join(roles, ["batch_code", "product_code"]).drop("batch_code_right",
                                                                "product_code_right")
    ar = award_roles(ctx)
    ar = ar.filter(ar.role == "winning")
    lowest = ar.group_by(["batch_code", "variety_code"]).aggregate(
        lowest_winning_ppu=ar.price_per_unit.min())
    w = w.mutate(role=w.role.fill_null("nonwinning"))
    in_month = w.order_date >= ibis.literal(month_start, type="date")
    g = w.group_by([*KEY, "product_code", "role"]).aggregate(
        units=w.units.sum(),
        amount=w.amount.sum().cast("float64"),
        month_units=w.units.sum(where=in_month),
        month_amount=w.amount.sum(where=in_month).cast("float64"))
    g = g.left_join(lowest, ["batch_code", "variety_code"]).drop("batch_code_right",
                                                                 "variety_code_right")
    return g.select(*COLUMNS)


def purchases(warehouse: Warehouse, as_of: date, profile: Profile, month_start: date,
              institution: str | None = None) -> pa.Table:
    """Run :func:`purchases_expr` on DuckDB over the warehouse (empty without orders)."""
    from jicai.engine.run import connect, open_tables

    with warehouse.pinned() as pinned:
        con = connect("duckdb")
        tables = open_tables(con, pinned)
        if not all(t in tables for t in PROGRESS_NEEDS):
            return pa.table({c: pa.array([], pa.string()) for c in COLUMNS})
        calendar = ibis.memtable(pa.table({"day": pa.array([], pa.date32()),
                                           "is_workday": pa.array([], pa.bool_()),
                                           "workday_index": pa.array([], pa.int64())}))
        ctx = Context(con, tables, as_of, profile, calendar)
        t = con.to_pyarrow(purchases_expr(ctx, month_start, institution))
    return t.sort_by([(c, "ascending") for c in (*KEY, "product_code", "role")])
