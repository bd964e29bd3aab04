"""Scopes: which regions an institution lies in, the rows' names, and the roll-up.

An institution belongs to its own region and to every region above it (up to
three levels: county → city → province). A region's figures are the sums of
its institutions' numerators and denominators (ratios of sums).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context
from jicai.engine.measures.keep import keep

REGION_SCOPES = ("province", "city", "county")


def institutions(ctx: Context) -> ir.Table:
    """(institution_code, name, region_code) of every institution the run knows."""
    def build() -> ir.Table:
        if ctx.has("institutions"):
            i = ctx.t("institutions")
            return i.select("institution_code", "name", "region_code")
        o = ctx.t("orders")
        codes = o.select("institution_code").distinct()
        return codes.mutate(name=codes.institution_code,
                            region_code=ibis.null("string"))
    return ctx.memo("measures_institutions", build)


def membership(ctx: Context) -> ir.Table:
    """(institution_code, scope, code, region_code): one row per region an institution
    lies in; ``region_code`` is that region's parent (NULL for the province)."""
    def build() -> ir.Table:
        inst = institutions(ctx).select("institution_code", r0="region_code")
        if not ctx.has("regions"):
            return inst.select("institution_code", scope=ibis.literal("province"),
                               code=ibis.null("string"),
                               region_code=ibis.null("string")).filter(ibis.literal(False))
        r = ctx.t("regions")
        parts = []
        cur = inst
        # Walk up three levels; each step adds the region of that level.
        for step in range(3):
            reg = r.select(**{f"c{step}": r.region_code, f"l{step}": r.level,
                              f"p{step}": r.parent_code})
            col = "r0" if step == 0 else f"p{step - 1}"
            cur = cur.left_join(reg, cur[col] == reg[f"c{step}"])
            cur = cur.view()
        for step in range(3):
            t = cur.filter(cur[f"c{step}"].notnull() & cur[f"l{step}"].isin(REGION_SCOPES))
            parts.append(t.select("institution_code", scope=t[f"l{step}"],
                                  code=t[f"c{step}"], region_code=t[f"p{step}"]))
        out = parts[0].union(parts[1]).union(parts[2])
        return out.distinct()
    return keep(ctx, "measures_membership", build)


def region_names(ctx: Context) -> ir.Table:
    if not ctx.has("regions"):
        return ibis.memtable({"code": [], "name": []}, schema={"code": "string",
                                                              "name": "string"})
    r = ctx.t("regions")
    return r.select(code=r.region_code, name=r.name)


def company_names(ctx: Context) -> ir.Table:
    if not ctx.has("companies"):
        return ibis.memtable({"code": [], "name": []}, schema={"code": "string",
                                                              "name": "string"})
    c = ctx.t("companies")
    return c.select(code=c.company_code, name=c.name)


def variety_names(ctx: Context) -> ir.Table:
    p = ctx.t("products")
    return p.group_by(code=p.variety_code).aggregate(name=p.generic_name.min())


def roll_up(ctx: Context, inst_sums: ir.Table, keys: Sequence[str],
            sums: Sequence[str], *, also: Sequence[str] = ()) -> ir.Table:
    """Region rows from institution rows: ``inst_sums`` has ``institution_code``, ``keys``
    (e.g. period) and the summable columns ``sums``; the result has ``keys``, scope,
    code, region_code and the sums (NULL-free: missing parts count 0). ``also`` are
    extra grouping columns kept as they are (e.g. batch_code)."""
    m = membership(ctx)
    j = inst_sums.join(m, "institution_code")
    g = j.group_by([*keys, "scope", "code", "region_code", *also]).aggregate(
        **{c: j[c].sum() for c in sums})
    return g
