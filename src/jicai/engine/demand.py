"""Demand filing (报量) rules D1, D2 and D3 — HENAN 二(一), GANZHOU 二(一).

A tight consortium (紧密型医共体) *may* file as a whole (HENAN 二(一)): an
institution's own filing covers itself, and the lead's filing covers each
member that filed nothing for that batch, cycle and variety. History is summed
per *filing unit* so defined before it is set beside the filing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.contract.schemas import TABLES
from jicai.engine.context import Context, alerts, award_roles, cycles, order_lines
from jicai.engine.registry import rule

CYCLE_KEY = ["batch_code", "cycle_no", "variety_code"]


def history(ctx: Context) -> ir.Table:
    """(institution_code, variety_code, year, units): the table, or derived from orders."""
    if ctx.has("historical_volumes"):
        h = ctx.t("historical_volumes")
        return h.select("institution_code", "variety_code", "year", "units")
    o = order_lines(ctx)
    o = o.mutate(year=o.ordered_at.year())
    return o.group_by(["institution_code", "variety_code", "year"]).aggregate(
        units=o.units.sum())


def _history_by_unit(ctx: Context) -> ir.Table:
    """History of the year before each cycle, summed per filing unit (see module doc)."""
    cv = _cycle_varieties(ctx)
    h = history(ctx).rename(hist_year="year").view()
    j = cv.join(h, ["variety_code", "hist_year"])
    j = with_filing_unit(ctx, j.select(*CYCLE_KEY, "institution_code", "units"))
    return j.group_by([*CYCLE_KEY, "unit_code"]).aggregate(hist_units=j.units.sum()).view()


def with_filing_unit(ctx: Context, j: ir.Table) -> ir.Table:
    """Add ``unit_code``, the filing unit of each row's (batch, cycle, variety, institution):
    the institution itself if it filed (a filing of 0 included), else its consortium lead
    (紧密型医共体), else itself."""
    own = _filings(ctx).select(*CYCLE_KEY, "institution_code").distinct().mutate(
        __own=ibis.literal(True))
    j = j.left_join(own, [*CYCLE_KEY, "institution_code"]).drop(
        *(f"{k}_right" for k in [*CYCLE_KEY, "institution_code"]))
    if ctx.has("institutions"):
        inst = ctx.t("institutions")
        leads = inst.select(__inst=inst.institution_code, __lead=inst.consortium_code)
        j = j.left_join(leads, j.institution_code == leads.__inst).drop("__inst")
        unit = ibis.ifelse(j.__own.fill_null(False), j.institution_code,
                           j.__lead.fill_null(j.institution_code))
        return j.mutate(unit_code=unit).drop("__own", "__lead")
    return j.mutate(unit_code=j.institution_code).drop("__own")


def _cycle_varieties(ctx: Context) -> ir.Table:
    c = cycles(ctx)
    v = award_roles(ctx).select("batch_code", "variety_code").distinct()
    j = c.join(v, "batch_code")
    # .view(): joined below with history, which may share `products` through orders;
    # without it Ibis folds both join chains into one and rejects the predicates.
    return j.select("batch_code", "cycle_no", "variety_code", "start_date",
                    hist_year=j.start_date.year() - 1).view()


FILING_KEY = [*CYCLE_KEY, "institution_code"]
_FILING_COLUMNS = (*FILING_KEY, "reported_units", "filed_at", "explanation")
_PLATFORM_COLUMNS = TABLES["demand_filings"].names


def filings_in_force(ctx: Context) -> ir.Table:
    """The demand filing in force at the end of the as-of day, one row per (batch, cycle,
    institution, variety): of the platform's ``demand_filings`` and jicai's own
    ``demand_filing_versions`` (the web app's approved filings), the latest by
    ``filed_at`` (decision 0008; at one instant the web version wins). Every filing rule
    (D1 D2 D3 N1, and the filing unit) reads this. Without the versions table it is
    ``demand_filings`` as filed by then (the contract keeps one row per key)."""
    f = ctx.t("demand_filings")
    f = f.filter(f.filed_at < ctx.as_of_end)
    if not ctx.has("demand_filing_versions"):
        return f
    v = ctx.t("demand_filing_versions")
    v = v.filter(v.filed_at < ctx.as_of_end)
    both = ibis.union(
        f.select(*_FILING_COLUMNS, __web=ibis.literal(0, type="int64")),
        v.select(*_FILING_COLUMNS, __web=ibis.literal(1, type="int64")))
    latest = ibis.row_number().over(group_by=FILING_KEY,
                                    order_by=[ibis.desc(both.filed_at), ibis.desc(both.__web)])
    both = both.mutate(__rank=latest)
    return both.filter(both.__rank == 0).drop("__rank", "__web").view()


def with_platform_filings(tables: dict[str, ir.Table]) -> None:
    """A home whose filings are all the web app's (versions, no platform file) still has
    a ``demand_filings`` table for the rules that need one: an empty one (decision 0008)."""
    if "demand_filing_versions" in tables and "demand_filings" not in tables:
        v = tables["demand_filing_versions"]
        tables["demand_filings"] = v.filter(ibis.literal(False)).select(*_PLATFORM_COLUMNS)


def _filings(ctx: Context) -> ir.Table:
    return filings_in_force(ctx)


@rule(id="demand.below_history", code="D1",
      title_zh="报送需求量低于历史采购量", title_en="demand reported below history",
      clause="HENAN 二(一); GANZHOU 二(一)",
      needs=("demand_filings", "batches", "awards", "products"),
      settings={"ratio": float},
      message={'info': '{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）报送需求量 {reported_units:d} 为上年采购量 {hist_units:d} 的 {value:.1%}，低于 {threshold:.0%}，已附情况说明，请审核其依据。', 'warning': '{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）报送需求量 {reported_units:d} 为上年采购量 {hist_units:d} 的 {value:.1%}，低于 {threshold:.0%}，未作情况说明，请要求医疗机构说明或退回重报。'})
def below_history(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    ratio = float(s["ratio"])
    f = _filings(ctx)
    f = f.group_by([*CYCLE_KEY, "institution_code"]).aggregate(
        reported_units=f.reported_units.sum(),
        explained=(f.explanation.notnull() & (f.explanation.strip() != "")).cast("int64").min())
    h = _history_by_unit(ctx)
    j = f.join(h, [*(f[k] == h[k] for k in CYCLE_KEY), f.institution_code == h.unit_code])
    j = j.filter((j.hist_units > 0)
                 & (j.reported_units.cast("float64") < ratio * j.hist_units.cast("float64")))
    return alerts(j, severity=ibis.ifelse(j.explained == 1, "info", "warning"),
                  value=j.reported_units.cast("float64") / j.hist_units.cast("float64"),
                  threshold=ratio, institution_code=j.institution_code, batch_code=j.batch_code,
                  cycle_no=j.cycle_no, variety_code=j.variety_code,
                  reported_units=j.reported_units.cast("float64"),
                  hist_units=j.hist_units.cast("float64"))


@rule(id="demand.missing", code="D2",
      title_zh="有历史采购量但未报量", title_en="history but no demand filed",
      clause="HENAN 二(一); GANZHOU 二(一)",
      needs=("demand_filings", "batches", "awards", "products"),
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）上年采购 {value:d} 个最小单位，但未报送需求量（零报量也须报送），请督促补报。')
def missing(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    h = _history_by_unit(ctx)
    h = h.filter(h.hist_units > 0)
    f = _filings(ctx)
    f = f.select(*CYCLE_KEY, unit_code=f.institution_code)
    j = h.anti_join(f, [*CYCLE_KEY, "unit_code"])
    return alerts(j, severity="warning", value=j.hist_units, threshold=0.0,
                  institution_code=j.unit_code, batch_code=j.batch_code, cycle_no=j.cycle_no,
                  variety_code=j.variety_code)


@rule(id="demand.actual_deviates", code="D3",
      title_zh="采购周期结束后实际采购量与需求量出入较大",
      title_en="purchases after the cycle far from the filed demand",
      clause="HENAN 二(一)", needs=("demand_filings", "batches", "products", "orders"),
      settings={"deviation": float},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）采购周期已结束，实际采购 {actual_units:d} 个最小单位，与报送需求量 {reported_units:d} 出入较大，请核查需求量填报是否准确合理，并纳入抽查通报。')
def actual_deviates(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Per filing unit and variety of an ended cycle: every product of the variety (on and
    off platform) ordered in the window by the unit's institutions, against its filing."""
    dev = float(s["deviation"])
    c = cycles(ctx)
    c = c.filter(c.end_date <= ctx.as_of_lit).select("batch_code", "cycle_no", "start_date",
                                                     "end_date")
    f = _filings(ctx)
    f = f.group_by([*CYCLE_KEY, "institution_code"]).aggregate(
        reported_units=f.reported_units.sum())
    f = f.join(c, ["batch_code", "cycle_no"])
    cv = f.select(*CYCLE_KEY, "start_date", "end_date").distinct().view()
    o = order_lines(ctx).select("institution_code", "variety_code", "order_date", "units")
    w = o.join(cv, "variety_code")
    w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.end_date))
    w = with_filing_unit(ctx, w.select(*CYCLE_KEY, "institution_code", "units"))
    actual = w.group_by([*CYCLE_KEY, "unit_code"]).aggregate(actual_units=w.units.sum())
    j = f.left_join(actual, [*(f[k] == actual[k] for k in CYCLE_KEY),
                             f.institution_code == actual.unit_code])
    j = j.select(*(f[k] for k in CYCLE_KEY), f.institution_code, f.reported_units,
                 f.start_date, f.end_date,
                 actual_units=actual.actual_units.fill_null(0).cast("int64"))
    j = _without_clinical_change(ctx, j)
    ratio = j.actual_units.cast("float64") / j.reported_units.cast("float64")
    hit = ibis.ifelse(j.reported_units > 0, (ratio - 1.0).abs() > dev + 1e-9,
                      j.actual_units > 0)
    j = j.filter(hit)
    positive = j.reported_units > 0
    return alerts(j, severity="info",
                  value=ibis.ifelse(positive, ratio, j.actual_units.cast("float64")),
                  threshold=ibis.ifelse(positive, ibis.ifelse(ratio > 1.0, 1.0 + dev, 1.0 - dev),
                                        0.0),
                  institution_code=j.institution_code, batch_code=j.batch_code,
                  cycle_no=j.cycle_no, variety_code=j.variety_code,
                  actual_units=j.actual_units.cast("float64"),
                  reported_units=j.reported_units.cast("float64"))


def _without_clinical_change(ctx: Context, j: ir.Table) -> ir.Table:
    """Drop the filing units whose window a ``clinical_change`` exemption overlaps: one for
    every institution, or one naming an institution whose filing unit is the row's."""
    if not ctx.has("exemptions"):
        return j
    e = ctx.t("exemptions")
    e = e.filter((e.kind == "clinical_change") & (e.start_date <= ctx.as_of_lit))
    keys = j.select(*CYCLE_KEY, "start_date", "end_date").distinct().view()
    k = keys.join(e, [keys.variety_code == e.variety_code, e.start_date <= keys.end_date,
                      e.end_date >= keys.start_date])
    k = k.select(*(keys[c] for c in CYCLE_KEY), ex_inst=e.institution_code)
    everyone = k.filter(k.ex_inst.isnull()).select(*CYCLE_KEY).distinct()
    j = j.anti_join(everyone, list(CYCLE_KEY))
    named = k.filter(k.ex_inst.notnull())
    named = with_filing_unit(ctx, named.select(*CYCLE_KEY, institution_code=named.ex_inst))
    named = named.select(*CYCLE_KEY, "unit_code").distinct()
    return j.anti_join(named, [*(j[c] == named[c] for c in CYCLE_KEY),
                               j.institution_code == named.unit_code])
