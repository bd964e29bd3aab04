"""Listing (挂网) of VBP varieties — L1, HENAN 二(六).

A winning company's spec or pack that was not put on the batch's supply list
(中选供应清单) loses its listing (暂停挂网资格) while the batch is in execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts
from jicai.engine.registry import rule


@rule(id="listing.spec_outside_supply_list", code="L1",
      title_zh="未纳入中选供应清单的规格包装仍在挂网",
      title_en="a winning company's spec or pack outside the supply list is still listed",
      clause="HENAN 二(六)", needs=("batches", "awards", "products", "listing_prices"),
      message='{company_name}的{product_name}（{product_code}）未纳入{batch_name}中选供应清单，但仍在挂网（挂网价 {value:.4f} 元），请暂停其挂网资格。')
def spec_outside_supply_list(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Product P of variety V by company C, C winning in batch B (in execution) with another
    product of V, P on no supply list in execution, P's listing in force at as_of listed."""
    b = ctx.t("batches")
    running = b.filter((b.start_date <= ctx.as_of_lit) & (ctx.as_of_lit <= b.end_date))
    running = running.select("batch_code", "cycle_no").view()
    a = ctx.t("awards")
    p = ctx.t("products").select("product_code", "variety_code", "company_code")
    win = a.filter(a.role == "winning").select("batch_code", "product_code")
    win = win.join(p.view(), "product_code").select("batch_code", "variety_code", "company_code")
    win = win.join(running, "batch_code").distinct().view()
    cand = p.join(win, ["variety_code", "company_code"])
    # Not in B's awards, nor on the supply list of any batch in execution (decision 0001,
    # "v1.1 rules"): a spec awarded in a running batch keeps its listing.
    awarded = a.select("batch_code", "product_code").join(
        running.select("batch_code").distinct(), "batch_code").select("product_code").view()
    cand = cand.anti_join(awarded, "product_code")
    lp = ctx.t("listing_prices")
    lp = lp.filter(lp.effective_date <= ctx.as_of_lit)
    w = ibis.window(group_by=lp.product_code, order_by=ibis.desc(lp.effective_date))
    lp = lp.mutate(rn=ibis.row_number().over(w))
    lp = lp.filter((lp.rn == 0) & (lp.status == "listed")).select(
        lp_product=lp.product_code, listing=lp.price).view()
    j = cand.join(lp, cand.product_code == lp.lp_product)
    return alerts(j, severity="warning", value=j.listing, threshold=ibis.null("float64"),
                  batch_code=j.batch_code, cycle_no=j.cycle_no, variety_code=j.variety_code,
                  product_code=j.product_code, ref=j.company_code,
                  company_code=j.company_code)
