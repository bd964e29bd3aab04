"""The rankings of figures.md, from the figures rows: deterministic (ties broken by code).

Each ranking orders the rows of one scope (cities and counties each on their own)
in every period by one figure, best first; a row without that figure is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jicai.engine.context import Context
from jicai.engine.measures.progress import EPS, key_periods
from jicai.engine.progress import KEY, PROGRESS_NEEDS


@dataclass(frozen=True)
class Ranking:
    id: str
    zh: str
    scopes: tuple[str, ...]
    value: str
    high_first: bool
    second: str | None
    amount: str | None
    role: str | None = None
    completed: bool | None = None  # GANZHOU 附件1: only (not) completed institutions
    keep_empty: bool = False  # list rows without the figure too (at the end)


RANKINGS: tuple[Ranking, ...] = (
    Ranking("ganzhou_completed", "完成约定采购量的医疗机构（按中选产品采购数量占比排名）",
            ("institution",), "winning_unit_share", True, "completion", None, completed=True),
    Ranking("ganzhou_not_completed", "未完成约定采购量的医疗机构",
            ("institution",), "winning_unit_share", True, "completion", None, completed=False,
            keep_empty=True),
    Ranking("payment_institutions", "医疗机构按时回款率排名", ("institution",),
            "payment_on_time_rate", True, "payment_days", "overdue_amount"),
    Ranking("payment_regions", "地区按时回款率排名", ("city", "county"),
            "payment_on_time_rate", True, "payment_days", "overdue_amount"),
    Ranking("delivery_distributors", "配送企业配送率排名", ("company",), "delivery_rate", True,
            "response_48h_rate", "amount", role="distributor"),
    Ranking("delivery_manufacturers", "生产企业配送率排名", ("company",), "delivery_rate", True,
            "response_48h_rate", "amount", role="manufacturer"),
    Ranking("regions_gap", "地区采购进度排名（完成率与序时进度之差）", ("city", "county"), "gap",
            True, "completion", None),
    Ranking("regions_nonwinning", "地区非中选产品采购量占比排名（由低到高）", ("city", "county"),
            "nonwinning_share", False, "nonwinning_amount_share", "nonwinning_amount"),
    Ranking("regions_online", "地区网采率排名（药品）", ("city", "county"), "online_rate_drug",
            True, "online_rate_hv", None),
    Ranking("regions_payment", "地区按时回款率排名", ("city", "county"),
            "payment_on_time_rate", True, "payment_days", "overdue_amount"),
)
BY_ID = {r.id: r for r in RANKINGS}

SCHEMA = pa.schema([
    ("ranking", pa.string()), ("period_kind", pa.string()), ("period", pa.string()),
    ("period_start", pa.date32()), ("period_end", pa.date32()), ("scope", pa.string()),
    ("rank", pa.int64()), ("code", pa.string()), ("name", pa.string()),
    ("region_code", pa.string()), ("role", pa.string()), ("value", pa.float64()),
    ("value_num", pa.float64()), ("value_den", pa.float64()), ("second", pa.float64()),
    ("amount", pa.float64())])


def completed_institutions(ctx: Context) -> ir.Table | None:
    """(period, institution_code, completed): every (batch, cycle, variety) with agreed > 0
    and no clinical-change exemption completed (≥ 1) as of the period's end."""
    if not ctx.has(*PROGRESS_NEEDS):
        return None
    kp = key_periods(ctx)
    if "progress" in ctx.tables:
        pr = ctx.t("progress").select(*KEY, "has_clinical_change")
        kp = kp.left_join(pr, list(KEY)).drop(*(f"{k}_right" for k in KEY))
        exempt = kp.has_clinical_change.fill_null(False)
    else:
        exempt = ibis.literal(False)
    assessed = (kp.agreed_units > 0) & ~exempt
    short = assessed & (kp.completion < 1 - EPS)
    g = kp.group_by(["period", "institution_code"]).aggregate(
        assessed=assessed.cast("int64").sum(), short=short.cast("int64").sum())
    g = g.filter(g.assessed > 0)
    return g.select("period", code=g.institution_code, completed=g.short == 0)


def rankings_table(ctx: Context, figures: pa.Table) -> pa.Table:
    cols = ["period_kind", "period", "period_start", "period_end", "scope", "code", "name",
            "region_code", "role"]
    need = {c for r in RANKINGS for c in (r.value, r.second, r.amount) if c}
    need |= {f"{r.value}_{p}" for r in RANKINGS for p in ("num", "den")
             if f"{r.value}_{p}" in figures.column_names}
    # The rankings order rows already computed: they run in a local DuckDB whatever the
    # engine (an in-memory table on Spark goes through pandas, whose NaN would come
    # back for NULL strings).
    local = ctx.con if getattr(ctx.con, "name", "") == "duckdb" else ibis.duckdb.connect()
    f = ibis.memtable(figures.select([*cols, *sorted(need)]))
    done_expr = completed_institutions(ctx)
    done = (ibis.memtable(ctx.con.to_pyarrow(done_expr))
            if done_expr is not None and local is not ctx.con else done_expr)
    parts: list[ir.Table] = []
    for r in RANKINGS:
        t = f.filter(f.scope.isin(list(r.scopes)))
        if not r.keep_empty:
            t = t.filter(t[r.value].notnull())
        if r.role is not None:
            t = t.filter(t.role == r.role)
        if r.completed is not None:
            if done is None:
                continue
            d = done.filter(done.completed == r.completed).select(d_period="period",
                                                                 d_code="code")
            t = t.semi_join(d, [t.period == d.d_period, t.code == d.d_code])
        order = ibis.desc(t[r.value]) if r.high_first else ibis.asc(t[r.value])
        # NULLs last on every engine (DuckDB and Spark differ in their default).
        w = ibis.window(group_by=[t.period, t.scope],
                        order_by=[t[r.value].isnull(), order, t.code])
        num = f"{r.value}_num"
        t = t.select(
            *cols, ranking=ibis.literal(r.id),
            rank=(ibis.row_number().over(w) + 1).cast("int64"),
            value=t[r.value].cast("float64"),
            value_num=(t[num].cast("float64") if num in figures.column_names
                       else ibis.null("float64")),
            value_den=(t[f"{r.value}_den"].cast("float64") if num in figures.column_names
                       else ibis.null("float64")),
            second=t[r.second].cast("float64") if r.second else ibis.null("float64"),
            amount=t[r.amount].cast("float64") if r.amount else ibis.null("float64"))
        parts.append(t.select(SCHEMA.names))
    if not parts:
        return SCHEMA.empty_table()
    whole = parts[0]
    for p in parts[1:]:
        whole = whole.union(p)
    got = local.to_pyarrow(whole).select(SCHEMA.names).cast(SCHEMA)
    # The period order of the year (months, quarters, the year), then ranking, scope, rank.
    order = {p: i for i, p in enumerate(dict.fromkeys(figures.column("period").to_pylist()))}
    got = got.append_column("__o", pa.array([order[p] for p in got.column("period").to_pylist()],
                                            pa.int64()))
    got = got.sort_by([("ranking", "ascending"), ("__o", "ascending"), ("scope", "ascending"),
                       ("rank", "ascending")])
    return got.drop_columns(["__o"])
