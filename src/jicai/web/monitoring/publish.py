"""Workflow records as contract tables, handed to the warehouse (so ``jicai monitor`` sees them).

======================  ===============================================================
table                   from
======================  ===============================================================
demand_filing_versions  approved demand filings (报量), one row per variety, in force from
                        their final approval: jicai's own table, beside the platform's
                        demand_filings and never in their place (decision 0008)
tickets                 every supply-problem ticket
filings                 off-platform purchases (备案), withdrawn ones left out
agreements              agreements recorded or confirmed (disputed left out)
exemptions              exemptions created by verified supply problems
======================  ===============================================================

Identifiers of web records are prefixed (``WEB-T…``, ``WEB-B…``, ``WEB-F…``) so they
never collide with rows imported from the platform.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from django.db import transaction

from jicai.errors import ContractError, WarehouseError
from jicai.web.accounts.permissions import require
from jicai.web.accounts.roles import Capability
from jicai.web.agreements.models import Agreement, AgreementStatus
from jicai.web.audit.record import Actor, record, snapshot
from jicai.web.clock import naive_beijing
from jicai.web.filings.export import demand_filing_versions_table
from jicai.web.filings.models import DemandFiling
from jicai.web.monitoring import bridge
from jicai.web.monitoring.models import Publication
from jicai.web.purchases.models import OffPlatformPurchase, PurchaseStatus
from jicai.web.tables import contract_table
from jicai.web.tickets.models import Exemption, Ticket
from jicai.web.workflow import WorkflowError


def _dt(value: Any) -> Any:
    return naive_beijing(value) if value is not None else None


def contract_tables() -> dict[str, pa.Table]:
    """Every workflow record that belongs in the warehouse; empty tables left out."""
    tables = {
        "demand_filing_versions": demand_filing_versions_table(DemandFiling.objects.all()),
        "tickets": contract_table("tickets", ({
            "ticket_id": t.ticket_id, "institution_code": t.institution_id,
            "product_code": t.product_id, "company_code": t.company_id,
            "reported_at": _dt(t.reported_at), "replied_at": _dt(t.replied_at),
            "committed_by": t.committed_by, "resolved_at": _dt(t.resolved_at)}
            for t in Ticket.objects.order_by("pk"))),
        "filings": contract_table("filings", ({
            "filing_id": p.filing_id, "institution_code": p.institution_id,
            "product_code": p.product_id, "product_name": p.product_name,
            "category": p.category, "qty": float(p.qty), "amount": p.amount,
            "purchased_at": p.purchased_at, "filed_at": p.filed_at,
            "is_negotiated": p.is_negotiated, "is_hk_macau": p.is_hk_macau,
            "reason": p.reason or None}
            for p in OffPlatformPurchase.objects.filter(status=PurchaseStatus.FILED)
            .order_by("pk"))),
        "agreements": contract_table("agreements", ({
            "batch_code": a.batch.code, "cycle_no": a.batch.cycle_no,
            "institution_code": a.institution_id, "company_code": a.company_id,
            "distributor_code": a.distributor_id, "signed_at": a.signed_at}
            for a in Agreement.objects.filter(
                status__in=[AgreementStatus.RECORDED, AgreementStatus.CONFIRMED])
            .select_related("batch").order_by("pk"))),
        "exemptions": contract_table("exemptions", ({
            "institution_code": e.institution_id, "variety_code": e.variety_id,
            "start_date": e.start_date, "end_date": e.end_date, "kind": e.kind}
            for e in Exemption.objects.order_by("pk"))),
    }
    return {name: t for name, t in tables.items() if t.num_rows}


def publish(actor: Actor) -> Publication:
    """Store the workflow records in the warehouse; every contract problem is reported."""
    require(actor.user, Capability.RUN_MONITOR)  # type: ignore[arg-type]
    tables = contract_tables()
    rows = {name: t.num_rows for name, t in tables.items()}
    publication = Publication(by=actor.user, rows=rows)
    busy: WarehouseError | None = None
    try:
        if tables:
            bridge.import_tables(tables, user=actor.name)
        publication.ok = True
    except ContractError as exc:
        publication.message = "\n".join([exc.zh, *(str(p) for p in exc.problems[:50])])
    except WarehouseError as exc:  # an import holds the lock, or the home is unreadable
        busy, publication.message = exc, f"{exc.zh}\n{exc.en}"
    with transaction.atomic():
        publication.save()
        record(actor, "monitoring.publish", publication, before=None,
               after=snapshot(publication))
    if busy is not None:
        raise busy  # a 503 page (jicai.web.busy): nothing wrong with the records, try later
    if not publication.ok:
        raise WorkflowError(publication.message)
    return publication
