"""Payment timeliness (GUANGDONG 四(八), JILIN 第八条) per institution, distributor, period.

A received line is due on the last day of the month after its receipt (M1). It
belongs to the period its due day falls in (due days up to ``as_of``). It is on
time when the payments dated on or before the due day cover its amount; the
overdue amount is what they leave unpaid; days to payment run from the receipt
to the last payment made by ``as_of`` of a line paid in full by then.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, settled_lines
from jicai.engine.measures.keep import keep
from jicai.engine.measures.periods import month_no, period_table

SUMS = ("payment_on_time_rate_num", "payment_on_time_rate_den", "overdue_amount",
        "payment_days_num", "payment_days_den")


def due_lines(ctx: Context) -> ir.Table:
    """(institution, distributor, due month) sums of the received lines due in the year."""
    def build() -> ir.Table:
        t = settled_lines(ctx)
        t = t.filter(t.due >= ctx.year_start)
        on_time = t.by_due >= t.amount
        full = t.by_now >= t.amount
        t = t.mutate(
            month=month_no(ctx, t.due),
            on_time=on_time.cast("int64"),
            unpaid=ibis.ifelse(on_time, 0.0, (t.amount - t.by_due).cast("float64")),
            days=ibis.ifelse(full, t.last_paid.fill_null(t.recv_day).delta(
                t.recv_day, unit="day"), 0).cast("int64"),
            full=full.cast("int64"))
        return t.group_by(["institution_code", "distributor_code", "month"]).aggregate(
            due_lines=t.count(), on_time=t.on_time.sum(), unpaid=t.unpaid.sum(),
            days=t.days.sum(), full=t.full.sum())
    return keep(ctx, "measures_payments", build)


def _period_sums(ctx: Context, by: str) -> ir.Table:
    a = due_lines(ctx)
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = a.join(p, (a.month >= p.first_month) & (a.month <= p.last_month))
    return j.group_by(["period", by]).aggregate(
        payment_on_time_rate_num=j.on_time.sum(),
        payment_on_time_rate_den=j.due_lines.sum(),
        overdue_amount=j.unpaid.sum(),
        payment_days_num=j.days.sum(),
        payment_days_den=j.full.sum())


def institution_sums(ctx: Context) -> ir.Table:
    return _period_sums(ctx, "institution_code")


def distributor_sums(ctx: Context) -> ir.Table:
    d = _period_sums(ctx, "distributor_code")
    d = d.filter(d.distributor_code.notnull())
    return d.rename(code="distributor_code").mutate(role=ibis.literal("distributor"))
