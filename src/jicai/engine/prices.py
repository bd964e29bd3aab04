"""Price rules C1, C2, C3.

GUANGDONG 二(二): a public institution pays no more than the listing price;
HENAN 二(六), JILIN 第十条: a non-winning product is not listed above its cap;
GUANGDONG 三(五): consecutive price rises or abnormal sales growth flag a price
risk, yellow or red.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, cycles, days_ending, order_lines, year_earlier
from jicai.engine.registry import rule


def _listings_known(ctx: Context) -> ir.Table:
    lp = ctx.t("listing_prices")
    return lp.filter(lp.effective_date <= ctx.as_of_lit)


@rule(id="price.above_listing", code="C1",
      title_zh="采购价高于挂网价", title_en="bought above the listing price",
      clause="GUANGDONG 二(二)", needs=("orders", "products", "listing_prices"),
      settings={"tolerance": float},
      message='{institution_name}订单明细 {ref}（{product_name}）采购单价 {value:.4f} 元，高于当日挂网价 {threshold:.4f} 元。')
def above_listing(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    tol = float(s["tolerance"])
    lp = _listings_known(ctx)
    w = ibis.window(group_by=lp.product_code, order_by=lp.effective_date)
    lp = lp.mutate(valid_to=lp.effective_date.lead().over(w))
    lp = lp.select(lp_product=lp.product_code, lp_from=lp.effective_date,
                   lp_to=lp.valid_to, listing=lp.price)
    o = order_lines(ctx)
    o = o.filter(o.on_platform)
    j = o.join(lp, [o.product_code == lp.lp_product, o.order_date >= lp.lp_from,
                    lp.lp_to.isnull() | (o.order_date < lp.lp_to)])
    j = j.filter(j.unit_price.cast("float64") > j.listing.cast("float64") + tol)
    return alerts(j, severity="warning", value=j.unit_price, threshold=j.listing,
                  institution_code=j.institution_code, variety_code=j.variety_code,
                  product_code=j.product_code, ref=j.order_line_id)


@rule(id="price.nonwinning_above_cap", code="C2",
      title_zh="非中选产品挂网价高于最高挂网价", title_en="non-winning product listed above its cap",
      clause="HENAN 二(六); JILIN 第十条", needs=("listing_prices",),
      message='{product_name}（{product_code}）自 {ref} 起挂网价 {value:.4f} 元，高于最高挂网价 {threshold:.4f} 元，请提醒企业调整挂网价格。')
def above_cap(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """The listing in force at ``as_of`` (the latest effective row), unless delisted."""
    lp = _listings_known(ctx)
    w = ibis.window(group_by=lp.product_code, order_by=ibis.desc(lp.effective_date))
    lp = lp.mutate(rn=ibis.row_number().over(w))
    lp = lp.filter((lp.rn == 0) & (lp.status != "delisted") & lp.price_cap.notnull()
                   & (lp.price > lp.price_cap))
    return alerts(lp, severity="warning", value=lp.price, threshold=lp.price_cap,
                  product_code=lp.product_code, ref=lp.effective_date.cast("string"))


# --- C3 price risk (GUANGDONG 三(五): 销售额异常增长或连续涨价 → 红黄标) ------------------------


@rule(id="price.risk", code="C3",
      title_zh="价格风险（红黄标）", title_en="price risk (red/yellow flags)",
      clause="GUANGDONG 三(五)", needs=("listing_prices", "orders", "products"),
      settings={"yellow_rises": int, "red_rises": int, "yellow_growth": float,
                "red_growth": float, "window_days": int, "min_amount": float},
      message={'warning': '{product_name}（{product_code}）{risk_text}，列为价格风险品种（黄标），请通过提醒、函询等方式督促企业规范价格行为。', 'critical': '{product_name}（{product_code}）{risk_text}，列为价格风险品种（红标），请约谈企业，视情采取暂停挂网、撤网等处置措施。'})
def price_risk(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Two measures per product, one alert each: ``rises`` and ``sales_growth``."""
    return _risk_rises(ctx, s).union(_risk_growth(ctx, s))


def _risk_rises(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Consecutive strict price rises ending at the latest listing row, among the rows
    effective in (as_of − 365 days, as_of]; the first is compared with the row before
    it, of any date."""
    yellow, red = int(s["yellow_rises"]), int(s["red_rises"])
    lp = _listings_known(ctx)
    since = ibis.literal(ctx.as_of - timedelta(days=365), type="date")
    w = ibis.window(group_by=lp.product_code, order_by=lp.effective_date)
    lp = lp.mutate(before=lp.price.lag().over(w),
                   back=ibis.row_number().over(
                       ibis.window(group_by=lp.product_code,
                                   order_by=ibis.desc(lp.effective_date))))
    rise = ((lp.effective_date > since) & lp.before.notnull()
            & (lp.price.cast("float64") > lp.before.cast("float64") + _RISK_TOL))
    lp = lp.mutate(rise=rise)
    # Counting back from the latest row (back = 0), the first row that is not a rise
    # ends the run; the first row of a product never is one (nothing before it).
    g = lp.group_by("product_code").aggregate(rises=lp.back.min(where=~lp.rise))
    g = g.filter(g.rises >= yellow)
    g = _with_variety(ctx, g)
    red_hit = g.rises >= red
    text = ("近一年挂网价连续上涨 " + g.rises.cast("int64").cast("string") + " 次")
    return alerts(g, severity=ibis.ifelse(red_hit, "critical", "warning"), value=g.rises,
                  threshold=ibis.ifelse(red_hit, red, yellow).cast("float64"),
                  variety_code=g.variety_code, product_code=g.product_code,
                  ref=ibis.literal("rises"), risk_text=text)


def _risk_growth(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """On-platform amount in the ``window_days`` ending at as_of vs the same days one
    calendar year earlier (29 Feb → 28 Feb), the earlier amount at least ``min_amount``."""
    yellow, red = float(s["yellow_growth"]), float(s["red_growth"])
    n, min_amount = int(s["window_days"]), float(s["min_amount"])
    lo, hi = days_ending(ctx.as_of, n)
    plo, phi = year_earlier(lo), year_earlier(hi)
    o = order_lines(ctx)
    o = o.filter(o.on_platform)

    def within(a: date, b: date) -> ir.BooleanValue:
        return ((o.order_date >= ibis.literal(a, type="date"))
                & (o.order_date <= ibis.literal(b, type="date")))

    o = o.filter(within(plo, phi) | within(lo, hi))  # only the two windows' lines
    g = o.group_by("product_code").aggregate(
        cur=o.amount.sum(where=within(lo, hi)).cast("float64"),
        prev=o.amount.sum(where=within(plo, phi)).cast("float64"))
    g = g.mutate(cur=g.cur.fill_null(0.0), prev=g.prev.fill_null(0.0))
    g = g.filter((g.prev >= min_amount - _RISK_TOL) & (g.prev > 0))
    g = g.mutate(growth=g.cur / g.prev - 1.0)
    g = g.filter(g.growth > yellow + _RISK_TOL)
    g = _with_variety(ctx, g)
    red_hit = g.growth > red + _RISK_TOL
    # The percentage as text from integers, so every engine writes the same digits.
    tenths = (g.growth * 1000.0).round().cast("int64")
    pct = ((tenths // 10).cast("int64").cast("string") + "."
           + (tenths % 10).cast("int64").cast("string"))
    text = (f"近 {n} 天平台采购金额较上年同期增长 " + pct + "%")
    return alerts(g, severity=ibis.ifelse(red_hit, "critical", "warning"), value=g.growth,
                  threshold=ibis.ifelse(red_hit, red, yellow).cast("float64"),
                  variety_code=g.variety_code, product_code=g.product_code,
                  ref=ibis.literal("sales_growth"), risk_text=text)


_RISK_TOL = 1e-9  # rules.md: thresholds compared with a tolerance of 1e-9


def _with_variety(ctx: Context, t: ir.Table) -> ir.Table:
    p = ctx.t("products").select("product_code", "variety_code")
    return t.left_join(p, "product_code").drop("product_code_right")


# --- C4, C5: what was paid against the award and the listing (rules-A) ----------------------


@rule(id="price.above_award", code="C4",
      title_zh="中选产品采购价高于中选价格", title_en="a winning or backup product bought above its award price",
      clause="GANZHOU 二(五)", needs=("orders", "products", "awards", "batches"),
      settings={"tolerance": float},
      message='{institution_name}订单明细 {ref}（{product_name}）采购单价 {value:.4f} 元，高于{batch_name}中选价格 {threshold:.4f} 元；超出协议采购量的部分仍应按中选价格供应，请督促企业按中选价格供应。')
def above_award(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """On-platform lines of a product awarded (winning or backup) in batch B, ordered inside
    a window of B (start … min(as_of, end)), paid above the award price + tolerance."""
    tol = float(s["tolerance"])
    c = cycles(ctx).select("batch_code", "cycle_no", "start_date", "window_end")
    a = ctx.t("awards").select("batch_code", "product_code", "award_price")
    ab = a.join(c, "batch_code").view()
    o = order_lines(ctx)
    o = o.filter(o.on_platform)
    j = o.join(ab, [o.product_code == ab.product_code, o.order_date >= ab.start_date,
                    o.order_date <= ab.window_end])
    j = j.filter(j.unit_price.cast("float64") > j.award_price.cast("float64") + tol)
    return alerts(j, severity="warning", value=j.unit_price, threshold=j.award_price,
                  institution_code=j.institution_code, batch_code=j.batch_code,
                  cycle_no=j.cycle_no, variety_code=j.variety_code,
                  product_code=j.product_code, ref=j.order_line_id)


@rule(id="price.offline_above_listing", code="C5",
      title_zh="线下采购价高于挂网价", title_en="bought off the platform above the listing price",
      clause="GUANGDONG 三(四)", needs=("orders", "products", "listing_prices"),
      settings={"tolerance": float},
      message='{institution_name}线下采购订单明细 {ref}（{product_name}）单价 {value:.4f} 元，高于当日挂网价 {threshold:.4f} 元，属线下异常高价采购，请核查并督促其通过平台采购。')
def offline_above_listing(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Off-platform lines against the listing in effect on the order date (as C1: the
    latest effective_date ≤ the order date, known by as_of), when that listing is
    ``listed``: a suspended or delisted product has no listing price to hold it to."""
    tol = float(s["tolerance"])
    lp = _listings_known(ctx)
    w = ibis.window(group_by=lp.product_code, order_by=lp.effective_date)
    lp = lp.mutate(valid_to=lp.effective_date.lead().over(w))
    lp = lp.select(lp_product=lp.product_code, lp_from=lp.effective_date,
                   lp_to=lp.valid_to, listing=lp.price, lp_status=lp.status)
    o = order_lines(ctx)
    o = o.filter(~o.on_platform)
    j = o.join(lp, [o.product_code == lp.lp_product, o.order_date >= lp.lp_from,
                    lp.lp_to.isnull() | (o.order_date < lp.lp_to)])
    j = j.filter((j.lp_status == "listed")
                 & (j.unit_price.cast("float64") > j.listing.cast("float64") + tol))
    return alerts(j, severity="warning", value=j.unit_price, threshold=j.listing,
                  institution_code=j.institution_code, variety_code=j.variety_code,
                  product_code=j.product_code, ref=j.order_line_id)
