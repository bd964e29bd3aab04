"""Supply-problem tickets (供应问题反馈) — T1, T2, T3, HENAN 二(八).

Companies answer within 2 working days and commit a fix at most 5 working days
after the answer; the bureau chases fixes not made by the promised date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, happened, with_day_index, with_workday_index
from jicai.engine.registry import rule


def _tickets(ctx: Context) -> ir.Table:
    t = ctx.t("tickets")
    t = t.filter(t.reported_at < ctx.as_of_end)
    t = t.mutate(replied_at=happened(ctx, t.replied_at), resolved_at=happened(ctx, t.resolved_at))
    # A commitment is known only once the reply is made.
    return t.mutate(committed_by=ibis.ifelse(t.replied_at.notnull(), t.committed_by,
                                             ibis.null("date")))


def _out(t: ir.Table, severity: ir.Value | str, value: ir.Value, threshold: float) -> ir.Table:
    return alerts(t, severity=severity, value=value, threshold=threshold,
                  institution_code=t.institution_code, product_code=t.product_code,
                  ref=t.ticket_id, company_code=t.company_code)


@rule(id="ticket.reply_overdue", code="T1",
      title_zh="供应问题未在 2 个工作日内回复", title_en="supply problem not answered in 2 working days",
      clause="HENAN 二(八)", uses_calendar=True, needs=("tickets",), settings={"working_days": int},
      message={'critical': '{company_name}对{institution_name}反馈的供应问题 {ref}（{product_name}）至今未回复，已 {value:d} 个工作日，应在 {threshold:d} 个工作日内回复。', 'warning': '{company_name}对{institution_name}反馈的供应问题 {ref}（{product_name}）回复逾期，用时 {value:d} 个工作日，应在 {threshold:d} 个工作日内回复。'})
def reply_overdue(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    n = int(s["working_days"])
    t = _tickets(ctx)
    t = t.mutate(rep_day=t.reported_at.date(),
                 until=t.replied_at.date().fill_null(ctx.as_of_lit))
    t = with_day_index(ctx, t, "rep_day", "rep_idx")
    t = with_workday_index(ctx, t, "until", "until_idx")
    t = t.mutate(taken=t.until_idx - t.rep_idx).filter(lambda x: x.taken > n)
    return _out(t, ibis.ifelse(t.replied_at.isnull(), "critical", "warning"), t.taken, n)


@rule(id="ticket.commitment_too_long", code="T2",
      title_zh="承诺解决时限超过 5 个工作日", title_en="promised fix more than 5 working days out",
      clause="HENAN 二(八)", uses_calendar=True, needs=("tickets",), settings={"working_days": int},
      message='{company_name}对{institution_name}反馈的供应问题 {ref}（{product_name}）承诺在回复后第 {value:d} 个工作日解决，超过 {threshold:d} 个工作日的上限。')
def commitment_too_long(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    n = int(s["working_days"])
    t = _tickets(ctx)
    t = t.filter(t.committed_by.notnull()).mutate(reply_day=t.replied_at.date())
    t = with_day_index(ctx, t, "reply_day", "reply_idx")
    t = with_workday_index(ctx, t, "committed_by", "commit_idx")
    t = t.mutate(taken=t.commit_idx - t.reply_idx).filter(lambda x: x.taken > n)
    return _out(t, "warning", t.taken, n)


@rule(id="ticket.resolution_overdue", code="T3",
      title_zh="供应问题未在承诺时限内解决", title_en="not solved by the promised date",
      clause="HENAN 二(八)", needs=("tickets",),
      message={'critical': '{company_name}对{institution_name}反馈的供应问题 {ref}（{product_name}）承诺解决日期已过 {value:d} 天，仍未解决，请约谈、督导核查处置。', 'warning': '{company_name}对{institution_name}反馈的供应问题 {ref}（{product_name}）超过承诺解决日期 {value:d} 天才解决。'})
def resolution_overdue(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    t = _tickets(ctx)
    t = t.filter(t.committed_by.notnull())
    until = t.resolved_at.date().fill_null(ctx.as_of_lit)
    t = t.mutate(late=until.delta(t.committed_by, unit="day")).filter(lambda x: x.late > 0)
    return _out(t, ibis.ifelse(t.resolved_at.isnull(), "critical", "warning"), t.late, 0.0)
