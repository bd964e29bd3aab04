"""Progress and VBP-share figures per (batch, cycle, institution, variety) and period.

The order lines are read once into a per-(key, month) aggregate of the lines in
each cycle's window (winning / backup / non-winning / excluded units and
amounts, month 0 = before the as-of year); a dense (key × month) grid with
running sums then gives every period's figures: "as of the period's end"
(credited units) as the running sum at the period's last month, and the flow
of the period (shares) as the difference of two running sums. The definitions
are those of :func:`jicai.engine.progress.progress_table` (rules.md, shared
definitions), period by period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, award_roles, cycles, months_after, order_lines
from jicai.engine.measures.keep import keep
from jicai.engine.measures.periods import month_no, months_table, period_table
from jicai.engine.progress import KEY

EPS = 1e-9
FLOW = ("winning_units", "backup_units", "nonwinning_units", "excluded_nonwinning",
        "excluded_backup", "winning_amount", "backup_amount", "nonwinning_amount",
        "excluded_nonwinning_amount", "excluded_backup_amount")
UNIT_FLOW = FLOW[:5]


def nonwinning_threshold(ctx: Context) -> float:
    r = ctx.profile.rules.get("share.nonwinning_high")
    return float(r.settings["threshold"]) if r is not None else 0.5


def _supply_exemptions(ctx: Context) -> ir.Table | None:
    if not ctx.has("exemptions"):
        return None
    e = ctx.t("exemptions")
    e = e.filter((e.kind == "supply_problem") & (e.start_date <= ctx.as_of_lit))
    return e.select(ex_inst=e.institution_code, ex_variety=e.variety_code,
                    ex_start=e.start_date, ex_end=e.end_date)


def keys(ctx: Context) -> ir.Table:
    """Every (batch, cycle, institution, variety) with an agreed volume whose cycle started
    by as_of: agreed units, start and end dates."""
    def build() -> ir.Table:
        av = ctx.t("agreed_volumes")
        agreed = av.group_by(list(KEY)).aggregate(agreed_units=av.agreed_units.sum())
        cyc = cycles(ctx)
        j = agreed.join(cyc, ["batch_code", "cycle_no"])
        return j.select(*KEY, "start_date", "end_date", "window_end",
                        agreed_units=j.agreed_units.cast("int64"))
    return ctx.memo("measures_keys", build)


def key_months(ctx: Context) -> ir.Table:
    """Σ units and amounts per (key, month) of the lines in the key's window, by role."""
    def build() -> ir.Table:
        k = keys(ctx).select(*KEY, "start_date", "window_end").view()
        lines = order_lines(ctx).select(
            "institution_code", "product_code", "variety_code", "order_date", "units",
            "amount", "unit_price", "units_per_pack", "quality_equivalent")
        w = lines.join(k, ["institution_code", "variety_code"])
        w = w.filter((w.order_date >= w.start_date) & (w.order_date <= w.window_end))
        roles = award_roles(ctx).select("batch_code", "product_code", "role")
        w = w.left_join(roles, ["batch_code", "product_code"]).drop(
            "batch_code_right", "product_code_right")
        ar = award_roles(ctx)
        ar = ar.filter(ar.role == "winning")
        lowest = ar.group_by(["batch_code", "variety_code"]).aggregate(
            lowest_ppu=ar.price_per_unit.min()).view()
        w = w.left_join(lowest, ["batch_code", "variety_code"]).drop(
            "batch_code_right", "variety_code_right")
        role = w.role.fill_null("nonwinning")
        cheap = ((role == "nonwinning") & w.quality_equivalent & w.lowest_ppu.notnull()
                 & (w.unit_price.cast("float64") / w.units_per_pack.cast("float64")
                    <= w.lowest_ppu + 1e-9))
        w = w.mutate(role=role, cheap=cheap, month=month_no(ctx, w.order_date),
                     yuan=w.amount.cast("float64"))
        agg = w.group_by([*KEY, "month"]).aggregate(
            winning_units=w.units.sum(where=w.role == "winning"),
            backup_units=w.units.sum(where=w.role == "backup"),
            nonwinning_units=w.units.sum(where=w.role == "nonwinning"),
            cheap_units=w.units.sum(where=w.cheap),
            winning_amount=w.yuan.sum(where=w.role == "winning"),
            backup_amount=w.yuan.sum(where=w.role == "backup"),
            nonwinning_amount=w.yuan.sum(where=w.role == "nonwinning"),
            cheap_amount=w.yuan.sum(where=w.cheap))
        sp = _supply_exemptions(ctx)
        cols = [*KEY, "month"]
        if sp is not None:
            cand = w.filter((w.role != "winning") & ~w.cheap)
            hit = cand.semi_join(sp, [
                cand.variety_code == sp.ex_variety,
                sp.ex_inst.isnull() | (sp.ex_inst == cand.institution_code),
                cand.order_date >= sp.ex_start, cand.order_date <= sp.ex_end])
            sp_agg = hit.group_by(cols).aggregate(
                sp_nonwinning=hit.units.sum(where=hit.role == "nonwinning"),
                sp_backup=hit.units.sum(where=hit.role == "backup"),
                sp_nonwinning_amount=hit.yuan.sum(where=hit.role == "nonwinning"),
                sp_backup_amount=hit.yuan.sum(where=hit.role == "backup"))
            agg = agg.left_join(sp_agg, cols).drop(*(f"{c}_right" for c in cols))
        else:
            agg = agg.mutate(sp_nonwinning=ibis.literal(0, "int64"),
                             sp_backup=ibis.literal(0, "int64"),
                             sp_nonwinning_amount=ibis.literal(0.0),
                             sp_backup_amount=ibis.literal(0.0))
        z, zf = ibis.literal(0, "int64"), ibis.literal(0.0)
        return agg.select(
            *cols,
            winning_units=agg.winning_units.fill_null(z).cast("int64"),
            backup_units=agg.backup_units.fill_null(z).cast("int64"),
            nonwinning_units=agg.nonwinning_units.fill_null(z).cast("int64"),
            excluded_nonwinning=(agg.cheap_units.fill_null(z)
                                 + agg.sp_nonwinning.fill_null(z)).cast("int64"),
            excluded_backup=agg.sp_backup.fill_null(z).cast("int64"),
            winning_amount=agg.winning_amount.fill_null(zf),
            backup_amount=agg.backup_amount.fill_null(zf),
            nonwinning_amount=agg.nonwinning_amount.fill_null(zf),
            excluded_nonwinning_amount=(agg.cheap_amount.fill_null(zf)
                                        + agg.sp_nonwinning_amount.fill_null(zf)),
            excluded_backup_amount=agg.sp_backup_amount.fill_null(zf))
    return keep(ctx, "measures_key_months", build)


def _grid(ctx: Context) -> ir.Table:
    """(key × month 0 … as-of month) with running sums of every flow column."""
    k = keys(ctx).select(*KEY)
    g = k.cross_join(months_table(ctx))
    a = key_months(ctx)
    cols = [*KEY, "month"]
    g = g.left_join(a, cols).drop(*(f"{c}_right" for c in cols))
    w = ibis.cumulative_window(group_by=list(KEY), order_by="month")
    return g.select(*cols, **{
        f"cum_{c}": g[c].fill_null(0 if c in UNIT_FLOW else 0.0).sum().over(w) for c in FLOW})


def key_periods(ctx: Context) -> ir.Table:
    """One row per (key, period) whose cycle window overlaps the period: agreed and
    credited units as of the period's end, schedule, status, entry, and the period's flows."""
    def build() -> ir.Table:
        grid = keep(ctx, "measures_grid", lambda: _grid(ctx))
        k = keys(ctx)
        p = period_table(ctx).select("period", "period_start", "period_end", "first_month",
                                     "last_month")
        kp = k.cross_join(p)
        kp = kp.filter((kp.start_date <= kp.period_end) & (kp.end_date >= kp.period_start))
        at_end = grid.view()
        at_end = at_end.rename(**{f"e_{c}": f"cum_{c}" for c in FLOW}).rename(e_month="month")
        before = grid.view()
        before = before.rename(**{f"b_{c}": f"cum_{c}" for c in FLOW}).rename(b_month="month")
        j = kp.join(at_end, [*(kp[c] == at_end[c] for c in KEY),
                             kp.last_month == at_end.e_month])
        j = j.drop(*(f"{c}_right" for c in KEY)) if "batch_code_right" in j.columns else j
        j = j.view()
        j = j.join(before, [*(j[c] == before[c] for c in KEY),
                            (j.first_month - 1) == before.b_month])
        j = j.drop(*(f"{c}_right" for c in KEY)) if "batch_code_right" in j.columns else j
        credited = j.e_winning_units + (j.e_backup_units if ctx.backup_counts else 0)
        days_in = (j.end_date.delta(j.start_date, unit="day") + 1).cast("float64")
        upto = ibis.least(j.end_date, j.period_end)
        elapsed = (upto.delta(j.start_date, unit="day") + 1).cast("float64")
        j = j.mutate(credited_units=credited.cast("int64"),
                     schedule=elapsed / days_in,
                     p3_day=months_after(j.start_date, 2),
                     **{c: j[f"e_{c}"] - j[f"b_{c}"] for c in FLOW})
        agreed = j.agreed_units
        completion = ibis.ifelse(agreed > 0, j.credited_units.cast("float64")
                                 / agreed.cast("float64"), ibis.null("float64"))
        j = j.mutate(completion=completion)
        status = ibis.cases(
            (agreed <= 0, ibis.null("string")),
            (j.credited_units == 0, "zero"),
            (j.completion < j.schedule - EPS, "behind"),
            (j.completion > 1 + EPS, "over"),
            else_="normal")
        all_units = j.winning_units + j.backup_units + j.nonwinning_units
        all_amount = j.winning_amount + j.backup_amount + j.nonwinning_amount
        ex_units = j.excluded_nonwinning + j.excluded_backup
        ex_amount = j.excluded_nonwinning_amount + j.excluded_backup_amount
        win_units = j.winning_units + (j.backup_units if ctx.backup_counts else 0)
        win_amount = j.winning_amount + (j.backup_amount if ctx.backup_counts else 0.0)
        nw_num = j.nonwinning_units - j.excluded_nonwinning
        nw_den = all_units - ex_units
        share = ibis.ifelse(nw_den > 0, nw_num.cast("float64") / nw_den.cast("float64"),
                            ibis.null("float64"))
        th = nonwinning_threshold(ctx)
        entry_due = (agreed > 0) & (j.period_end >= j.p3_day)
        return j.select(
            "period", *KEY, "start_date", "end_date", "agreed_units", "credited_units",
            "schedule", "completion", *FLOW,
            status=status,
            schedule_units=agreed.cast("float64") * j.schedule,
            entry_num=(entry_due & (j.credited_units > 0)).cast("int64"),
            entry_den=entry_due.cast("int64"),
            win_units=win_units.cast("int64"), win_amount=win_amount,
            all_units=all_units.cast("int64"), all_amount=all_amount,
            nw_num=nw_num.cast("int64"), nw_den=nw_den.cast("int64"),
            nw_amount_num=j.nonwinning_amount - j.excluded_nonwinning_amount,
            nw_amount_den=all_amount - ex_amount,
            excluded_units=ex_units.cast("int64"), excluded_amount=ex_amount,
            nonwinning_share=share,
            nw_over=(share.notnull() & (share > th + EPS)).cast("int64"))
    return keep(ctx, "measures_key_periods", build)


# Summable columns of a key-period row, named as figures.parquet names them.
def _sums(t: ir.Table) -> dict[str, ir.Value]:
    has = t.agreed_units > 0
    return {
        "agreed_units": t.agreed_units.sum(),
        "credited_units": t.credited_units.sum(),
        "completion_num": t.credited_units.sum(),
        "completion_den": t.agreed_units.sum(),
        "schedule_num": t.schedule_units.sum(),
        "schedule_den": t.agreed_units.sum(),
        "status_zero_share_num": (t.status == "zero").cast("int64").sum(),
        "status_behind_share_num": (t.status == "behind").cast("int64").sum(),
        "status_normal_share_num": (t.status == "normal").cast("int64").sum(),
        "status_over_share_num": (t.status == "over").cast("int64").sum(),
        "status_den": has.cast("int64").sum(),
        "entry_rate_num": t.entry_num.sum(),
        "entry_rate_den": t.entry_den.sum(),
        "winning_unit_share_num": t.win_units.sum(),
        "winning_unit_share_den": t.all_units.sum(),
        "winning_amount_share_num": t.win_amount.sum(),
        "winning_amount_share_den": t.all_amount.sum(),
        "nonwinning_share_num": t.nw_num.sum(),
        "nonwinning_share_den": t.nw_den.sum(),
        "nonwinning_amount_share_num": t.nw_amount_num.sum(),
        "nonwinning_amount_share_den": t.nw_amount_den.sum(),
        "nonwinning_units": t.nonwinning_units.sum(),
        "nonwinning_amount": t.nonwinning_amount.sum(),
        "excluded_units": t.excluded_units.sum(),
        "nonwinning_over": t.nw_over.sum(),
    }


SUMS = (
    "agreed_units", "credited_units", "completion_num", "completion_den", "schedule_num",
    "schedule_den", "status_zero_share_num", "status_behind_share_num",
    "status_normal_share_num", "status_over_share_num", "status_den", "entry_rate_num",
    "entry_rate_den", "winning_unit_share_num", "winning_unit_share_den",
    "winning_amount_share_num", "winning_amount_share_den", "nonwinning_share_num",
    "nonwinning_share_den", "nonwinning_amount_share_num", "nonwinning_amount_share_den",
    "nonwinning_units", "nonwinning_amount", "excluded_units", "nonwinning_over")


def institution_sums(ctx: Context) -> ir.Table:
    """(period, institution_code, the summable progress columns)."""
    kp = key_periods(ctx)
    return kp.group_by(["period", "institution_code"]).aggregate(**_sums(kp))


def variety_sums(ctx: Context) -> ir.Table:
    """(period, scope='variety', code=variety, region_code=the region, the sums) over
    the institutions of each region."""
    from jicai.engine.measures.scopes import membership

    kp = key_periods(ctx)
    m = membership(ctx).select("institution_code", r_code="code")
    j = kp.join(m, "institution_code")
    g = j.group_by(["period", "variety_code", "r_code"]).aggregate(**_sums(j))
    return g.rename(code="variety_code", region_code="r_code")
