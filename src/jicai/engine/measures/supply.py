"""Purchase and supply figures of the lines of a period: amount, online rate (O1), 48 h
response, delivery rate (R4) and timely delivery, per institution, distributor and
manufacturer; distinct drug products (F3's denominator) and substitutes bought.

The lines of the as-of year are read into small aggregates: per (institution,
distributor, category, month), per (manufacturer, category, month), and the distinct
(institution, product, month) of drugs and of substitute products. A "tail" line
was ordered within 48 h (or ``delivery_hours``) of its month's end: it is too young
to be judged in its own month, but is judged in a longer period that goes on past
that month's end (a quarter, the year); its sums are kept apart for that. Responses
and deliveries are those known at ``as_of``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, happened, hours_between
from jicai.engine.measures.keep import keep
from jicai.engine.measures.periods import month_end, month_no, period_table

RESPONSE_HOURS = 48.0


def delivery_hours(ctx: Context) -> float:
    for rid, key in (("delivery.overdue", "hours"), ("supplier.delivery_rate_low",
                                                      "delivery_hours")):
        r = ctx.profile.rules.get(rid)
        if r is not None and key in r.settings:
            return float(r.settings[key])
    return 72.0


def year_lines(ctx: Context) -> ir.Table:
    """Live order lines of the as-of year with the facts the supply figures need."""
    o = ctx.t("orders")
    o = o.filter((o.status != "cancelled") & (o.ordered_at < ctx.as_of_end)
                 & (o.ordered_at >= ctx.year_start.cast("timestamp")))
    p = ctx.t("products").select(p_code="product_code", category="category",
                                 manufacturer_code="company_code")
    o = o.join(p, o.product_code == p.p_code)
    return o.select("institution_code", "product_code", "distributor_code", "ordered_at",
                    "qty_packs", "amount", "on_platform", "delivered_packs", "category",
                    "manufacturer_code",
                    order_date=o.ordered_at.date(),
                    responded_at=happened(ctx, o.responded_at),
                    delivered_at=happened(ctx, o.delivered_at))


def _flagged(ctx: Context) -> ir.Table:
    """The year's lines with their month, tail flags and per-line outcomes."""
    h = delivery_hours(ctx)
    o = year_lines(ctx)
    end = month_end(ctx, o.order_date)
    resp_ok = o.responded_at.notnull() & (
        hours_between(o.ordered_at, o.responded_at) <= RESPONSE_HOURS)
    deliv_ok = o.delivered_at.notnull() & (
        hours_between(o.ordered_at, o.delivered_at) <= h)
    delivered = ibis.ifelse(o.delivered_at.notnull(),
                            ibis.least(o.delivered_packs.fill_null(o.qty_packs),
                                       o.qty_packs), 0)
    return o.mutate(
        month=month_no(ctx, o.order_date),
        tail_r=o.on_platform & (
            o.ordered_at + ibis.interval(seconds=int(RESPONSE_HOURS * 3600)) > end),
        tail_d=o.on_platform & (o.ordered_at + ibis.interval(seconds=int(h * 3600)) > end),
        resp_ok=resp_ok.cast("int64"), deliv_ok=deliv_ok.cast("int64"),
        delivered=delivered.cast("int64"), yuan=o.amount.cast("float64"))


def _aggregate(ctx: Context, keys: tuple[str, ...]) -> ir.Table:
    """Sums per ``keys`` + month: every line, the on-platform lines, and (apart) the
    on-platform "tail" lines, too young to be judged in their own month."""
    o = _flagged(ctx)
    on = o.on_platform
    return o.group_by([*keys, "month"]).aggregate(
        lines=o.count(), amount=o.yuan.sum(), online_amount=o.yuan.sum(where=on),
        on_lines=o.count(where=on), on_packs=o.qty_packs.sum(where=on).cast("int64"),
        resp_ok=o.resp_ok.sum(where=on), deliv_ok=o.deliv_ok.sum(where=on),
        delivered=o.delivered.sum(where=on),
        r_tail_lines=o.count(where=o.tail_r), r_tail_ok=o.resp_ok.sum(where=o.tail_r),
        d_tail_lines=o.count(where=o.tail_d),
        d_tail_packs=o.qty_packs.sum(where=o.tail_d).cast("int64"),
        d_tail_ok=o.deliv_ok.sum(where=o.tail_d),
        d_tail_delivered=o.delivered.sum(where=o.tail_d))


def line_aggregate(ctx: Context) -> ir.Table:
    """Per (institution, distributor, category, month): a few hundred thousand rows at
    10 M lines, read by the institution, region and distributor figures."""
    return keep(ctx, "measures_lines", lambda: _aggregate(
        ctx, ("institution_code", "distributor_code", "category")))


def manufacturer_aggregate(ctx: Context) -> ir.Table:
    return keep(ctx, "measures_manufacturers", lambda: _aggregate(
        ctx, ("manufacturer_code", "category")))


def _period_sums(a: ir.Table, ctx: Context, by: str) -> ir.Table:
    """Per (period, ``by``) the summable supply columns: a line ordered within 48 h (or
    delivery_hours) of its month's end is judged only in periods that go on past it."""
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = a.join(p, (a.month >= p.first_month) & (a.month <= p.last_month))
    last = j.month == j.last_month
    zero = ibis.literal(0, "int64")
    drug, hv = j.category == "drug", j.category == "hv_consumable"
    zf = ibis.literal(0.0)

    def judged(total: ir.IntegerColumn, tail: ir.IntegerColumn) -> ir.IntegerScalar:
        return (total.fill_null(zero).sum()
                - ibis.ifelse(last, tail.fill_null(zero), zero).sum()).cast("int64")

    return j.group_by(["period", by]).aggregate(
        lines=j.lines.sum(),
        amount=j.amount.sum(),
        online_rate_drug_num=j.online_amount.sum(where=drug),
        online_rate_drug_den=j.amount.sum(where=drug),
        online_rate_hv_num=j.online_amount.sum(where=hv),
        online_rate_hv_den=j.amount.sum(where=hv),
        response_48h_rate_num=judged(j.resp_ok, j.r_tail_ok),
        response_48h_rate_den=judged(j.on_lines, j.r_tail_lines),
        delivery_rate_num=judged(j.delivered, j.d_tail_delivered),
        delivery_rate_den=judged(j.on_packs, j.d_tail_packs),
        timely_delivery_rate_num=judged(j.deliv_ok, j.d_tail_ok),
        timely_delivery_rate_den=judged(j.on_lines, j.d_tail_lines),
        drug_amount=j.amount.sum(where=drug).fill_null(zf),
        consumable_amount=j.amount.sum(where=~drug).fill_null(zf))


SUMS = ("lines", "amount", "online_rate_drug_num", "online_rate_drug_den",
        "online_rate_hv_num", "online_rate_hv_den", "response_48h_rate_num",
        "response_48h_rate_den", "delivery_rate_num", "delivery_rate_den",
        "timely_delivery_rate_num", "timely_delivery_rate_den", "drug_amount",
        "consumable_amount")
COMPANY_SUMS = ("lines", "amount", "response_48h_rate_num", "response_48h_rate_den",
                "delivery_rate_num", "delivery_rate_den", "timely_delivery_rate_num",
                "timely_delivery_rate_den")


def institution_sums(ctx: Context) -> ir.Table:
    return _period_sums(line_aggregate(ctx), ctx, "institution_code")


def company_sums(ctx: Context) -> ir.Table:
    """(period, code, role, the company columns) for distributors and manufacturers."""
    d = _period_sums(line_aggregate(ctx), ctx, "distributor_code")
    d = d.filter(d.distributor_code.notnull())
    d = d.select("period", *COMPANY_SUMS, code=d.distributor_code,
                 role=ibis.literal("distributor"))
    m = _period_sums(manufacturer_aggregate(ctx), ctx, "manufacturer_code")
    m = m.select("period", *COMPANY_SUMS, code=m.manufacturer_code,
                 role=ibis.literal("manufacturer"))
    return d.union(m)


def _product_months(ctx: Context, o: ir.Table) -> ir.Table:
    return o.select("institution_code", "product_code",
                    month=month_no(ctx, o.order_date)).distinct()


def drug_products(ctx: Context) -> ir.Table:
    """(period, institution_code, distinct drug products ordered in the period).

    Each (institution, product) pair is read once with a flag per month it was ordered
    in; it counts in a period when it was ordered in one of the period's months. No
    distinct count over the (institution, product, month) rows of every period (3 s at
    10 M lines). Flags, not bit sets: Spark's Ibis compiler has no bitwise aggregate."""
    o = year_lines(ctx)
    o = o.filter(o.category == "drug")
    month = month_no(ctx, o.order_date)
    months = range(1, ctx.as_of.month + 1)
    a = o.group_by(["institution_code", "product_code"]).aggregate(
        **{f"m{m}": (month == m).any() for m in months})
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = a.cross_join(p)
    hit = ibis.literal(False)
    for m in months:
        hit = hit | (j[f"m{m}"] & (j.first_month <= m) & (j.last_month >= m))
    j = j.filter(hit)
    return j.group_by(["period", "institution_code"]).aggregate(drug_items=j.count())


def substitute_lines(ctx: Context) -> ir.Table | None:
    """(period, institution_code, variety_code it substitutes for, product_code) of the
    substitute products bought in each period; None without the v1.1 table."""
    if not ctx.has("substitutes"):
        return None

    def build() -> ir.Table:
        s = ctx.t("substitutes").select(s_variety="variety_code", s_product="product_code")
        o = year_lines(ctx)
        o = o.semi_join(s, o.product_code == s.s_product)
        a = _product_months(ctx, o)
        j = a.join(s, a.product_code == s.s_product).drop("s_product")
        p = period_table(ctx).select("period", "first_month", "last_month")
        j = j.join(p, (j.month >= p.first_month) & (j.month <= p.last_month))
        return j.select("period", "institution_code", "product_code",
                        variety_code=j.s_variety).distinct()
    return keep(ctx, "measures_substitutes", build)
