"""Which agreements must exist: one per (batch, cycle, institution, winning company).

The duty comes from ``agreed_volumes`` (an institution that agreed a volume
with a company must sign with it, JILIN 第五条). Agreements already in the
warehouse (signed elsewhere) are taken over as recorded.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from jicai.web.agreements.models import Agreement, AgreementStatus
from jicai.web.reference.models import Batch


def sync_duties(agreed_volumes: pa.Table | None, signed: pa.Table | None) -> int:
    """Create the missing agreements; returns how many were created."""
    if agreed_volumes is None:
        return 0
    batches = {(b.code, b.cycle_no): b.pk for b in Batch.objects.all()}
    known: dict[tuple[str, int, str, str], dict[str, Any]] = {}
    for row in (signed.to_pylist() if signed is not None else []):
        key = (row["batch_code"], row["cycle_no"], row["institution_code"], row["company_code"])
        if row.get("signed_at") is not None:
            known[key] = row
    pairs = {(r["batch_code"], r["cycle_no"], r["institution_code"], r["company_code"])
             for r in agreed_volumes.select(["batch_code", "cycle_no", "institution_code",
                                             "company_code"]).to_pylist()}
    existing = set(Agreement.objects.values_list(
        "batch__code", "batch__cycle_no", "institution_id", "company_id"))
    new = []
    for key in sorted(pairs - existing):
        batch_id = batches.get((key[0], key[1]))
        if batch_id is None:
            continue
        done = known.get(key)
        new.append(Agreement(
            batch_id=batch_id, institution_id=key[2], company_id=key[3],
            distributor_id=done.get("distributor_code") if done else None,
            signed_at=done["signed_at"] if done else None,
            status=AgreementStatus.RECORDED if done else AgreementStatus.PENDING))
    Agreement.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)
