"""Purchase and supply figures of the lines of a period: amount, online rate (O1), 48 h
response, delivery rate (R4) and timely delivery, per institution, distributor and
manufacturer; distinct drug products (F3's denominator) and substitutes bought.

The lines of the as-of year are read once into an aggregate per (institution,
product, distributor, month, on_platform, and two "tail" flags). A tail line was
ordered within 48 h (or ``delivery_hours``) of its month's end: it is too young to
be judged in its own month, but is judged in a longer period that goes on past
that month's end (a quarter, the year). Responses and deliveries are those known
at ``as_of``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, happened, hours_between
from jicai.engine.measures.keep import keep
from jicai.engine.measures.periods import month_end, month_no, period_table

RESPONSE_HOURS = 48.0
GROUP = ("institution_code", "product_code", "distributor_code", "month", "on_platform",
         "tail_r", "tail_d", "category", "manufacturer_code")  # the last two: of the product


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


def line_aggregate(ctx: Context) -> ir.Table:
    def build() -> ir.Table:
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
        o = o.mutate(
            month=month_no(ctx, o.order_date),
            tail_r=o.ordered_at + ibis.interval(seconds=int(RESPONSE_HOURS * 3600)) > end,
            tail_d=o.ordered_at + ibis.interval(seconds=int(h * 3600)) > end,
            resp_ok=resp_ok.cast("int64"), deliv_ok=deliv_ok.cast("int64"),
            delivered=delivered.cast("int64"))
        return o.group_by(list(GROUP)).aggregate(
            lines=o.count(),
            amount=o.amount.sum().cast("float64"),
            packs=o.qty_packs.sum().cast("int64"),
            delivered=o.delivered.sum(),
            resp_ok=o.resp_ok.sum(),
            deliv_ok=o.deliv_ok.sum())
    return keep(ctx, "measures_lines", build)


def _period_sums(ctx: Context, by: str) -> ir.Table:
    """Per (period, ``by``) the summable supply columns, from the line aggregate."""
    a = line_aggregate(ctx)
    a = a.group_by([by, "month", "category", "on_platform", "tail_r", "tail_d"]).aggregate(
        lines=a.lines.sum(), amount=a.amount.sum(), packs=a.packs.sum(),
        delivered=a.delivered.sum(), resp_ok=a.resp_ok.sum(), deliv_ok=a.deliv_ok.sum())
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = a.join(p, (a.month >= p.first_month) & (a.month <= p.last_month))
    judged_r = j.on_platform & (~j.tail_r | (j.month < j.last_month))
    judged_d = j.on_platform & (~j.tail_d | (j.month < j.last_month))
    drug, hv = j.category == "drug", j.category == "hv_consumable"
    zero = ibis.literal(0.0)
    return j.group_by(["period", by]).aggregate(
        lines=j.lines.sum(),
        amount=j.amount.sum(),
        online_rate_drug_num=j.amount.sum(where=drug & j.on_platform),
        online_rate_drug_den=j.amount.sum(where=drug),
        online_rate_hv_num=j.amount.sum(where=hv & j.on_platform),
        online_rate_hv_den=j.amount.sum(where=hv),
        response_48h_rate_num=j.resp_ok.sum(where=judged_r),
        response_48h_rate_den=j.lines.sum(where=judged_r),
        delivery_rate_num=j.delivered.sum(where=judged_d),
        delivery_rate_den=j.packs.sum(where=judged_d),
        timely_delivery_rate_num=j.deliv_ok.sum(where=judged_d),
        timely_delivery_rate_den=j.lines.sum(where=judged_d),
        drug_amount=j.amount.sum(where=drug).fill_null(zero),
        consumable_amount=j.amount.sum(where=~drug).fill_null(zero))


SUMS = ("lines", "amount", "online_rate_drug_num", "online_rate_drug_den",
        "online_rate_hv_num", "online_rate_hv_den", "response_48h_rate_num",
        "response_48h_rate_den", "delivery_rate_num", "delivery_rate_den",
        "timely_delivery_rate_num", "timely_delivery_rate_den", "drug_amount",
        "consumable_amount")
COMPANY_SUMS = ("lines", "amount", "response_48h_rate_num", "response_48h_rate_den",
                "delivery_rate_num", "delivery_rate_den", "timely_delivery_rate_num",
                "timely_delivery_rate_den")


def institution_sums(ctx: Context) -> ir.Table:
    return _period_sums(ctx, "institution_code")


def company_sums(ctx: Context) -> ir.Table:
    """(period, code, role, the company columns) for distributors and manufacturers."""
    d = _period_sums(ctx, "distributor_code")
    d = d.filter(d.distributor_code.notnull())
    d = d.select("period", *COMPANY_SUMS, code=d.distributor_code,
                 role=ibis.literal("distributor"))
    m = _period_sums(ctx, "manufacturer_code")
    m = m.select("period", *COMPANY_SUMS, code=m.manufacturer_code,
                 role=ibis.literal("manufacturer"))
    return d.union(m)


def drug_products(ctx: Context) -> ir.Table:
    """(period, institution_code, distinct drug products ordered in the period)."""
    a = line_aggregate(ctx)
    a = a.filter(a.category == "drug").select("institution_code", "product_code", "month")
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = a.join(p, (a.month >= p.first_month) & (a.month <= p.last_month))
    return j.group_by(["period", "institution_code"]).aggregate(
        drug_items=j.product_code.nunique())


def substitute_lines(ctx: Context) -> ir.Table | None:
    """(period, institution_code, variety_code it substitutes for, product_code) of the
    substitute products bought in each period; None without the v1.1 table."""
    if not ctx.has("substitutes"):
        return None
    s = ctx.t("substitutes").select(s_variety="variety_code", s_product="product_code")
    a = line_aggregate(ctx).select("institution_code", "product_code", "month").distinct()
    j = a.join(s, a.product_code == s.s_product).drop("s_product")
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = j.join(p, (j.month >= p.first_month) & (j.month <= p.last_month))
    return j.select("period", "institution_code", "product_code",
                    variety_code=j.s_variety).distinct()
