"""Traceability-code rules H1, H2, H3 — JILIN 第十八条; GUANGDONG 三(四)、五(十一).

Every sales package of a drug carries a traceability code (药品追溯码); an
institution scans it on receipt (入库) and on dispensing (销售/发药). From the
scans of contract v1.1's ``trace_scans``:

- H1: one code dispensed by two institutions, or more often than one pack can
  be (once; a split pack 拆零 up to its units_per_pack times);
- H2: received packs whose codes were never scanned on receipt;
- H3: more distinct codes dispensed than packs ever received on record
  (进销存平行比对).

Trace codes are text: leading zeros are part of the code and are never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts
from jicai.engine.registry import rule

TOL = 1e-9  # rules.md: thresholds compared with a tolerance of 1e-9
_RIGHT = ("institution_code_right", "product_code_right")  # an outer join keeps both keys


def scans(ctx: Context, event: str) -> ir.Table:
    """Scans of ``event`` (``receive`` / ``dispense``) made by the end of the as-of day."""
    s = ctx.t("trace_scans")
    return s.filter((s.event == event) & (s.scanned_at < ctx.as_of_end))


def received_lines(ctx: Context) -> ir.Table:
    """Order lines (on and off platform, not cancelled) received by the end of as_of,
    with their received packs (delivered_packs, qty_packs when empty) and product facts."""
    o = ctx.t("orders")
    o = o.filter((o.status != "cancelled") & (o.ordered_at < ctx.as_of_end)
                 & o.received_at.notnull() & (o.received_at < ctx.as_of_end))
    p = ctx.t("products").select("product_code", "category")
    j = o.join(p, "product_code")
    return j.select("institution_code", "product_code", "category",
                    received_day=j.received_at.date(),
                    packs=j.delivered_packs.fill_null(j.qty_packs).cast("int64"))


def last_month_end(as_of: date) -> date:
    """The last day of the last calendar month that has ended by the end of ``as_of``.

    >>> last_month_end(date(2025, 9, 30)), last_month_end(date(2025, 10, 15))
    (datetime.date(2025, 9, 30), datetime.date(2025, 9, 30))
    """
    if (as_of + timedelta(days=1)).day == 1:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


@rule(id="trace.duplicate_dispense", code="H1",
      title_zh="追溯码重复发药", title_en="one traceability code dispensed more than it can be",
      clause="JILIN 第十八条; GUANGDONG 五(十一)", needs=("trace_scans", "products"),
      message='追溯码 {ref}（{product_name}）截至统计日发药扫码 {value:d} 次，涉及 {institutions:d} 家医疗机构，超过一个包装允许的 {threshold:d} 次；最近一次由{institution_name}扫码，请核查是否重复销售、串换或虚假结算。')
def duplicate_dispense(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    d = scans(ctx, "dispense")
    # The latest dispense scan names the institution and product (ties broken by scan_id).
    w = ibis.window(group_by=d.trace_code,
                    order_by=[ibis.desc(d.scanned_at), ibis.desc(d.scan_id)])
    d = d.mutate(rn=ibis.row_number().over(w))
    latest = d.filter(d.rn == 0).select(
        "trace_code", last_inst=d.institution_code, last_product=d.product_code)
    agg = d.group_by("trace_code").aggregate(
        scans=d.count(), institutions=d.institution_code.nunique(),
        any_split=d.split.cast("int64").max())
    prod = ctx.t("products")
    p = prod.select(p_code=prod.product_code, variety_code=prod.variety_code,
                    units_per_pack=prod.units_per_pack)
    j = agg.join(latest, "trace_code")
    j = j.left_join(p, j.last_product == p.p_code)
    # A whole pack is dispensed once; a split pack (拆零) up to units_per_pack times.
    allowed = ibis.ifelse(j.any_split == 1, j.units_per_pack.fill_null(1), 1).cast("int64")
    j = j.mutate(allowed=allowed)
    j = j.filter((j.institutions >= 2) | (j.scans > j.allowed))
    return alerts(j, severity="critical", value=j.scans, threshold=j.allowed,
                  institution_code=j.last_inst, variety_code=j.variety_code,
                  product_code=j.last_product, ref=j.trace_code,
                  institutions=j.institutions.cast("int64"))


@rule(id="trace.receipt_unscanned", code="H2",
      title_zh="验收入库未扫追溯码", title_en="received packs without traceability scans",
      clause="JILIN 第十八条; GUANGDONG 五(十一)",
      needs=("trace_scans", "orders", "products"),
      settings={"threshold": float, "min_packs": int, "reporting_only": bool},
      message='{institution_name}的{product_name}，本年验收入库 {packs:d} 盒（截至 {period_end}），入库扫码的追溯码仅 {codes:d} 个，扫码率 {value:.1%}，低于 {threshold:.1%}，请督促该机构按要求入库扫码、上传追溯信息。')
def receipt_unscanned(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Drug lines of the as-of year received in a month that has ended by as_of, against
    the distinct codes scanned on receipt at the institution in the same period.

    ``reporting_only``: judge only institutions that have sent any scan by as_of. JILIN
    第十八条 has every institution scan (false: an institution that scans nothing has a
    coverage of 0); GUANGDONG 五(十一) widens the monitoring step by step (逐步扩大监测范围):
    an institution not yet connected to the traceability system is not judged (true).
    """
    th, min_packs = float(s["threshold"]), int(s["min_packs"])
    start = date(ctx.as_of.year, 1, 1)
    end = last_month_end(ctx.as_of)
    lo, hi = ibis.literal(start, type="date"), ibis.literal(end, type="date")
    o = received_lines(ctx)
    # Traceability codes are drug codes (药品追溯码); consumables are not held to them.
    o = o.filter((o.category == "drug") & (o.received_day >= lo) & (o.received_day <= hi))
    if bool(s["reporting_only"]):
        t = ctx.t("trace_scans")
        reporting = t.filter(t.scanned_at < ctx.as_of_end).select("institution_code").distinct()
        o = o.semi_join(reporting, "institution_code")
    got = o.group_by(["institution_code", "product_code"]).aggregate(packs=o.packs.sum())
    r = scans(ctx, "receive")
    r = r.filter((r.scanned_at.date() >= lo) & (r.scanned_at.date() <= hi))
    codes = r.group_by(["institution_code", "product_code"]).aggregate(
        codes=r.trace_code.nunique())
    j = got.left_join(codes, ["institution_code", "product_code"]).drop(*_RIGHT)
    j = j.mutate(codes=j.codes.fill_null(0).cast("int64"), packs=j.packs.cast("int64"))
    j = j.mutate(coverage=j.codes.cast("float64") / j.packs.cast("float64"))
    j = j.filter((j.packs >= min_packs) & (j.coverage < th - TOL))
    p = ctx.t("products").select("product_code", "variety_code")
    j = j.join(p, "product_code")
    return alerts(j, severity="warning", value=j.coverage, threshold=th,
                  institution_code=j.institution_code, variety_code=j.variety_code,
                  product_code=j.product_code, packs=j.packs, codes=j.codes,
                  period_end=ibis.literal(end.isoformat()))


@rule(id="trace.dispensed_over_received", code="H3",
      title_zh="发药多于入库（进销存比对异常）",
      title_en="more packs dispensed than ever received on record",
      clause="GUANGDONG 三(四)", needs=("trace_scans", "orders", "products"),
      settings={"tolerance_packs": int},
      message='{institution_name}的{product_name}，截至统计日按追溯码发药 {dispensed:d} 盒，有记录的验收入库仅 {received:d} 盒，多出 {value:d} 盒，请核查是否存在线下采购未备案、串换药品或虚假结算。')
def dispensed_over_received(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    tol = int(s["tolerance_packs"])
    d = scans(ctx, "dispense")
    # A split code dispensed many times is still one pack: distinct codes.
    out = d.group_by(["institution_code", "product_code"]).aggregate(
        dispensed=d.trace_code.nunique())
    o = received_lines(ctx)
    got = o.group_by(["institution_code", "product_code"]).aggregate(received=o.packs.sum())
    j = out.left_join(got, ["institution_code", "product_code"]).drop(*_RIGHT)
    j = j.mutate(dispensed=j.dispensed.cast("int64"),
                 received=j.received.fill_null(0).cast("int64"))
    j = j.mutate(excess=j.dispensed - j.received)
    j = j.filter(j.excess > tol)
    p = ctx.t("products").select("product_code", "variety_code")
    j = j.join(p, "product_code")
    return alerts(j, severity="warning", value=j.excess, threshold=float(tol),
                  institution_code=j.institution_code, variety_code=j.variety_code,
                  product_code=j.product_code, dispensed=j.dispensed, received=j.received)
