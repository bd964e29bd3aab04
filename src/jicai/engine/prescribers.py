"""Prescriber rule K1 — HENAN 二(三): 对于不合理大量使用高价非中选产品的科室和医生予以定期通报.

From contract v1.1's ``prescriptions``: per doctor of an institution and
variety of a batch in execution, the share of the units prescribed in the
cycle's window that are high-priced non-winning products — a product of the
variety not awarded in the batch whose listing price per minimum unit in force
at ``as_of`` exceeds the lowest winning award price per minimum unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, award_roles, cycles
from jicai.engine.registry import rule

TOL = 1e-9  # rules.md: thresholds compared with a tolerance of 1e-9
KEY = ("batch_code", "cycle_no", "institution_code", "doctor_code", "variety_code")


def listing_in_force(ctx: Context) -> ir.Table:
    """Each product's listing price in force at as_of (the latest effective_date ≤ as_of)."""
    lp = ctx.t("listing_prices")
    lp = lp.filter(lp.effective_date <= ctx.as_of_lit)
    w = ibis.window(group_by=lp.product_code, order_by=ibis.desc(lp.effective_date))
    lp = lp.mutate(rn=ibis.row_number().over(w))
    lp = lp.filter(lp.rn == 0)
    return lp.select(lp_product=lp.product_code, listing=lp.price.cast("float64"))


@rule(id="prescriber.nonwinning_high", code="K1",
      title_zh="医生大量开具高价非中选产品",
      title_en="a doctor prescribes high-priced non-winning products heavily",
      clause="HENAN 二(三)",
      needs=("prescriptions", "products", "batches", "awards", "listing_prices"),
      settings={"threshold": float, "min_units": int},
      message='{institution_name}{department}医师 {ref} 在{variety_name}（{batch_name}第{cycle_no}年）开具高价非中选产品 {high_units:d} 个最小单位，占其该品种处方量 {value:.1%}，超过 {threshold:.1%}，请在处方点评中重点点评，对无正当理由的按处方管理规定处理并定期通报。')
def nonwinning_high(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    th, min_units = float(s["threshold"]), int(s["min_units"])
    cyc = cycles(ctx)
    cyc = cyc.filter(cyc.end_date >= ctx.as_of_lit)  # in execution
    roles = award_roles(ctx)
    win = roles.filter(roles.role == "winning")
    lowest = win.group_by(["batch_code", "variety_code"]).aggregate(
        lowest_ppu=win.price_per_unit.min())
    # The varieties of each batch in execution (those with a winning award), its window.
    bv = lowest.join(cyc, "batch_code").select(
        "batch_code", "cycle_no", "start_date", "window_end",
        bv_variety=lowest.variety_code, lowest_ppu=lowest.lowest_ppu)

    rx = ctx.t("prescriptions")
    rx = rx.filter(rx.prescribed_at < ctx.as_of_end)
    p = ctx.t("products").select("product_code", "variety_code", "units_per_pack")
    rx = rx.join(p, "product_code")
    rx = rx.mutate(day=rx.prescribed_at.date())
    rx = rx.join(bv, rx.variety_code == bv.bv_variety)
    rx = rx.filter((rx.day >= rx.start_date) & (rx.day <= rx.window_end))
    awarded = roles.select(aw_batch=roles.batch_code, aw_product=roles.product_code)
    rx = rx.left_join(awarded, [rx.batch_code == awarded.aw_batch,
                                rx.product_code == awarded.aw_product])
    lif = listing_in_force(ctx)
    rx = rx.left_join(lif, rx.product_code == lif.lp_product)
    high = (rx.aw_product.isnull() & rx.listing.notnull()
            & (rx.listing / rx.units_per_pack.cast("float64") > rx.lowest_ppu + TOL))
    rx = rx.mutate(high=high)
    # The department named is that of the doctor's latest prescription of the variety.
    w = ibis.window(group_by=[rx[k] for k in KEY],
                    order_by=[ibis.desc(rx.prescribed_at), ibis.desc(rx.prescription_line_id)])
    rx = rx.mutate(rn=ibis.row_number().over(w))
    zero = ibis.literal(0, type="int64")
    g = rx.group_by(list(KEY)).aggregate(
        total=rx.units.sum(), high_units=rx.units.sum(where=rx.high),
        department=rx.department.max(where=rx.rn == 0))
    g = g.mutate(total=g.total.cast("int64"),
                 high_units=g.high_units.fill_null(zero).cast("int64"))
    g = g.mutate(share=g.high_units.cast("float64") / g.total.cast("float64"))
    g = g.filter((g.high_units >= min_units) & (g.share > th + TOL))
    return alerts(g, severity="warning", value=g.share, threshold=th,
                  institution_code=g.institution_code, batch_code=g.batch_code,
                  cycle_no=g.cycle_no, variety_code=g.variety_code, ref=g.doctor_code,
                  department=g.department, high_units=g.high_units)
