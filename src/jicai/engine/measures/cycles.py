"""``cycles.parquet``: progress per (batch, cycle, variety) of each institution (the
一院一档 lines) and per (batch, cycle) of each institution and region — the "each
cycle" view of a scope over several cycles — in every period. (A region's figures
per variety are the ``variety`` rows of figures.parquet.)"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from jicai.engine.context import Context
from jicai.engine.measures import scopes
from jicai.engine.measures.build import in_period_order, with_periods
from jicai.engine.measures.progress import key_periods
from jicai.engine.progress import KEY

UNITS = ("agreed_units", "credited_units", "winning_units", "backup_units",
         "nonwinning_units", "excluded_units")
AMOUNTS = ("winning_amount", "backup_amount", "nonwinning_amount", "excluded_amount")
COUNTS = ("varieties", "status_zero", "status_behind", "status_normal", "status_over")

SCHEMA = pa.schema([
    ("period_kind", pa.string()), ("period", pa.string()), ("period_start", pa.date32()),
    ("period_end", pa.date32()), ("scope", pa.string()), ("code", pa.string()),
    ("name", pa.string()), ("region_code", pa.string()), ("batch_code", pa.string()),
    ("batch_name", pa.string()), ("cycle_no", pa.int64()), ("start_date", pa.date32()),
    ("end_date", pa.date32()), ("variety_code", pa.string()), ("variety_name", pa.string()),
    *((c, pa.int64()) for c in UNITS), *((c, pa.float64()) for c in AMOUNTS),
    ("completion", pa.float64()), ("schedule", pa.float64()), ("gap", pa.float64()),
    ("nonwinning_share", pa.float64()), ("nw_num", pa.int64()), ("nw_den", pa.int64()),
    *((c, pa.int64()) for c in COUNTS), ("status", pa.string()), ("exemption", pa.string()),
])
OUT_SCHEMA = pa.schema([f for f in SCHEMA if f.name not in ("nw_num", "nw_den")])


def _base(ctx: Context) -> ir.Table:
    kp = key_periods(ctx)
    has = kp.agreed_units > 0
    t = kp.mutate(
        varieties=has.cast("int64"),
        **{f"status_{s}": (kp.status == s).cast("int64") for s in
           ("zero", "behind", "normal", "over")})
    if "progress" in ctx.tables:
        # from the flags (the progress table is an in-memory table here: on Spark its NULL
        # strings would come back as "NaN")
        pr = ctx.t("progress").select(*KEY, "has_clinical_change", "has_supply_problem")
        t = t.left_join(pr, list(KEY)).drop(*(f"{k}_right" for k in KEY))
        cc = t.has_clinical_change.fill_null(False)
        sp = t.has_supply_problem.fill_null(False)
        t = t.mutate(exemption=ibis.cases(
            (cc & sp, "clinical_change;supply_problem"), (cc, "clinical_change"),
            (sp, "supply_problem"), else_=ibis.null("string")))
    else:
        t = t.mutate(exemption=ibis.null("string"))
    return t


def _agg(t: ir.Table, by: list[str]) -> ir.Table:
    return t.group_by(by).aggregate(
        **{c: t[c].sum() for c in (*UNITS, *AMOUNTS, *COUNTS, "nw_num", "nw_den")},
        schedule=t.schedule.max(), start_date=t.start_date.min(), end_date=t.end_date.max())


def _ratios(t: ir.Table) -> ir.Table:
    completion = ibis.ifelse(t.agreed_units > 0, t.credited_units.cast("float64")
                             / t.agreed_units.cast("float64"), ibis.null("float64"))
    t = t.mutate(completion=completion,
                 nonwinning_share=ibis.ifelse(t.nw_den > 0, t.nw_num.cast("float64")
                                              / t.nw_den.cast("float64"),
                                              ibis.null("float64")))
    return t.mutate(gap=t.completion - t.schedule)


def cycles_table(ctx: Context) -> pa.Table:
    t = _base(ctx)
    inst = scopes.institutions(ctx).select(i_code="institution_code", i_name="name",
                                           i_region="region_code")
    m = scopes.membership(ctx)
    parts: list[ir.Table] = []
    # institution × batch × variety: the key rows themselves
    k = t.join(inst, t.institution_code == inst.i_code)
    parts.append(k.select(
        "period", "batch_code", "cycle_no", "variety_code", "start_date", "end_date",
        "schedule", "status", "exemption", *UNITS, *AMOUNTS, *COUNTS, "nw_num", "nw_den",
        scope=ibis.literal("institution"), code=k.institution_code, name=k.i_name,
        region_code=k.i_region))
    # institution × batch (all varieties)
    a = _agg(k, ["period", "institution_code", "i_name", "i_region", "batch_code",
                 "cycle_no"])
    parts.append(a.select(
        "period", "batch_code", "cycle_no", "start_date", "end_date", "schedule",
        *UNITS, *AMOUNTS, *COUNTS, "nw_num", "nw_den",
        variety_code=ibis.null("string"), status=ibis.null("string"),
        exemption=ibis.null("string"), scope=ibis.literal("institution"),
        code=a.institution_code, name=a.i_name, region_code=a.i_region))
    # regions × batch, summed from the institutions' batch rows
    r = a.join(m, "institution_code")
    names = scopes.region_names(ctx).rename(r_code="code", r_name="name")
    by = ["period", "scope", "code", "region_code", "batch_code", "cycle_no"]
    g = _agg(r, by)
    g = g.left_join(names, g.code == names.r_code).drop("r_code")
    parts.append(g.select(
        *by, "start_date", "end_date", "schedule", *UNITS, *AMOUNTS, *COUNTS,
        "nw_num", "nw_den", variety_code=ibis.null("string"), status=ibis.null("string"),
        exemption=ibis.null("string"), name=g.r_name))
    cols = [f.name for f in SCHEMA if f.name not in ("period_kind", "period_start",
                                                      "period_end", "batch_name",
                                                      "variety_name", "completion",
                                                      "gap", "nonwinning_share")]
    whole = parts[0].select(*cols)
    for p in parts[1:]:
        whole = whole.union(p.select(*cols))
    got = [_names(ctx, ctx.con.to_pyarrow(in_period_order(
        ctx, _ratios(whole), ["scope", "code", "region_code", "batch_code", "cycle_no",
                              "variety_code"])))]
    out = with_periods(ctx, got, schema=SCHEMA)
    return out.select(OUT_SCHEMA.names)


def lookup(codes: pa.ChunkedArray | pa.Array, names: pa.Table) -> pa.Array:
    """The name of each code (NULL where unknown), ``names`` = (code, name)."""
    idx = pc.index_in(codes, value_set=names.column(0))
    return pc.take(names.column(1), idx)


def _names(ctx: Context, t: pa.Table) -> pa.Table:
    """Batch and variety names (small lookups, joined in Arrow)."""
    b = ctx.con.to_pyarrow(ctx.t("batches").select("batch_code", "name").distinct())
    b = b.group_by("batch_code").aggregate([("name", "min")])
    v = ctx.con.to_pyarrow(scopes.variety_names(ctx))
    t = t.append_column("batch_name", lookup(t.column("batch_code"), b))
    return t.append_column("variety_name", lookup(t.column("variety_code"), v))
