"""Price rules C1, C2 (and C3, S2 declared: they need data outside contract v1).

GUANGDONG 二(二): a public institution pays no more than the listing price;
HENAN 二(六), JILIN 第十条: a non-winning product is not listed above its cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, order_lines
from jicai.engine.registry import declared, rule


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


declared(id="price.risk", code="C3", title_zh="价格风险（红黄标）", title_en="price risk (red/yellow flags)",
         clause="GUANGDONG 三(五)",
         settings={"yellow_rises": int, "red_rises": int,
                   "yellow_growth": float, "red_growth": float},
         why_zh="需要销售额与价格变动序列，数据契约 v1 未定义 / needs sales and price-change "
                "series that contract v1 does not define")
declared(id="substitute.abnormal_growth", code="S2", title_zh="可替代产品采购量异常增长",
         title_en="substitutes surge", clause="HENAN 二(九)", settings={"growth": float},
         why_zh="需要品种与可替代产品的对照表，数据契约 v1 未定义 / needs a substitute mapping "
                "that contract v1 does not define")
