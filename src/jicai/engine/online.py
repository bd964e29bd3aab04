"""Online purchase rate (网采率) — rule O1, GANZHOU 附件1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, order_lines
from jicai.engine.registry import rule


def year_lines(ctx: Context) -> ir.Table:
    """Live order lines of the as-of calendar year (the "amounts of a year")."""
    o = order_lines(ctx)
    return o.filter(o.order_date >= ctx.year_start)


@rule(id="online.rate_low", code="O1",
      title_zh="网采率低于要求", title_en="online purchase rate too low",
      clause="GANZHOU 附件1", needs=("orders", "products"),
      settings={"drug": float, "hv_consumable": float},
      message='{institution_name}本年度{category_zh}网采率 {value:.1%}，低于 {threshold:.0%}，请督促通过省级平台全品种、全数量采购。')
def rate_low(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    o = year_lines(ctx)
    o = o.filter(o.category.isin(["drug", "hv_consumable"]))
    g = o.group_by(["institution_code", "category"]).aggregate(
        online=o.amount.sum(where=o.on_platform).cast("float64"),
        total=o.amount.sum().cast("float64"))
    g = g.mutate(online=g.online.fill_null(0.0))
    limit = ibis.cases((g.category == "drug", float(s["drug"])),
                       else_=float(s["hv_consumable"]))
    g = g.mutate(rate=ibis.ifelse(g.total > 0, g.online / g.total, ibis.null("float64")),
                 lim=limit)
    g = g.filter(g.rate.notnull() & (g.rate < g.lim))
    return alerts(g, severity="warning", value=g.rate, threshold=g.lim,
                  institution_code=g.institution_code, ref=g.category,
                  category_zh=ibis.cases((g.category == "drug", "药品"), else_="高值医用耗材"))
