"""Three-party agreements: record the signing, the company confirms or disputes it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jicai.web import clock
from jicai.web.accounts.permissions import require, require_in_scope
from jicai.web.accounts.roles import Capability, ScopeKind
from jicai.web.accounts.scope import kind_of
from jicai.web.agreements.models import Agreement
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.agreements.workflow import AGREEMENT, SIGNING_DAYS
from jicai.web.audit.record import Actor, tracked
from jicai.web.reference.models import Company
from jicai.web.workflow import WorkflowError


def due(agreement: Agreement) -> dt.date:
    """Signed within 30 days of the start of execution."""
    return agreement.batch.start_date + dt.timedelta(days=SIGNING_DAYS)


def record_signing(actor: Actor, agreement: Agreement, distributor: Company | None,
                   signed_at: dt.date) -> None:
    """The institution records the signed agreement; a bureau may sign a drug one for it.

    JILIN 第五条: drug agreements are for now signed by the local agency on the
    institution's behalf (代签); consumable agreements by the institution itself.
    """
    user = actor.user
    require(user, Capability.RECORD_AGREEMENT)  # type: ignore[arg-type]
    require_in_scope(scoped_agreements(user), agreement)  # type: ignore[arg-type]
    on_behalf = kind_of(user) is ScopeKind.REGION  # type: ignore[arg-type]
    if on_behalf and agreement.batch.category != "drug":
        raise WorkflowError(_("Only drug agreements are signed by the bureau on the "
                              "institution's behalf."))
    if not on_behalf and user.institution_id != agreement.institution_id:  # type: ignore[union-attr]
        raise PermissionDenied("institution")
    transition = AGREEMENT.check(agreement.status, "record")
    if signed_at > clock.today():
        raise WorkflowError(_("The signing date cannot be in the future."))
    with tracked(actor, "agreement.record", agreement,
                 scope_path=agreement.institution.region.path):
        agreement.status = transition.next_status(agreement.status)
        agreement.distributor, agreement.signed_at = distributor, signed_at
        agreement.signed_on_behalf, agreement.recorded_by = on_behalf, user
        agreement.dispute_reason = ""
        agreement.save()


def _check_company(actor: Actor, agreement: Agreement) -> None:
    require(actor.user, Capability.CONFIRM_AGREEMENT)  # type: ignore[arg-type]
    if actor.user is None or actor.user.company_id != agreement.company_id:
        raise PermissionDenied("company")


def confirm(actor: Actor, agreement: Agreement) -> None:
    _check_company(actor, agreement)
    transition = AGREEMENT.check(agreement.status, "confirm")
    with tracked(actor, "agreement.confirm", agreement,
                 scope_path=agreement.institution.region.path):
        agreement.status = transition.next_status(agreement.status)
        agreement.save()


def dispute(actor: Actor, agreement: Agreement, reason: str) -> None:
    _check_company(actor, agreement)
    transition = AGREEMENT.check(agreement.status, "dispute")
    if not (reason or "").strip():
        raise WorkflowError(_("Say what is wrong with the recorded agreement."))
    with tracked(actor, "agreement.dispute", agreement, note=reason.strip(),
                 scope_path=agreement.institution.region.path):
        agreement.status = transition.next_status(agreement.status)
        agreement.dispute_reason = reason.strip()
        agreement.save()
