"""Assemble ``figures.parquet`` and ``cycles.parquet`` from the families' sums.

Institution rows are the sums of each family joined on (period, institution);
region rows sum their institutions' numerators and denominators; every ratio is
computed last, from the sums of its row (``Σ num / Σ den``, NULL when Σ den = 0).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from jicai.engine.context import Context
from jicai.engine.measures import filings, payments, progress, scopes, supply
from jicai.engine.measures.columns import COLUMNS, physical_columns
from jicai.engine.measures.keep import keep
from jicai.engine.measures.periods import period_arrow, period_table
from jicai.engine.progress import PROGRESS_NEEDS

# Every summable column of a scope row and its type.
EXTRA_SUMS = {"status_den": "int64", "drug_amount": "float64", "consumable_amount": "float64",
              "filed_drug_amount": "float64", "filed_consumable_amount": "float64",
              "filed_drug_items": "int64", "drug_items": "int64"}


def _sum_types() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, _zh, t in physical_columns():
        out[name] = "float64" if pa.types.is_floating(t) else "int64"
    return out


TYPES = _sum_types()


def _sum_columns(ctx: Context) -> list[str]:
    cols: list[str] = []
    if ctx.has(*PROGRESS_NEEDS):
        cols += list(progress.SUMS)
    if ctx.has("orders", "products"):
        cols += list(supply.SUMS)
    if ctx.has("orders", "products", "payments"):
        cols += list(payments.SUMS)
    if ctx.has("filings"):
        cols += ["filed_drug_amount", "filed_consumable_amount", "filed_drug_items"]
    if ctx.has("orders", "products"):
        cols += ["drug_items"]
    return cols


def _type(c: str) -> str:
    return EXTRA_SUMS.get(c) or TYPES[c]


def _zero(c: str) -> ir.Value:
    return ibis.literal(0.0) if _type(c) == "float64" else ibis.literal(0, type="int64")


def institution_frame(ctx: Context) -> ir.Table:
    """(period, institution_code, every summable column), NULL-free."""
    return keep(ctx, "measures_frame", lambda: _frame(ctx))


def _frame(ctx: Context) -> ir.Table:
    inst = scopes.institutions(ctx).select("institution_code")
    p = period_table(ctx).select("period")
    frame = inst.cross_join(p)
    parts: list[ir.Table] = []
    if ctx.has(*PROGRESS_NEEDS):
        parts.append(progress.institution_sums(ctx))
    if ctx.has("orders", "products"):
        parts.append(supply.institution_sums(ctx))
        parts.append(supply.drug_products(ctx))
    if ctx.has("orders", "products", "payments"):
        parts.append(payments.institution_sums(ctx))
    f = filings.institution_sums(ctx)
    if f is not None:
        parts.append(f)
    for part in parts:
        frame = frame.left_join(part, ["period", "institution_code"]).drop(
            "period_right", "institution_code_right").view()
    cols = _sum_columns(ctx)
    return frame.select("period", "institution_code", **{
        c: frame[c].cast(_type(c)).fill_null(_zero(c)) for c in cols})


def _substitutes(ctx: Context) -> tuple[ir.Table, ir.Table, ir.Table] | None:
    s = supply.substitute_lines(ctx) if ctx.has("orders", "products") else None
    if s is None:
        return None
    inst = s.group_by(["period", "institution_code"]).aggregate(
        substitutes_bought=s.product_code.nunique())
    m = scopes.membership(ctx)
    j = s.join(m, "institution_code")
    reg = j.group_by(["period", "scope", "code"]).aggregate(
        substitutes_bought=j.product_code.nunique())
    var = j.group_by(["period", "variety_code", "code"]).aggregate(
        substitutes_bought=j.product_code.nunique())
    var = var.rename(region_code="code").rename(code="variety_code")
    return inst, reg, var


def _ibis(t: pa.DataType) -> str:
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_integer(t):
        return "int64"
    if pa.types.is_date(t):
        return "date"
    return "string"


SCOPE_COLUMNS = ("period", "scope", "code", "name", "region_code", "role")


def _finish(t: ir.Table) -> ir.Table:
    """The row's sums, every summable column present (absent ones NULL, for the union)."""
    sel: dict[str, ir.Value] = {c: t[c].cast("string") for c in SCOPE_COLUMNS}
    for c in ALL_SUMS:
        sel[c] = t[c].cast(_type(c)) if c in t.columns else ibis.null(_type(c))
    return t.select(**sel)


def _all_sums() -> tuple[str, ...]:
    out: list[str] = []
    for c in (*progress.SUMS, *supply.SUMS, *payments.SUMS, "filed_drug_amount",
              "filed_consumable_amount", "filed_drug_items", "drug_items",
              "substitutes_bought"):
        if c not in out:
            out.append(c)
    return tuple(out)


ALL_SUMS = _all_sums()
EXTRA_SUMS["substitutes_bought"] = "int64"


def ratios(sums: pa.Table) -> pa.Table:
    """figures.parquet's columns from the sums of each row: every ratio ``Σ num / Σ den``
    (NULL when Σ den is 0 or the scope has no such figure), ``gap``, in schema order.
    Computed in Arrow, once, whatever engine summed: the same division on every engine."""
    got: dict[str, pa.ChunkedArray | pa.Array] = {n: sums.column(n) for n in sums.column_names}
    for s in ("zero", "behind", "normal", "over"):
        got[f"status_{s}_share_den"] = got["status_den"]
    pairs = {"filing_amount_share_drug": ("filed_drug_amount", "drug_amount"),
             "filing_amount_share_consumable": ("filed_consumable_amount",
                                                "consumable_amount"),
             "filing_item_share": ("filed_drug_items", "drug_items")}
    for rid, (n, d) in pairs.items():
        got[f"{rid}_num"], got[f"{rid}_den"] = got[n], got[d]
    for c in COLUMNS:
        num, den = f"{c.id}_num", f"{c.id}_den"
        if c.has_parts:
            dv = pc.cast(got[den], pa.float64())
            ok = pc.greater(dv, 0.0)
            got[c.id] = pc.if_else(ok, pc.divide(pc.cast(got[num], pa.float64()),
                                                 pc.if_else(ok, dv, 1.0)),
                                   pa.scalar(None, pa.float64()))
    got["gap"] = pc.subtract(got["completion"], got["schedule"])
    # amounts in yuan to the fen (after the ratios are taken from the exact sums)
    for c in COLUMNS:
        names = [c.id] if c.kind == "amount" else []
        if c.has_parts and c.num_type == "float64" and c.id != "schedule":
            names += [f"{c.id}_num"]
        if c.has_parts and c.den_type == "float64" and c.id != "schedule":
            names += [f"{c.id}_den"]
        for n in names:
            got[n] = pc.round(pc.cast(got[n], pa.float64()), 2)
    cols = {}
    for name, _zh, typ in physical_columns():
        v = got.get(name)
        cols[name] = (pa.nulls(sums.num_rows, typ) if v is None else pc.cast(v, typ))
    return pa.table(cols)


def _region_rows(ctx: Context, frame: ir.Table, cols: list[str]) -> ir.Table:
    r = scopes.roll_up(ctx, frame, ["period"], cols)
    names = scopes.region_names(ctx)
    r = r.left_join(names, r.code == names.code).drop("code_right")
    return r.mutate(role=ibis.null("string"))


def area_rows(ctx: Context) -> ir.Table:
    """Institution, county, city and province rows, finished."""
    cols = _sum_columns(ctx)
    frame = institution_frame(ctx)
    inst = scopes.institutions(ctx)
    i = frame.join(inst, "institution_code")
    i = i.select("period", *cols, scope=ibis.literal("institution"), code=i.institution_code,
                 region_code=i.region_code, name=i.name, role=ibis.null("string"))
    r = _region_rows(ctx, frame, cols).select("period", *cols, "scope", "code",
                                              "region_code", "name", "role")
    subs = _substitutes(ctx)
    if subs is not None:
        si, sr, _sv = subs
        i = i.left_join(si, [i.period == si.period, i.code == si.institution_code]).drop(
            "period_right", "institution_code")
        i = i.mutate(substitutes_bought=i.substitutes_bought.fill_null(0))
        r = r.left_join(sr, ["period", "scope", "code"]).drop(
            "period_right", "scope_right", "code_right")
        r = r.mutate(substitutes_bought=r.substitutes_bought.fill_null(0))
    return _finish(i).union(_finish(r))


def variety_rows(ctx: Context) -> ir.Table | None:
    if not ctx.has(*PROGRESS_NEEDS):
        return None
    v = progress.variety_sums(ctx)
    names = scopes.variety_names(ctx)
    v = v.left_join(names, v.code == names.code).drop("code_right")
    v = v.mutate(scope=ibis.literal("variety"), role=ibis.null("string"))
    subs = _substitutes(ctx)
    if subs is not None:
        sv = subs[2]
        v = v.left_join(sv, ["period", "code", "region_code"]).drop(
            "period_right", "code_right", "region_code_right")
        v = v.mutate(substitutes_bought=v.substitutes_bought.fill_null(0))
    return _finish(v)


def company_rows(ctx: Context) -> ir.Table | None:
    if not ctx.has("orders", "products"):
        return None
    c = keep(ctx, "measures_companies", lambda: supply.company_sums(ctx))
    if ctx.has("payments"):
        pay = payments.distributor_sums(ctx)
        c = c.left_join(pay, ["period", "code", "role"]).drop(
            "period_right", "code_right", "role_right")
        c = c.mutate(**{k: c[k].fill_null(_zero(k)) for k in payments.SUMS})
    names = scopes.company_names(ctx)
    c = c.left_join(names, c.code == names.code).drop("code_right")
    province = _province_code(ctx)
    c = c.mutate(scope=ibis.literal("company"), region_code=province,
                 name=c.name.fill_null(c.code))
    return _finish(c)


def _province_code(ctx: Context) -> ir.Value:
    if not ctx.has("regions"):
        return ibis.null("string")
    r = ctx.t("regions")
    row = ctx.con.to_pyarrow(r.filter(r.level == "province").aggregate(
        c=r.region_code.min())).to_pylist()[0]
    return ibis.literal(row["c"], type="string") if row["c"] is not None \
        else ibis.null("string")


def figures_table(ctx: Context) -> pa.Table:
    """Every row of figures.parquet (without the run's alert counts), sorted."""
    parts = [area_rows(ctx)]
    for build in (variety_rows, company_rows):
        t = build(ctx)
        if t is not None:
            parts.append(t)
    # One query: every part has the same columns in the same order.
    whole = parts[0]
    for p in parts[1:]:
        whole = whole.union(p)
    sums = ctx.con.to_pyarrow(in_period_order(
        ctx, whole, ["scope", "code", "region_code", "role"]))
    got = [ratios(sums)]
    return with_periods(ctx, got, schema=pa.schema([(n, t) for n, _z, t in physical_columns()]))


def in_period_order(ctx: Context, t: ir.Table, keys: list[str]) -> ir.Table:
    """``t`` sorted by the period's place in the run's periods (months, quarters, the
    year), then by ``keys`` (the row key: unique, so the order is total), NULLs first —
    in the engine, which sorts on every core, not in Arrow (about 2 CPU s of the figures
    at 10 M lines). The period's place comes along as ``__order`` for :func:`with_periods`."""
    per = period_arrow(ctx.as_of).select(["period"])
    per = per.append_column("__order", pa.array(range(per.num_rows), pa.int64()))
    o = ibis.memtable(per).rename(__period="period")
    j = t.join(o, t.period == o.__period).drop("__period")
    return j.order_by([ibis.asc(j.__order), *(ibis.asc(j[k], nulls_first=True)
                                               for k in keys)])


def with_periods(ctx: Context, tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """Add the period columns and cast to ``schema``; ``tables`` come from
    :func:`in_period_order`, each in order, and are concatenated as they are."""
    per = period_arrow(ctx.as_of)
    out = []
    for t in tables:
        if t.num_rows == 0:
            continue
        t = t.drop_columns([c for c in ("period_kind", "period_start", "period_end", "__order")
                            if c in t.column_names])
        idx = pc.index_in(t.column("period"), value_set=per.column("period"))
        for c in ("period_kind", "period_start", "period_end"):
            t = t.append_column(c, pc.take(per.column(c), idx))
        out.append(t.select(schema.names).cast(schema))
    if not out:
        return schema.empty_table()
    return pa.concat_tables(out).combine_chunks()
