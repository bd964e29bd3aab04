"""The periods of a run: each month of the as-of year up to ``as_of``, each quarter, the year.

Months are numbered within the as-of year (January = 1); everything before the
year falls into month 0, so a per-(key, month) aggregate with a running sum
over the month number gives any "as of the end of the period" figure, and
``cum(last_month) − cum(first_month − 1)`` the flow of the period.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jicai.engine.context import Context


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | ytd
    label: str  # 2025-07 | 2025Q3 | 2025
    start: date
    end: date  # clipped to as_of
    first_month: int
    last_month: int


def periods(as_of: date) -> list[Period]:
    y = as_of.year
    out: list[Period] = []
    for m in range(1, as_of.month + 1):
        end = min(date(y, m, monthrange(y, m)[1]), as_of)
        out.append(Period("month", f"{y}-{m:02d}", date(y, m, 1), end, m, m))
    for q in range(1, (as_of.month - 1) // 3 + 2):
        first, last = 3 * q - 2, min(3 * q, as_of.month)
        end = min(date(y, 3 * q, monthrange(y, 3 * q)[1]), as_of)
        out.append(Period("quarter", f"{y}Q{q}", date(y, first, 1), end, first, last))
    out.append(Period("ytd", str(y), date(y, 1, 1), as_of, 1, as_of.month))
    return out


def period_arrow(as_of: date) -> pa.Table:
    ps = periods(as_of)
    return pa.table({
        "period_kind": pa.array([p.kind for p in ps], pa.string()),
        "period": pa.array([p.label for p in ps], pa.string()),
        "period_start": pa.array([p.start for p in ps], pa.date32()),
        "period_end": pa.array([p.end for p in ps], pa.date32()),
        "first_month": pa.array([p.first_month for p in ps], pa.int64()),
        "last_month": pa.array([p.last_month for p in ps], pa.int64()),
    })


def period_table(ctx: Context) -> ir.Table:
    return ctx.memo("measures_periods", lambda: ibis.memtable(period_arrow(ctx.as_of)))


def months_table(ctx: Context) -> ir.Table:
    """Month numbers 0 (before the year) … the as-of month."""
    return ctx.memo("measures_months", lambda: ibis.memtable(
        pa.table({"month": pa.array(range(ctx.as_of.month + 1), pa.int64())})))


def month_no(ctx: Context, d: ir.DateValue) -> ir.IntegerValue:
    """The month number of a date within the as-of year (0 for anything earlier)."""
    m = (d.year() - ctx.as_of.year) * 12 + d.month()
    return ibis.ifelse(m < 1, 0, m).cast("int64")


def month_end(ctx: Context, d: ir.DateValue) -> ir.TimestampValue:
    """The end of the period of ``d``'s month: the next month's first instant, or the end
    of the as-of day if that is earlier."""
    ym = d.year() * 12 + d.month()  # the next month, 0-based month arithmetic
    nxt = ibis.date(ym // 12, ym % 12 + 1, 1).cast("timestamp")
    return ibis.least(nxt, ctx.as_of_end)


def end_of_day(d: date) -> datetime:
    return datetime.combine(d + timedelta(days=1), datetime.min.time())
