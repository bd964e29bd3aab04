"""Payment on time — rule M1, JILIN 第八条 (结清时间不得超过交货验收合格后次月底), GUANGDONG 四(八)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, settled_lines
from jicai.engine.registry import rule


@rule(id="payment.overdue", code="M1",
      title_zh="货款逾期未结清", title_en="supplier not paid on time",
      clause="JILIN 第八条; GUANGDONG 四(八)", needs=("orders", "products", "payments"),
      message={'critical': '{institution_name}订单明细 {ref} 验收后应于 {due} 前结清货款，至今仍欠 {unpaid:.2f} 元，已逾期 {value:d} 天。', 'warning': '{institution_name}订单明细 {ref} 验收后应于 {due} 前结清货款，逾期 {value:d} 天才结清。'})
def overdue(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    # The lines due before as_of and what was paid, from the warehouse's facts: only
    # those not paid in full by their due day come out of the filter.
    t = settled_lines(ctx)
    t = t.filter((ctx.as_of_lit > t.due) & (t.by_due < t.amount))
    p = ctx.t("products").select(p_code="product_code", variety_code="variety_code")
    g = t.join(p, t.product_code == p.p_code).drop("p_code")
    settled = g.by_now >= g.amount
    until = ibis.ifelse(settled, g.last_paid, ctx.as_of_lit)
    return alerts(g, severity=ibis.ifelse(settled, "warning", "critical"),
                  value=until.delta(g.due, unit="day"), threshold=0.0,
                  institution_code=g.institution_code, variety_code=g.variety_code,
                  product_code=g.product_code, ref=g.order_line_id,
                  due=g.due.cast("string"),
                  unpaid=(g.amount - g.by_now).cast("float64"))
