"""The five core figures of a province, as engine-portable Ibis expressions.

These are the figures a bureau looks at first, and the yardstick of the
performance suite (``benchmarks/run``): the same five are written by hand in
plain DuckDB SQL there, and jicai's cost for them must stay within 1.5× of it.

1. ``progress``        — progress vs agreed volume per (batch, cycle, institution,
   variety): agreed units, credited units, completion, schedule (序时进度);
2. ``nonwinning_share`` — non-winning share of the variety, excluded purchases
   taken out (HENAN 二(四), JILIN 第二十三条);
3. ``online_rate``     — on-platform share of the as-of year's amount per
   institution and category (网采率, GANZHOU 附件1);
4. ``response_48h``    — share of on-platform lines answered within 48 h, per
   distributor, over the lines whose 48 h have run out by ``as_of``;
5. ``monthly_trend``   — lines, units and amount per month and variety.

Every definition is the one the rules use: figures 1 and 2 are columns of
:func:`jicai.engine.progress.progress_table`; 3–5 start from
:func:`jicai.engine.context.order_lines` (live lines, the world as known at
``as_of``). Nothing here needs the working-day calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, hours_between, order_lines
from jicai.engine.progress import KEY, progress_table

RESPONSE_HOURS = 48


def progress(ctx: Context) -> ir.Table:
    t = progress_table(ctx)
    return t.select(*KEY, "agreed_units", "credited_units", "completion", "schedule")


def nonwinning_share(ctx: Context) -> ir.Table:
    t = progress_table(ctx)
    return t.select(*KEY, "nonwinning_units", "excluded_nonwinning", "nonwinning_share")


def online_rate(ctx: Context) -> ir.Table:
    o = order_lines(ctx)
    o = o.filter(o.order_date >= ctx.year_start)
    g = o.group_by(["institution_code", "category"]).aggregate(
        online_amount=o.amount.sum(where=o.on_platform).cast("float64"),
        total_amount=o.amount.sum().cast("float64"))
    g = g.mutate(online_amount=g.online_amount.fill_null(0.0))
    return g.mutate(online_rate=ibis.ifelse(g.total_amount > 0,
                                            g.online_amount / g.total_amount,
                                            ibis.null("float64")))


def response_48h(ctx: Context) -> ir.Table:
    end = datetime.combine(ctx.as_of + timedelta(days=1), datetime.min.time())
    due_by = ibis.literal(end - timedelta(hours=RESPONSE_HOURS), type="timestamp")
    o = order_lines(ctx)
    o = o.filter(o.on_platform & (o.ordered_at <= due_by))
    answered = o.responded_at.notnull() & (
        hours_between(o.ordered_at, o.responded_at) <= float(RESPONSE_HOURS))
    g = o.group_by("distributor_code").aggregate(
        lines_due=o.count(),
        answered_48h=o.count(where=answered))
    return g.mutate(response_48h_share=ibis.ifelse(
        g.lines_due > 0, g.answered_48h.cast("float64") / g.lines_due.cast("float64"),
        ibis.null("float64")))


def monthly_trend(ctx: Context) -> ir.Table:
    o = order_lines(ctx)
    o = o.mutate(month=o.order_date.truncate("M"))
    return o.group_by(["month", "variety_code"]).aggregate(
        lines=o.count(),
        units=o.units.sum(),
        amount=o.amount.sum().cast("float64"))


FIGURES: dict[str, Callable[[Context], ir.Table]] = {
    "progress": progress,
    "nonwinning_share": nonwinning_share,
    "online_rate": online_rate,
    "response_48h": response_48h,
    "monthly_trend": monthly_trend,
}

# The result keys of each figure (for sorting and comparing results across engines).
FIGURE_KEYS: dict[str, tuple[str, ...]] = {
    "progress": KEY,
    "nonwinning_share": KEY,
    "online_rate": ("institution_code", "category"),
    "response_48h": ("distributor_code",),
    "monthly_trend": ("month", "variety_code"),
}


def core_figures(ctx: Context) -> dict[str, ir.Table]:
    """The five figures as unexecuted expressions (run each with ``ctx.con.to_pyarrow``)."""
    return {name: build(ctx) for name, build in FIGURES.items()}
