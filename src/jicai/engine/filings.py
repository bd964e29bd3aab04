"""Off-platform purchases filed afterwards (备案采购) — F1, F2, F3.

GANZHOU 二(四) and GUANGDONG 二(三): file within 7 working days; filed drug
amount ≤ 1 % and filed drug items ≤ 5 % of the year's, filed consumable amount
≤ 5 %; in-period negotiated drugs and HK/Macau products are exempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, with_day_index, with_workday_index
from jicai.engine.online import year_lines
from jicai.engine.registry import rule


def _filed(ctx: Context) -> ir.Table:
    f = ctx.t("filings")
    return f.filter(f.filed_at <= ctx.as_of_lit)


def _year_filed(ctx: Context) -> ir.Table:
    """Filings of purchases made in the as-of year, not exempt from the limits."""
    f = _filed(ctx)
    return f.filter((f.purchased_at >= ctx.year_start) & ~f.is_negotiated & ~f.is_hk_macau)


@rule(id="filing.late", code="F1",
      title_zh="备案采购逾期登记", title_en="off-platform purchase filed late",
      clause="GANZHOU 二(四); GUANGDONG 二(三)", uses_calendar=True, needs=("filings",),
      settings={"working_days": int},
      message='{institution_name}备案 {ref}（{filed_name}）采购后第 {value:d} 个工作日才备案，应在 {threshold:d} 个工作日内备案。')
def late(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    n = int(s["working_days"])
    f = _filed(ctx)
    f = with_day_index(ctx, f, "purchased_at", "p_idx")
    f = with_workday_index(ctx, f, "filed_at", "f_idx")
    f = f.mutate(taken=f.f_idx - f.p_idx).filter(lambda t: t.taken > n)
    return alerts(f, severity="warning", value=f.taken, threshold=float(n),
                  institution_code=f.institution_code, product_code=f.product_code,
                  ref=f.filing_id, filed_name=f.product_name)


_GROUPS = {"drug": ("drug",), "consumable": ("consumable", "hv_consumable")}


@rule(id="filing.amount_over_limit", code="F2",
      title_zh="备案采购金额占比超限", title_en="filed amount over its share",
      clause="GUANGDONG 二(三)", needs=("filings", "orders", "products"),
      settings={"drug": float, "consumable": float},
      message='{institution_name}本年度{group_zh}备案采购金额占采购总金额 {value:.2%}，超过 {threshold:.0%}。')
def amount_over(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    def group(col: ir.StringValue) -> ir.StringValue:
        return ibis.cases((col == "drug", "drug"), else_="consumable")

    f = _year_filed(ctx)
    fa = f.group_by(institution_code=f.institution_code, grp=group(f.category)).aggregate(
        filed=f.amount.sum().cast("float64"))
    o = year_lines(ctx)
    oa = o.group_by(institution_code=o.institution_code, grp=group(o.category)).aggregate(
        total=o.amount.sum().cast("float64"))
    j = fa.join(oa, ["institution_code", "grp"])
    limit = ibis.cases((j.grp == "drug", float(s["drug"])), else_=float(s["consumable"]))
    j = j.mutate(share=j.filed / j.total, lim=limit)
    j = j.filter((j.total > 0) & (j.share > j.lim))
    return alerts(j, severity="warning", value=j.share, threshold=j.lim,
                  institution_code=j.institution_code, ref=j.grp,
                  group_zh=ibis.cases((j.grp == "drug", "药品"), else_="医用耗材"))


@rule(id="filing.items_over_limit", code="F3",
      title_zh="备案采购药品品种数占比超限", title_en="filed items over their share",
      clause="GUANGDONG 二(三)", needs=("filings", "orders", "products"),
      settings={"drug_items": float},
      message='{institution_name}本年度备案采购药品 {filed_items:d} 种，占常备药品 {stocked_items:d} 种的 {value:.1%}，超过 {threshold:.0%}。')
def items_over(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    th = float(s["drug_items"])
    f = _year_filed(ctx)
    f = f.filter(f.category == "drug")
    f = f.mutate(item=f.product_code.fill_null(f.product_name))
    fi = f.group_by("institution_code").aggregate(filed_items=f.item.nunique())
    o = year_lines(ctx)
    o = o.filter(o.category == "drug")
    oi = o.group_by("institution_code").aggregate(stocked_items=o.product_code.nunique())
    j = fi.join(oi, "institution_code")
    j = j.mutate(share=j.filed_items.cast("float64") / j.stocked_items.cast("float64"))
    j = j.filter((j.stocked_items > 0) & (j.share > th))
    return alerts(j, severity="warning", value=j.share, threshold=th,
                  institution_code=j.institution_code, ref=ibis.literal("drug"),
                  filed_items=j.filed_items.cast("float64"),
                  stocked_items=j.stocked_items.cast("float64"))
