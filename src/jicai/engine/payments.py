"""Payment on time — rule M1, JILIN 第八条 (结清时间不得超过交货验收合格后次月底), GUANGDONG 四(八)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, end_of_next_month, order_lines
from jicai.engine.registry import rule


@rule(id="payment.overdue", code="M1",
      title_zh="货款逾期未结清", title_en="supplier not paid on time",
      clause="JILIN 第八条; GUANGDONG 四(八)", needs=("orders", "products", "payments"),
      message={'critical': '{institution_name}订单明细 {ref} 验收后应于 {due} 前结清货款，至今仍欠 {unpaid:.2f} 元，已逾期 {value:d} 天。', 'warning': '{institution_name}订单明细 {ref} 验收后应于 {due} 前结清货款，逾期 {value:d} 天才结清。'})
def overdue(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    o = order_lines(ctx)
    o = o.filter(o.received_at.notnull())
    o = o.mutate(due=end_of_next_month(o.received_at.date()))
    o = o.filter(ctx.as_of_lit > o.due)
    o = o.select("order_line_id", "institution_code", "product_code", "variety_code",
                 "amount", "due")
    zero = ibis.literal(0, type="decimal(18, 4)")

    def paid() -> ir.Table:
        p = ctx.t("payments")
        p = p.filter(p.paid_at <= ctx.as_of_lit)
        return p.select(p_line=p.order_line_id, paid=p.amount, paid_at=p.paid_at)

    # Most lines are settled by one payment made by the due day: an anti join (no
    # grouping of ten million lines) leaves the few that can break the rule, and only
    # those are summed payment by payment.
    one = paid()
    suspects = ctx.stage("m1_suspects", lambda: o.anti_join(
        one, [o.order_line_id == one.p_line, one.paid_at <= o.due, one.paid >= o.amount]))
    # A second, separate read: the same expression twice would become a CTE, which
    # DuckDB materialises — a copy of every payment.
    every = paid().mutate(p_check=ibis.literal(True))
    # Only the key, amount and due day go through the join and the grouping (the
    # memory they need grows with the suspects); names come back afterwards.
    slim = suspects.select("order_line_id", "amount", "due")
    jj = slim.left_join(every, slim.order_line_id == every.p_line)
    sums = jj.group_by(["order_line_id", "amount", "due"]).aggregate(
        paid_by_due=jj.paid.sum(where=jj.paid_at <= jj.due),
        paid_by_now=jj.paid.sum(),
        last_paid=jj.paid_at.max())
    sums = sums.filter(sums.paid_by_due.fill_null(zero) < sums.amount)
    names = suspects.select(n_line="order_line_id", institution_code="institution_code",
                            product_code="product_code", variety_code="variety_code")
    g = sums.join(names, sums.order_line_id == names.n_line).drop("n_line")
    g = g.mutate(paid_by_due=g.paid_by_due.fill_null(zero),
                 paid_by_now=g.paid_by_now.fill_null(zero))
    g = g.filter(g.paid_by_due < g.amount)
    settled = g.paid_by_now >= g.amount
    until = ibis.ifelse(settled, g.last_paid, ctx.as_of_lit)
    return alerts(g, severity=ibis.ifelse(settled, "warning", "critical"),
                  value=until.delta(g.due, unit="day"), threshold=0.0,
                  institution_code=g.institution_code, variety_code=g.variety_code,
                  product_code=g.product_code, ref=g.order_line_id,
                  due=g.due.cast("string"),
                  unpaid=(g.amount - g.paid_by_now).cast("float64"))
