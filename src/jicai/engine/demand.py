"""Demand filing (报量) rules D1 and D2 — HENAN 二(一), GANZHOU 二(一).

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
    j = j.select(*CYCLE_KEY, "institution_code", "units")
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
    else:
        unit = j.institution_code
    j = j.mutate(unit_code=unit)
    return j.group_by([*CYCLE_KEY, "unit_code"]).aggregate(hist_units=j.units.sum()).view()


def _cycle_varieties(ctx: Context) -> ir.Table:
    c = cycles(ctx)
    v = award_roles(ctx).select("batch_code", "variety_code").distinct()
    j = c.join(v, "batch_code")
    # .view(): joined below with history, which may share `products` through orders;
    # without it Ibis folds both join chains into one and rejects the predicates.
    return j.select("batch_code", "cycle_no", "variety_code", "start_date",
                    hist_year=j.start_date.year() - 1).view()


def _filings(ctx: Context) -> ir.Table:
    f = ctx.t("demand_filings")
    return f.filter(f.filed_at < ctx.as_of_end)


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
    f = _filings(ctx).select(*CYCLE_KEY, unit_code=_filings(ctx).institution_code)
    j = h.anti_join(f, [*CYCLE_KEY, "unit_code"])
    return alerts(j, severity="warning", value=j.hist_units, threshold=0.0,
                  institution_code=j.unit_code, batch_code=j.batch_code, cycle_no=j.cycle_no,
                  variety_code=j.variety_code)
