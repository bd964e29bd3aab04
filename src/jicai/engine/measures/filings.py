"""Off-platform purchases filed afterwards (备案采购), as F2 / F3, per institution and period.

Filings count by purchase date within the period and when filed by ``as_of``;
negotiated and HK/Macau filings are left out (GUANGDONG 二(三)). The
denominators (order amount, distinct drug products ordered) come from the
supply figures of the same period.
"""

from __future__ import annotations

import ibis.expr.types as ir

from jicai.engine.context import Context
from jicai.engine.measures.periods import month_no, period_table


def institution_sums(ctx: Context) -> ir.Table | None:
    """(period, institution_code, filed_drug_amount, filed_consumable_amount,
    filed_drug_items); None without the filings table."""
    if not ctx.has("filings"):
        return None
    f = ctx.t("filings")
    f = f.filter((f.filed_at <= ctx.as_of_lit) & (f.purchased_at >= ctx.year_start)
                 & (f.purchased_at <= ctx.as_of_lit) & ~f.is_negotiated & ~f.is_hk_macau)
    f = f.mutate(month=month_no(ctx, f.purchased_at), yuan=f.amount.cast("float64"),
                 item=f.product_code.fill_null(f.product_name), drug=f.category == "drug")
    p = period_table(ctx).select("period", "first_month", "last_month")
    j = f.join(p, (f.month >= p.first_month) & (f.month <= p.last_month))
    return j.group_by(["period", "institution_code"]).aggregate(
        filed_drug_amount=j.yuan.sum(where=j.drug),
        filed_consumable_amount=j.yuan.sum(where=~j.drug),
        filed_drug_items=j.item.nunique(where=j.drug))
