"""What an institution buys of a VBP variety — N1, GANZHOU 二(三).

N1 names the institution that files no demand, buys no winning product and only
high-priced non-winning ones (不报量不采购中选产品而只采购高价非中选产品): its
head is to be summoned (约谈医疗机构负责人).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, award_roles, cycles, order_lines
from jicai.engine.demand import filings_in_force, with_filing_unit
from jicai.engine.registry import rule

KEY = ("batch_code", "cycle_no", "institution_code", "variety_code")


@rule(id="purchase.nonwinning_only", code="N1",
      title_zh="不报量、不采购中选产品而只采购高价非中选产品",
      title_en="no demand filed, no winning product bought, only high-priced non-winning ones",
      clause="GANZHOU 二(三)",
      needs=("batches", "awards", "products", "orders", "demand_filings"),
      message='{institution_name}未报送{variety_name}（{batch_name}第{cycle_no}年）需求量，也未采购中选产品，却采购高价非中选产品 {value:d} 个最小单位，请约谈医疗机构负责人。')
def nonwinning_only(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Per (batch, cycle, institution, variety) of a cycle started by ``as_of``.

    High-priced = price per minimum unit above the lowest winning award price per
    minimum unit of the variety in the batch. Lines inside a verified supply problem
    are excluded purchases (rules.md, shared definitions) and do not count.
    """
    c = cycles(ctx).select("batch_code", "cycle_no", "start_date", "window_end")
    ar = award_roles(ctx)
    varieties = ar.select("batch_code", "variety_code").distinct()
    keys = c.join(varieties, "batch_code").view()
    win = ar.filter(ar.role == "winning")
    lowest = win.group_by(["batch_code", "variety_code"]).aggregate(
        lowest_ppu=win.price_per_unit.min()).view()
    roles = ar.select("batch_code", "product_code", "role").view()

    lines = order_lines(ctx).select("institution_code", "product_code", "variety_code",
                                    "order_date", "units", "unit_price", "units_per_pack")
    w = lines.join(keys, "variety_code")
    w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.window_end))
    w = w.left_join(roles, ["batch_code", "product_code"]).drop("batch_code_right",
                                                                "product_code_right")
    w = w.left_join(lowest, ["batch_code", "variety_code"]).drop("batch_code_right",
                                                                 "variety_code_right")
    ppu = w.unit_price.cast("float64") / w.units_per_pack.cast("float64")
    role = w.role.fill_null("nonwinning")
    w = w.mutate(role=role, high=(role == "nonwinning") & w.lowest_ppu.notnull()
                 & (ppu > w.lowest_ppu + 1e-9))
    agg = w.group_by(list(KEY)).aggregate(
        awarded_units=w.units.sum(where=w.role != "nonwinning"),
        high_units=w.units.sum(where=w.high))
    zero = ibis.literal(0, type="int64")
    if ctx.has("exemptions"):
        e = ctx.t("exemptions")
        e = e.filter((e.kind == "supply_problem") & (e.start_date <= ctx.as_of_lit))
        high = w.filter(w.high)
        hit = high.semi_join(e, [
            high.variety_code == e.variety_code,
            e.institution_code.isnull() | (e.institution_code == high.institution_code),
            high.order_date >= e.start_date, high.order_date <= e.end_date])
        sp = hit.group_by(list(KEY)).aggregate(sp_units=hit.units.sum())
        agg = agg.left_join(sp, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    else:
        agg = agg.mutate(sp_units=zero)
    agg = agg.mutate(units=(agg.high_units.fill_null(zero)
                            - agg.sp_units.fill_null(zero)).cast("int64"))
    agg = agg.filter((agg.awarded_units.fill_null(zero) == 0) & (agg.units > 0))
    # No filing with reported_units > 0 by the institution's filing unit: itself if it
    # filed (0 included), else its consortium lead (decision 0001, "v1.1 rules"); the
    # filing in force at as_of (decision 0008).
    agg = with_filing_unit(ctx, agg)
    f = filings_in_force(ctx)
    filed = f.group_by(["batch_code", "cycle_no", "variety_code", "institution_code"]).aggregate(
        reported=f.reported_units.sum())
    filed = filed.filter(filed.reported > 0).view()
    agg = agg.anti_join(filed, [agg.batch_code == filed.batch_code,
                                agg.cycle_no == filed.cycle_no,
                                agg.variety_code == filed.variety_code,
                                agg.unit_code == filed.institution_code])
    return alerts(agg, severity="critical", value=agg.units, threshold=0.0,
                  institution_code=agg.institution_code, batch_code=agg.batch_code,
                  cycle_no=agg.cycle_no, variety_code=agg.variety_code)
