"""Substitute rule S2 — HENAN 二(九): 可替代产品采购量异常增长.

An institution can dodge its agreed volume by buying a product of another
variety that does the same clinical job (a substitute). Contract v1.1's
``substitutes`` maps each VBP variety to such products; S2 compares the
units of those products an institution ordered in the last ``window_days``
with the same days one calendar year earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, cycles, days_ending, order_lines, year_earlier
from jicai.engine.registry import rule

TOL = 1e-9  # rules.md: thresholds compared with a tolerance of 1e-9
KEY = ("batch_code", "cycle_no", "institution_code", "variety_code")


@rule(id="substitute.abnormal_growth", code="S2",
      title_zh="可替代产品采购量异常增长", title_en="substitutes surge",
      clause="HENAN 二(九)",
      needs=("substitutes", "orders", "products", "batches", "agreed_volumes"),
      settings={"threshold": float, "window_days": int, "min_units": int},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）可替代产品近 {window_days:d} 天采购 {cur:d} 个最小单位，较上年同期 {prev:d} 增长 {value:.1%}，超过 {threshold:.1%}，请核查是否以可替代产品替代中选产品、影响约定采购量完成。')
def abnormal_growth(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    th, n, min_units = float(s["threshold"]), int(s["window_days"]), int(s["min_units"])
    lo, hi = days_ending(ctx.as_of, n)
    plo, phi = year_earlier(lo), year_earlier(hi)

    # (institution, variety) with an agreed volume in a (batch, cycle) in execution.
    av = ctx.t("agreed_volumes")
    cyc = cycles(ctx)
    cyc = cyc.filter(cyc.end_date >= ctx.as_of_lit)
    keys = av.join(cyc, ["batch_code", "cycle_no"]).select(*KEY).distinct()

    sub = ctx.t("substitutes")
    sub = sub.select(sub_variety=sub.variety_code, sub_product=sub.product_code)
    o = order_lines(ctx).select("institution_code", "product_code", "order_date", "units")
    o = o.join(sub, o.product_code == sub.sub_product)

    def within(a: object, b: object) -> ir.BooleanValue:
        return ((o.order_date >= ibis.literal(a, type="date"))
                & (o.order_date <= ibis.literal(b, type="date")))

    o = o.filter(within(plo, phi) | within(lo, hi))  # only the two windows' lines
    zero = ibis.literal(0, type="int64")
    agg = o.group_by(["institution_code", "sub_variety"]).aggregate(
        cur=o.units.sum(where=within(lo, hi)), prev=o.units.sum(where=within(plo, phi)))
    agg = agg.mutate(cur=agg.cur.fill_null(zero).cast("int64"),
                     prev=agg.prev.fill_null(zero).cast("int64"))
    j = keys.join(agg, [keys.institution_code == agg.institution_code,
                        keys.variety_code == agg.sub_variety])
    j = j.mutate(growth=ibis.ifelse(j.prev > 0, j.cur.cast("float64") / j.prev.cast("float64")
                                    - 1.0, ibis.null("float64")))
    j = j.filter((j.prev >= min_units) & j.growth.notnull() & (j.growth > th + TOL))
    return alerts(j, severity="warning", value=j.growth, threshold=th,
                  institution_code=j.institution_code, batch_code=j.batch_code,
                  cycle_no=j.cycle_no, variety_code=j.variety_code,
                  cur=j.cur, prev=j.prev, window_days=ibis.literal(n, type="int64"))
