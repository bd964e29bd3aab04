"""Scoping of supply-problem tickets and exemptions: one function per model."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import company_q, institution_q, kind_of
from jicai.web.tickets.models import Exemption, Ticket


def scoped_tickets(user: User) -> QuerySet[Ticket]:
    """A bureau: its institutions' tickets; an institution: its own; a company: those to it."""
    return Ticket.objects.filter(institution_q(user) | company_q(user, "company")).select_related(
        "institution", "institution__region", "product", "company", "escalated_to")


def scoped_exemptions(user: User) -> QuerySet[Exemption]:
    """Exemptions of institutions in scope; bureaus also see those for every institution."""
    q = institution_q(user)
    if kind_of(user) is ScopeKind.REGION:
        q |= Q(institution__isnull=True)
    return Exemption.objects.filter(q).select_related("institution", "variety")
