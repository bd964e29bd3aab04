"""Companies that supply badly — R4, T4, JILIN 第十四条 (配送率明显偏低、医疗机构反馈供应问题集中).

Both rules judge a company, not an institution: ``institution_code`` is empty and
``ref`` is the company's code. The bureau reminds, summons or warns it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from jicai.engine.context import Context, alerts, happened
from jicai.engine.registry import rule


@rule(id="supplier.delivery_rate_low", code="R4",
      title_zh="配送企业配送率低", title_en="a distributor's delivery rate too low",
      clause="JILIN 第十四条; HENAN 二(九)", needs=("orders",),
      settings={"threshold": float, "min_lines": int, "delivery_hours": float},
      message='配送企业{distributor_name}本年度已到配送时限的 {lines:d} 条平台订单配送率为 {value:.1%}，低于 {threshold:.0%}，请对中选企业和配送企业提醒、约谈督促。')
def delivery_rate_low(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Per distributor_code, on-platform lines of the as-of year ordered at least
    ``delivery_hours`` before the end of as_of: packs delivered by as_of (capped at the
    ordered packs; an empty delivered_packs is the whole line) / packs ordered.

    Every distributor_code is judged, whatever the company's role (a ``both`` company
    delivering its own products included: decision 0001, "v1.1 rules").
    """
    th, min_lines = float(s["threshold"]), int(s["min_lines"])
    end = datetime.combine(ctx.as_of + timedelta(days=1), datetime.min.time())
    due_by = ibis.literal(end - timedelta(hours=float(s["delivery_hours"])), type="timestamp")
    year = ibis.literal(datetime(ctx.as_of.year, 1, 1), type="timestamp")
    o = ctx.t("orders")
    o = o.filter((o.status != "cancelled") & o.on_platform & o.distributor_code.notnull()
                 & (o.ordered_at >= year) & (o.ordered_at <= due_by))
    delivered = happened(ctx, o.delivered_at).notnull()
    packs = ibis.least(o.delivered_packs.fill_null(o.qty_packs), o.qty_packs)
    o = o.mutate(done=ibis.ifelse(delivered, packs, 0).cast("int64"),
                 qty=o.qty_packs.cast("int64"))
    g = o.group_by("distributor_code").aggregate(lines=o.count(), done=o.done.sum(),
                                                 qty=o.qty.sum())
    g = g.mutate(rate=g.done.cast("float64") / g.qty.cast("float64"))
    g = g.filter((g.lines >= min_lines) & (g.rate < th - 1e-9))
    return alerts(g, severity="warning", value=g.rate, threshold=th, ref=g.distributor_code,
                  distributor_code=g.distributor_code, lines=g.lines.cast("int64"))


@rule(id="supplier.tickets_concentrated", code="T4",
      title_zh="医疗机构反馈供应问题集中", title_en="supply problems concentrated on one company",
      clause="JILIN 第十四条", needs=("tickets",),
      settings={"window_days": int, "min_institutions": int},
      message='近 {window_days:d} 天有 {value:d} 家医疗机构反馈{company_name}的供应问题，反馈集中，请对该企业提醒、约谈、告诫，整改不到位的上报省医保局。')
def tickets_concentrated(ctx: Context, s: Mapping[str, Any]) -> ir.Table:
    """Per company_code, distinct institutions reporting a ticket in the ``window_days``
    ending at as_of (as_of − N + 1 … as_of): at least ``min_institutions`` (≥, the spec's
    "集中" is reached at the threshold)."""
    n, least = int(s["window_days"]), int(s["min_institutions"])
    first = ibis.literal(datetime.combine(ctx.as_of - timedelta(days=n - 1),
                                          datetime.min.time()), type="timestamp")
    t = ctx.t("tickets")
    t = t.filter((t.reported_at >= first) & (t.reported_at < ctx.as_of_end))
    g = t.group_by("company_code").aggregate(institutions=t.institution_code.nunique())
    g = g.filter(g.institutions >= least)
    return alerts(g, severity="warning", value=g.institutions, threshold=float(least),
                  ref=g.company_code, company_code=g.company_code,
                  window_days=ibis.literal(n, type="int64"))
