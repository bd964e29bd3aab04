"""What every rule computation sees: the tables, the as-of date, the profile, the calendar.

Shared definitions of rules.md live here, once: units of an order line, the
line as the world knew it at ``as_of`` (later replies, deliveries and receipts
have not happened yet), cycle windows, award roles, and working-day arithmetic
as a join against the calendar table — so it runs inside any engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.policy.profiles import Profile


@dataclass
class Context:
    con: Any  # an Ibis backend
    tables: dict[str, ir.Table]
    as_of: date
    profile: Profile
    calendar: ir.Table
    _memo: dict[str, ir.Table] = field(default_factory=dict)

    def has(self, *names: str) -> bool:
        return all(n in self.tables for n in names)

    def t(self, name: str) -> ir.Table:
        return self.tables[name]

    @property
    def as_of_lit(self) -> ir.DateValue:
        return ibis.literal(self.as_of, type="date")

    @property
    def as_of_end(self) -> ir.TimestampValue:
        """The end of the as-of day: every instant before it has happened."""
        end = datetime.combine(self.as_of + timedelta(days=1), datetime.min.time())
        return ibis.literal(end, type="timestamp")

    @property
    def year_start(self) -> ir.DateValue:
        return ibis.literal(date(self.as_of.year, 1, 1), type="date")

    @property
    def backup_counts(self) -> bool:
        return bool(self.profile.calculation["backup_counts_as_winning"])

    def memo(self, key: str, build: Any) -> ir.Table:
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def stage(self, key: str, build: Any) -> ir.Table:
        """``build()`` computed on its own and kept in the engine as a temporary table.

        For an intermediate whose join needs most of the memory budget: run inside a
        bigger query it shares the budget with the rest and spills (payment.overdue at
        50 M lines: 32 s); run alone it fits. Only DuckDB keeps it; other engines plan
        the expression inline, with the same result.
        """
        if key not in self._memo:
            expr = build()
            if getattr(self.con, "name", "") == "duckdb":
                name = f"jicai_stage_{key}"
                self.con.create_table(name, expr, temp=True, overwrite=True)
                expr = self.con.table(name)
            self._memo[key] = expr
        return self._memo[key]


def happened(ctx: Context, ts: ir.TimestampValue) -> ir.TimestampValue:
    """``ts`` if it happened by the end of the as-of day, else NULL (not yet happened)."""
    return ibis.ifelse(ts < ctx.as_of_end, ts, ibis.null("timestamp"))


def hours_between(a: ir.TimestampValue, b: ir.TimestampValue) -> ir.FloatingValue:
    return (b.epoch_seconds() - a.epoch_seconds()).cast("float64") / 3600.0


def order_lines(ctx: Context) -> ir.Table:
    """Live order lines (not cancelled, ordered by the as-of day) with product facts."""

    def build() -> ir.Table:
        o = ctx.t("orders")
        p = ctx.t("products").select(
            "product_code", "variety_code", "category", "units_per_pack", "quality_equivalent",
            "is_negotiated", "is_hk_macau")
        o = o.filter((o.status != "cancelled") & (o.ordered_at < ctx.as_of_end))
        j = o.join(p, "product_code")
        return j.select(
            "order_line_id", "institution_code", "product_code", "distributor_code",
            "ordered_at", "qty_packs", "unit_price", "amount", "on_platform",
            "variety_code", "category", "units_per_pack", "quality_equivalent",
            "is_negotiated", "is_hk_macau",
            order_date=j.ordered_at.date(),
            units=j.qty_packs * j.units_per_pack,
            responded_at=happened(ctx, j.responded_at),
            delivered_at=happened(ctx, j.delivered_at),
            received_at=happened(ctx, j.received_at),
        )

    return ctx.memo("order_lines", build)


def settled_lines(ctx: Context) -> ir.Table:
    """Received lines due by ``as_of`` (not cancelled, ordered by then) with their payments
    as known at ``as_of``: ``by_due`` paid by the due day, ``by_now`` paid by ``as_of``,
    ``last_paid`` the last payment made by ``as_of`` (M1, payment timeliness).

    Read from the warehouse's ``settlements`` facts (``jicai.engine.facts``). A line
    paid again after ``as_of`` (a run on an earlier day than the data) has its payments
    up to ``as_of`` summed one by one — the only lines whose facts depend on the day.
    """
    def build() -> ir.Table:
        s = ctx.t("settlements")
        s = s.filter((s.due <= ctx.as_of_lit) & (s.ordered_at < ctx.as_of_end))
        later = s.last_paid_at > ctx.as_of_lit
        cols = ("order_line_id", "institution_code", "product_code", "distributor_code",
                "amount", "recv_day", "due")
        n_later = ctx.con.to_pyarrow(s.aggregate(n=later.cast("int64").sum())).to_pylist()
        if not n_later or not n_later[0]["n"]:
            return s.select(*cols, by_due=s.paid_by_due, by_now=s.paid_total,
                            last_paid=s.last_paid_at)
        lt = s.filter(later).select(f_line="order_line_id")
        p = ctx.t("payments")
        p = p.filter(p.paid_at <= ctx.as_of_lit)
        fj = lt.join(p, lt.f_line == p.order_line_id)
        fix = fj.group_by(f_key=fj.f_line).aggregate(f_now=fj.amount.sum(),
                                                     f_last=fj.paid_at.max())
        k = s.left_join(fix, s.order_line_id == fix.f_key).drop("f_key")
        zero = ibis.literal(0, type="decimal(18, 4)")
        k_later = k.last_paid_at > ctx.as_of_lit
        return k.select(*cols, by_due=k.paid_by_due,
                        by_now=ibis.ifelse(k_later, k.f_now.fill_null(zero), k.paid_total),
                        last_paid=ibis.ifelse(k_later, k.f_last, k.last_paid_at))
    return ctx.memo("settled_lines", build)


def cycles(ctx: Context) -> ir.Table:
    """Batch cycles that have started by ``as_of``, with the window end min(as_of, end)."""
    b = ctx.t("batches")
    b = b.filter(b.start_date <= ctx.as_of_lit)
    return b.select(
        "batch_code", "cycle_no", "start_date", "end_date",
        batch_category=b.category,
        window_end=ibis.least(b.end_date, ctx.as_of_lit),
    )


def award_roles(ctx: Context) -> ir.Table:
    """Each awarded product of a batch: its variety, role and award price per minimum unit."""
    a = ctx.t("awards")
    p = ctx.t("products").select("product_code", "variety_code", "units_per_pack")
    j = a.join(p, "product_code")
    return j.select(
        "batch_code", "product_code", "variety_code", "role",
        price_per_unit=j.award_price.cast("float64") / j.units_per_pack.cast("float64"),
    )


def months_after(d: ir.DateValue, n: int) -> ir.DateValue:
    """The same day ``n`` months later (clipped to the month's end), in portable expressions."""
    ym = d.year() * 12 + (d.month() - 1) + n
    first = ibis.date(ym // 12, ym % 12 + 1, 1)
    ym2 = ym + 1
    last = ibis.date(ym2 // 12, ym2 % 12 + 1, 1) - ibis.interval(days=1)
    day = first + (d.day() - 1).as_interval("D")
    return _as_date(ibis.least(day, last))


def end_of_next_month(d: ir.DateValue) -> ir.DateValue:
    """The last day of the month after ``d``'s month (JILIN 第八条: 次月底)."""
    ym = d.year() * 12 + (d.month() - 1) + 2
    return _as_date(ibis.date(ym // 12, ym % 12 + 1, 1) - ibis.interval(days=1))


def _as_date(d: ir.DateValue) -> ir.DateValue:
    """A real DATE: DuckDB types ``date - interval`` as TIMESTAMP while Ibis says DATE,
    so a plain cast to date is dropped as a no-op; going through timestamp is not."""
    return d.cast("timestamp").date()


def with_workday_index(ctx: Context, t: ir.Table, day_col: str, name: str) -> ir.Table:
    """Add ``name`` = the workday index of ``day_col`` counted forward.

    For a working day it is its own index; a non-working day counts as the next
    working day. So ``index(b) - index(a)`` (a taken as is) is the number of working
    days from a to b, and b is later than add_working_days(a, n) exactly when that
    number exceeds n.
    """
    cal = ctx.calendar.select(
        __day=ctx.calendar.day,
        **{name: ctx.calendar.workday_index
           + ibis.ifelse(ctx.calendar.is_workday, 0, 1)})
    j = t.left_join(cal, t[day_col] == cal.__day)
    return j.drop("__day")


def with_day_index(ctx: Context, t: ir.Table, day_col: str, name: str) -> ir.Table:
    """Add ``name`` = the workday index of ``day_col`` as is (working days up to it)."""
    cal = ctx.calendar.select(__day=ctx.calendar.day, **{name: ctx.calendar.workday_index})
    j = t.left_join(cal, t[day_col] == cal.__day)
    return j.drop("__day")


def nth_workday(ctx: Context, t: ir.Table, index_col: str, name: str) -> ir.Table:
    """Add ``name`` = the working day whose index is ``index_col``."""
    cal = ctx.calendar.filter(ctx.calendar.is_workday)
    cal = cal.select(__idx=cal.workday_index, **{name: cal.day})
    j = t.left_join(cal, t[index_col] == cal.__idx)
    return j.drop("__idx")


def alerts(t: ir.Table, *, severity: ir.Value | str, value: ir.Value, threshold: ir.Value | float,
           institution_code: ir.Value | None = None, batch_code: ir.Value | None = None,
           cycle_no: ir.Value | None = None, variety_code: ir.Value | None = None,
           product_code: ir.Value | None = None, ref: ir.Value | None = None,
           **extra: ir.Value) -> ir.Table:
    """Shape a rule's result into the alert columns (plus extras its message uses)."""

    def s(v: ir.Value | None) -> ir.Value:
        return ibis.null("string") if v is None else v.cast("string")

    return t.select(
        severity=ibis.literal(severity) if isinstance(severity, str) else severity,
        institution_code=s(institution_code),
        batch_code=s(batch_code),
        cycle_no=ibis.null("int64") if cycle_no is None else cycle_no.cast("int64"),
        variety_code=s(variety_code),
        product_code=s(product_code),
        ref=s(ref),
        value=value.cast("float64"),
        threshold=(ibis.literal(float(threshold)) if isinstance(threshold, int | float)
                   else threshold).cast("float64"),
        **extra,
    )


def days_ending(as_of: date, n: int) -> tuple[date, date]:
    """The window of ``n`` days ending at ``as_of``: ``as_of − n + 1 … as_of`` (n dates).

    >>> days_ending(date(2025, 6, 30), 90)
    (datetime.date(2025, 4, 2), datetime.date(2025, 6, 30))
    """
    return as_of - timedelta(days=n - 1), as_of


def year_earlier(d: date) -> date:
    """The same day one calendar year earlier; 29 February becomes 28 February.

    >>> year_earlier(date(2024, 2, 29)), year_earlier(date(2025, 3, 1))
    (datetime.date(2023, 2, 28), datetime.date(2024, 3, 1))
    """
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February of a leap year
        return date(d.year - 1, 2, 28)
