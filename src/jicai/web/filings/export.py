"""Approved filings as the contract's ``demand_filings`` (the download for the platform),
as jicai's ``demand_filing_versions`` (what the monitor reads), and the batch total."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from django.db.models import Count, Q, QuerySet, Sum

from jicai.contract.schemas import DEMAND_FILING_VERSIONS
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


def version_rows(filings: QuerySet[DemandFiling]) -> Iterator[dict[str, Any]]:
    """The approved filings among ``filings`` as versions (decision 0008), one row per
    variety: in force from the final approval (``filed_at`` = ``approved_at``), beside the
    platform's rows of the same key, never in their place."""
    lines = (DemandLine.objects
             .filter(filing__in=filings.filter(status=FilingStatus.APPROVED,
                                               approved_at__isnull=False))
             .select_related("filing", "filing__window__batch")
             .order_by("filing__window__batch__code", "filing__institution_id", "variety_id"))
    for line in lines:
        filing = line.filing
        batch = filing.window.batch
        assert filing.approved_at is not None  # filtered above
        yield {
            "version_id": f"WEB-F{filing.pk}-{line.variety_id}",
            "batch_code": batch.code, "cycle_no": batch.cycle_no,
            "institution_code": filing.institution_id, "variety_code": line.variety_id,
            "reported_units": line.reported_units,
            "filed_at": naive_beijing(filing.approved_at),
            "explanation": line.explanation or None,
        }


def demand_filing_versions_table(filings: QuerySet[DemandFiling]) -> pa.Table:
    """The approved filings among ``filings`` as jicai's ``demand_filing_versions``."""
    return pa.Table.from_pylist(list(version_rows(filings)),
                                schema=DEMAND_FILING_VERSIONS.arrow_schema())


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
