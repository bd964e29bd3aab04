"""Order response and delivery rules R1, R2, R3 — GANZHOU 二(六), GUANGDONG 五(十).

Only on-platform lines are held to these clocks: an off-platform (线下) line
was never sent to a distributor through the platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import (
    Context,
    alerts,
    hours_between,
    nth_workday,
    order_lines,
    with_day_index,
)
from jicai.engine.registry import rule


def _platform_lines(ctx: Context) -> ir.Table:
    o = order_lines(ctx)
    return o.filter(o.on_platform)


@rule(id="order.unresponded_48h", code="R1",
      title_zh="订单超过 48 小时未响应", title_en="order not confirmed in 48 h",
      clause="GANZHOU 二(六)", needs=("orders", "products"), settings={"hours": float},
      message={'critical': '{institution_name}订单明细 {ref}（{product_name}）下单 {value:.1f} 小时仍未响应，超过 {threshold:.0f} 小时，请督促配送企业{distributor_name}及时响应。', 'warning': '{institution_name}订单明细 {ref}（{product_name}）下单 {value:.1f} 小时后才响应，超过 {threshold:.0f} 小时，请督促配送企业{distributor_name}及时响应。'})
def unresponded(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    h = float(s["hours"])
    o = _platform_lines(ctx)
    elapsed = hours_between(o.ordered_at, o.responded_at.fill_null(ctx.as_of_end))
    o = o.mutate(elapsed=elapsed).filter(lambda t: t.elapsed > h)
    return alerts(o, severity=ibis.ifelse(o.responded_at.isnull(), "critical", "warning"),
                  value=o.elapsed, threshold=h, institution_code=o.institution_code,
                  variety_code=o.variety_code, product_code=o.product_code,
                  ref=o.order_line_id, distributor_code=o.distributor_code)


@rule(id="order.escalation_24h", code="R2",
      title_zh="延迟响应清单发出后 24 小时仍未响应",
      title_en="no answer 24 h after the delayed-response list went out",
      clause="GANZHOU 二(六)", uses_calendar=True, needs=("orders", "products"),
      settings={"hours": float, "list_hours": float},
      message={'critical': '{institution_name}订单明细 {ref}（{product_name}）已列入延迟响应清单，清单发出 {value:.1f} 小时仍未响应，请报告市医保局，对配送企业{distributor_name}采取约谈、暂停拨付结算款等措施。', 'warning': '{institution_name}订单明细 {ref}（{product_name}）已列入延迟响应清单，清单发出 {value:.1f} 小时后才响应，超过 {threshold:.0f} 小时，请报告市医保局。'})
def escalation(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """The list goes out at the end of the first working day that begins after the mark."""
    after = float(s["hours"])
    o = _platform_lines(ctx)
    o = o.mutate(mark=o.ordered_at + ibis.interval(seconds=int(float(s["list_hours"]) * 3600)))
    o = o.filter(o.responded_at.isnull() | (o.responded_at > o.mark))
    o = o.mutate(mark_day=o.mark.date())
    o = with_day_index(ctx, o, "mark_day", "mark_idx")
    o = o.mutate(list_idx=o.mark_idx + 1)
    o = nth_workday(ctx, o, "list_idx", "list_day")
    # The end of the list day is the start of the next calendar day.
    list_out = (o.list_day + ibis.interval(days=1)).cast("timestamp")
    o = o.mutate(list_out=list_out,
                 deadline=list_out + ibis.interval(seconds=int(after * 3600)))
    o = o.filter(o.list_day.notnull() & (
        (o.responded_at.isnull() & (ctx.as_of_end > o.deadline))
        | (o.responded_at > o.deadline)))
    waited = hours_between(o.list_out, o.responded_at.fill_null(ctx.as_of_end))
    return alerts(o, severity=ibis.ifelse(o.responded_at.isnull(), "critical", "warning"),
                  value=waited, threshold=after, institution_code=o.institution_code,
                  variety_code=o.variety_code, product_code=o.product_code,
                  ref=o.order_line_id, distributor_code=o.distributor_code)


@rule(id="delivery.overdue", code="R3",
      title_zh="已响应订单超时未配送", title_en="confirmed but not delivered in time",
      clause="GUANGDONG 五(十); HENAN 二(九)", needs=("orders", "products"),
      settings={"hours": float},
      message={'critical': '{institution_name}订单明细 {ref}（{product_name}）已响应，下单 {value:.1f} 小时仍未配送，超过 {threshold:.0f} 小时，请督促{distributor_name}配送到位。', 'warning': '{institution_name}订单明细 {ref}（{product_name}）已响应，下单 {value:.1f} 小时后才配送，超过 {threshold:.0f} 小时。'})
def delivery_overdue(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    h = float(s["hours"])
    o = _platform_lines(ctx)
    o = o.filter(o.responded_at.notnull())
    elapsed = hours_between(o.ordered_at, o.delivered_at.fill_null(ctx.as_of_end))
    o = o.mutate(elapsed=elapsed).filter(lambda t: t.elapsed > h)
    return alerts(o, severity=ibis.ifelse(o.delivered_at.isnull(), "critical", "warning"),
                  value=o.elapsed, threshold=h, institution_code=o.institution_code,
                  variety_code=o.variety_code, product_code=o.product_code,
                  ref=o.order_line_id, distributor_code=o.distributor_code)
