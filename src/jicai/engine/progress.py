"""Progress of each (batch, cycle, institution, variety) and the rules P1, P2, P3, S1, P4.

rules.md, shared definitions: units in the window ``start … min(as_of, end)``,
winning / backup / non-winning by the batch's awards, credited units (backup
counts where the profile says, JILIN 第二十三条), completion against the sum of
agreed units over companies (HENAN 二(四): all specs of a variety together),
schedule (序时进度), excluded purchases and exemptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, award_roles, cycles, months_after, order_lines
from jicai.engine.registry import rule

PROGRESS_NEEDS = ("batches", "awards", "agreed_volumes", "products", "orders")
KEY = ("batch_code", "cycle_no", "institution_code", "variety_code")


def _exemptions(ctx: Context, kind: str) -> ir.Table | None:
    if not ctx.has("exemptions"):
        return None
    e = ctx.t("exemptions")
    e = e.filter((e.kind == kind) & (e.start_date <= ctx.as_of_lit))
    return e.select(ex_inst=e.institution_code, ex_variety=e.variety_code,
                    ex_start=e.start_date, ex_end=e.end_date)


def progress_table(ctx: Context) -> ir.Table:
    """One row per (batch, cycle, institution, variety) with an agreed volume, cycle started.

    The order lines are read in two passes: one aggregation (winning / backup /
    non-winning units, and the cheaper equal-quality lines as a column) and one
    semi-join for lines inside a supply-problem exemption. Exemption flags are set
    on the small key table, never on the lines.
    """
    av = ctx.t("agreed_volumes")
    agreed = av.group_by(list(KEY)).aggregate(agreed_units=av.agreed_units.sum())
    cyc = cycles(ctx)
    base = agreed.join(cyc, ["batch_code", "cycle_no"])
    keys = base.select(*KEY, "start_date", "window_end").view()

    lines = order_lines(ctx).select("institution_code", "product_code", "variety_code",
                                    "order_date", "units", "unit_price", "units_per_pack",
                                    "quality_equivalent")
    w = lines.join(keys, ["institution_code", "variety_code"])
    w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.window_end))
    roles = award_roles(ctx).select("batch_code", "product_code", "role")
    w = w.left_join(roles, ["batch_code", "product_code"]).drop("batch_code_right",
                                                                "product_code_right")
    # Non-winning lines of equal quality at or below the lowest winning award price per
    # minimum unit are excluded (价格低于中选药品且达到同等质量疗效).
    ar = award_roles(ctx)
    ar = ar.filter(ar.role == "winning")
    lowest = ar.group_by(["batch_code", "variety_code"]).aggregate(
        lowest_ppu=ar.price_per_unit.min()).view()
    w = w.left_join(lowest, ["batch_code", "variety_code"]).drop("batch_code_right",
                                                                 "variety_code_right")
    role = w.role.fill_null("nonwinning")
    cheap = ((role == "nonwinning") & w.quality_equivalent & w.lowest_ppu.notnull()
             & (w.unit_price.cast("float64") / w.units_per_pack.cast("float64")
                <= w.lowest_ppu + 1e-9))
    w = w.mutate(role=role, cheap=cheap)
    agg = w.group_by(list(KEY)).aggregate(
        winning_units=w.units.sum(where=w.role == "winning"),
        backup_units=w.units.sum(where=w.role == "backup"),
        nonwinning_units=w.units.sum(where=w.role == "nonwinning"),
        cheap_units=w.units.sum(where=w.cheap))

    t = base.left_join(agg, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    zero = ibis.literal(0, type="int64")
    # ... and non-winning or backup lines inside a verified supply problem (HENAN 二(四),
    # JILIN 第二十三条), those not already excluded as cheaper equal-quality lines.
    sp = _exemptions(ctx, "supply_problem")
    if sp is not None:
        cand = w.filter((w.role != "winning") & ~w.cheap)
        hit = cand.semi_join(sp, [
            cand.variety_code == sp.ex_variety,
            sp.ex_inst.isnull() | (sp.ex_inst == cand.institution_code),
            cand.order_date >= sp.ex_start, cand.order_date <= sp.ex_end])
        sp_agg = hit.group_by(list(KEY)).aggregate(
            sp_nonwinning=hit.units.sum(where=hit.role == "nonwinning"),
            sp_backup=hit.units.sum(where=hit.role == "backup"))
        t = t.left_join(sp_agg, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    else:
        t = t.mutate(sp_nonwinning=zero, sp_backup=zero)
    t = t.mutate(
        winning_units=t.winning_units.fill_null(zero).cast("int64"),
        backup_units=t.backup_units.fill_null(zero).cast("int64"),
        nonwinning_units=t.nonwinning_units.fill_null(zero).cast("int64"),
        excluded_nonwinning=(t.cheap_units.fill_null(zero)
                             + t.sp_nonwinning.fill_null(zero)).cast("int64"),
        excluded_backup=t.sp_backup.fill_null(zero).cast("int64"),
        agreed_units=t.agreed_units.cast("int64"),
    )
    t = t.mutate(excluded_units=t.excluded_nonwinning + t.excluded_backup)
    credited = t.winning_units + (t.backup_units if ctx.backup_counts else 0)
    denom = (t.winning_units + t.backup_units + t.nonwinning_units
             - t.excluded_nonwinning - t.excluded_backup)
    days_in = (t.end_date.delta(t.start_date, unit="day") + 1).cast("float64")
    elapsed = (t.window_end.delta(t.start_date, unit="day") + 1).cast("float64")
    t = t.mutate(
        credited_units=credited.cast("int64"),
        completion=ibis.ifelse(t.agreed_units > 0,
                               credited.cast("float64") / t.agreed_units.cast("float64"),
                               ibis.null("float64")),
        schedule=elapsed / days_in,
        nonwinning_share=ibis.ifelse(
            denom > 0, (t.nonwinning_units - t.excluded_nonwinning).cast("float64")
            / denom.cast("float64"), ibis.null("float64")),
    )
    # Exemptions overlapping the window (a clinical change switches P1–P3 off), flagged
    # on the small key table and joined once.
    flags = keys.select(*KEY)
    for kind in ("clinical_change", "supply_problem"):
        e = _exemptions(ctx, kind)
        flag = f"has_{kind}"
        if e is None:
            flags = flags.mutate(**{flag: ibis.literal(False)})
            continue
        hit_keys = keys.semi_join(e, [
            keys.variety_code == e.ex_variety,
            e.ex_inst.isnull() | (e.ex_inst == keys.institution_code),
            e.ex_start <= keys.window_end, e.ex_end >= keys.start_date]).select(*KEY).mutate(
            **{flag: ibis.literal(True)})
        flags = flags.left_join(hit_keys, list(KEY)).drop(*(f"{k}_right" for k in KEY))
        flags = flags.mutate(**{flag: flags[flag].fill_null(False)})
    t = t.left_join(flags.view(), list(KEY)).drop(*(f"{k}_right" for k in KEY))
    t = t.mutate(exemption=ibis.cases(
        (t.has_clinical_change & t.has_supply_problem, "clinical_change;supply_problem"),
        (t.has_clinical_change, "clinical_change"),
        (t.has_supply_problem, "supply_problem"),
        else_=ibis.null("string")))
    return t


# --- rules over the progress table ----------------------------------------------------------
# The runner puts the executed progress table into ctx.tables["progress"].


@rule(id="progress.behind_schedule", code="P1",
      title_zh="采购进度低于序时进度", title_en="progress behind schedule",
      clause="HENAN 二(九); GANZHOU 二(三); JILIN 第十三、十五条",
      needs=PROGRESS_NEEDS, settings={"tolerance": float},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）约定采购量完成 {value:.1%}，低于序时进度 {schedule:.1%}，请督促按协议量采购。')
def behind_schedule(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    t = ctx.t("progress")
    limit = t.schedule - float(s["tolerance"])
    t = t.filter((t.start_date <= ctx.as_of_lit) & (ctx.as_of_lit < t.end_date)
                 & ~t.has_clinical_change & t.completion.notnull() & (t.completion < limit))
    return alerts(t, severity="warning", value=t.completion, threshold=limit,
                  institution_code=t.institution_code, batch_code=t.batch_code,
                  cycle_no=t.cycle_no, variety_code=t.variety_code, schedule=t.schedule)


@rule(id="progress.incomplete_at_end", code="P2",
      title_zh="采购周期结束未完成约定采购量", title_en="agreed volume not completed",
      clause="JILIN 第十六、二十一条", needs=PROGRESS_NEEDS,
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）采购周期已结束，约定采购量仅完成 {value:.1%}，该品种考核不合格，将影响下一年度医保额度。')
def incomplete_at_end(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    t = ctx.t("progress")
    t = t.filter((ctx.as_of_lit >= t.end_date) & ~t.has_clinical_change
                 & t.completion.notnull() & (t.completion < 1.0))
    return alerts(t, severity="critical", value=t.completion, threshold=1.0,
                  institution_code=t.institution_code, batch_code=t.batch_code,
                  cycle_no=t.cycle_no, variety_code=t.variety_code)


@rule(id="entry.not_entered", code="P3",
      title_zh="中选产品未进院", title_en="winning product has not entered the hospital",
      clause="HENAN 二(二); GANZHOU 二(二); JILIN 第十五条", needs=PROGRESS_NEEDS,
      settings={"months_after_start": int},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）执行已满 {threshold:d} 个月，仍未采购任何中选产品（未进院），请督促尽快完成进院采购。')
def not_entered(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    t = ctx.t("progress")
    n = int(s["months_after_start"])
    t = t.filter((ctx.as_of_lit >= months_after(t.start_date, n)) & (t.agreed_units > 0)
                 & (t.credited_units == 0) & ~t.has_clinical_change)
    return alerts(t, severity="warning", value=t.credited_units, threshold=float(n),
                  institution_code=t.institution_code, batch_code=t.batch_code,
                  cycle_no=t.cycle_no, variety_code=t.variety_code)


@rule(id="share.nonwinning_high", code="S1",
      title_zh="非中选产品采购占比过高", title_en="non-winning share of the variety too high",
      clause="HENAN 二(九); JILIN 第二十一条", needs=PROGRESS_NEEDS, settings={"threshold": float},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）非中选产品采购量占同品种 {value:.1%}，超过 {threshold:.1%}，请核查是否无正当理由采购非中选产品。')
def nonwinning_high(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    t = ctx.t("progress")
    th = float(s["threshold"])
    t = t.filter(t.nonwinning_share.notnull() & (t.nonwinning_share > th))
    return alerts(t, severity="warning", value=t.nonwinning_share, threshold=th,
                  institution_code=t.institution_code, batch_code=t.batch_code,
                  cycle_no=t.cycle_no, variety_code=t.variety_code)


@rule(id="progress.forecast_short", code="P4",
      title_zh="预计无法完成约定采购量", title_en="will not reach the agreed volume",
      clause="HENAN 二(九)", needs=PROGRESS_NEEDS,
      settings={"tolerance": float, "min_days": int, "recent_days": int},
      message='{institution_name}的{variety_name}（{batch_name}第{cycle_no}年）目前完成 {completion:.1%}，按近 {recent_days:d} 天的采购速度，预计周期结束时仅完成约定采购量的 {value:.1%}，请提醒医疗机构加快采购中选产品。')
def forecast_short(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """An early warning while not yet behind: the recent rate will not reach the volume.

    projected = (credited + r × days remaining) / agreed, r = credited units ordered in
    the last ``recent_days`` days of the window / ``recent_days`` (rules.md, v1.1).
    """
    min_days, recent = int(s["min_days"]), int(s["recent_days"])
    t = ctx.t("progress")
    elapsed = t.window_end.delta(t.start_date, unit="day") + 1
    behind = t.completion < t.schedule - float(s["tolerance"])  # exactly P1's test
    t = t.filter((t.start_date <= ctx.as_of_lit) & (ctx.as_of_lit <= t.end_date)
                 & ~t.has_clinical_change & (t.agreed_units > 0) & t.completion.notnull()
                 & (elapsed >= min_days) & ~behind)
    keys = t.select(*KEY, "start_date", "window_end").view()
    lines = order_lines(ctx).select("institution_code", "product_code", "variety_code",
                                    "order_date", "units")
    w = lines.join(keys, ["institution_code", "variety_code"])
    # the last `recent` dates of the window: window_end − recent + 1 … window_end
    w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.window_end)
                 & (w.window_end.delta(w.order_date, unit="day") < recent))
    roles = award_roles(ctx)
    credited_roles = ["winning", "backup"] if ctx.backup_counts else ["winning"]
    roles = roles.filter(roles.role.isin(credited_roles)).select("batch_code", "product_code")
    w = w.join(roles, ["batch_code", "product_code"])
    recent_units = w.group_by(list(KEY)).aggregate(recent_units=w.units.sum())
    t = t.left_join(recent_units, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    remaining = t.end_date.delta(t.window_end, unit="day").cast("float64")
    rate = t.recent_units.fill_null(0).cast("float64") / float(recent)
    projected = ((t.credited_units.cast("float64") + rate * remaining)
                 / t.agreed_units.cast("float64"))
    t = t.mutate(projected=projected).filter(lambda x: x.projected < 1.0 - 1e-9)
    return alerts(t, severity="info", value=t.projected, threshold=1.0,
                  institution_code=t.institution_code, batch_code=t.batch_code,
                  cycle_no=t.cycle_no, variety_code=t.variety_code,
                  completion=t.completion, recent_days=ibis.literal(recent, type="int64"))
