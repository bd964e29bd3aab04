"""Scoping of the audit log: the bureau sees the trail of the records in its region."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Capability, can
from jicai.web.accounts.scope import region_path
from jicai.web.audit.models import AuditEvent


def scoped_audit_events(user: User) -> QuerySet[AuditEvent]:
    """Events of records in the user's region; province-wide events (publishing, runs,
    reference data, company accounts) only for a province-level scope."""
    path = region_path(user)
    if not can(user, Capability.VIEW_AUDIT) or path is None:
        return AuditEvent.objects.none()
    q = Q(scope_path__startswith=path)
    if user.region is not None and user.region.parent_id is None:
        q |= Q(scope_path="")
    return AuditEvent.objects.filter(q)
