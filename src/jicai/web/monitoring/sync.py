"""Bring the app's reference data up to date with the warehouse."""

from __future__ import annotations

from django.db import transaction

from jicai.web.agreements.duties import sync_duties
from jicai.web.audit.record import Actor, record
from jicai.web.monitoring import bridge
from jicai.web.reference.load import load_reference


def sync_reference(actor: Actor) -> dict[str, int]:
    """Load regions … historical volumes and agreement duties from the home's warehouse."""
    if not bridge.has_data():
        return {}
    # Every table from one snapshot, and the audit entry names exactly that one.
    with bridge.pinned() as w, transaction.atomic():
        counts = load_reference(w.read)
        counts["agreement_duties"] = sync_duties(w.read("agreed_volumes"), w.read("agreements"))
        record(actor, "reference.sync", ("warehouse", str(w.current_id)),
               before=None, after=counts)
    return counts
