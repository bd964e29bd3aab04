"""Approved filings as the contract's ``demand_filings``, and the batch total."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from django.db.models import Count, Q, QuerySet, Sum

from jicai.web.clock import naive_beijing
from jicai.web.filings.models import DemandFiling, DemandLine, FilingStatus
from jicai.web.tables import contract_table


def demand_rows(filings: QuerySet[DemandFiling]) -> Iterator[dict[str, Any]]:
    lines = (DemandLine.objects
             .filter(filing__in=filings.filter(status=FilingStatus.APPROVED))
             .select_related("filing", "filing__window__batch")
             .order_by("filing__window__batch__code", "filing__institution_id", "variety_id"))
    for line in lines:
        filing = line.filing
        batch = filing.window.batch
        yield {
            "batch_code": batch.code, "cycle_no": batch.cycle_no,
            "institution_code": filing.institution_id, "variety_code": line.variety_id,
            "reported_units": line.reported_units,
            "filed_at": naive_beijing(filing.submitted_at) if filing.submitted_at else None,
            "explanation": line.explanation or None,
        }


def demand_filings_table(filings: QuerySet[DemandFiling]) -> pa.Table:
    """The approved filings among ``filings``, one row per (institution, variety)."""
    return contract_table("demand_filings", demand_rows(filings))


def batch_total(filings: QuerySet[DemandFiling]) -> list[dict[str, Any]]:
    """Per variety: approved units, and how many filings are approved or still open."""
    lines = DemandLine.objects.filter(filing__in=filings)
    approved = Q(filing__status=FilingStatus.APPROVED)
    rows = (lines.values("variety_id", "variety__name")
            .annotate(units=Sum("reported_units", filter=approved),
                      approved=Count("id", filter=approved),
                      pending=Count("id", filter=~approved))
            .order_by("variety_id"))
    return [{"variety_code": r["variety_id"], "name": r["variety__name"],
             "reported_units": r["units"] or 0, "approved_filings": r["approved"],
             "pending_filings": r["pending"]} for r in rows]
