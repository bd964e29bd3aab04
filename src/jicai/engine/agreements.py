"""Three-party purchase agreements (三方购销协议) — rule A1, JILIN 第五条."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, cycles
from jicai.engine.registry import rule


@rule(id="agreement.unsigned", code="A1",
      title_zh="三方购销协议逾期未签订", title_en="three-party agreement late",
      clause="JILIN 第五条", needs=("agreed_volumes", "agreements", "batches"),
      settings={"days": int},
      message={'critical': '{institution_name}与{company_name}（{batch_name}第{cycle_no}年）的三方购销协议至今未签订，执行已 {value:d} 天，应在执行 {threshold:d} 天内签订。', 'warning': '{institution_name}与{company_name}（{batch_name}第{cycle_no}年）的三方购销协议逾期签订，执行第 {value:d} 天才签订，应在执行 {threshold:d} 天内签订。'})
def unsigned(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    days = int(s["days"])
    av = ctx.t("agreed_volumes").select("batch_code", "cycle_no", "institution_code",
                                        "company_code").distinct()
    c = cycles(ctx).select("batch_code", "cycle_no", "start_date")
    pairs = av.join(c, ["batch_code", "cycle_no"])
    pairs = pairs.mutate(deadline=pairs.start_date + ibis.interval(days=days))
    pairs = pairs.filter(ctx.as_of_lit > pairs.deadline)
    a = ctx.t("agreements")
    a = a.filter(a.signed_at.notnull() & (a.signed_at <= ctx.as_of_lit))
    first = a.group_by(["batch_code", "cycle_no", "institution_code", "company_code"]).aggregate(
        signed_at=a.signed_at.min())
    j = pairs.left_join(first, ["batch_code", "cycle_no", "institution_code", "company_code"])
    j = j.filter(j.signed_at.isnull() | (j.signed_at > j.deadline))
    until = j.signed_at.fill_null(ctx.as_of_lit)
    return alerts(j, severity=ibis.ifelse(j.signed_at.isnull(), "critical", "warning"),
                  value=until.delta(j.start_date, unit="day"), threshold=float(days),
                  institution_code=j.institution_code, batch_code=j.batch_code,
                  cycle_no=j.cycle_no, ref=j.company_code, company_code=j.company_code)
