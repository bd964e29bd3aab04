"""Scoping of three-party agreements."""

from __future__ import annotations

from django.db.models import QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.scope import company_q, institution_q
from jicai.web.agreements.models import Agreement


def scoped_agreements(user: User) -> QuerySet[Agreement]:
    """A bureau: its institutions'; an institution: its own; a company: where it is a party."""
    return Agreement.objects.filter(
        institution_q(user) | company_q(user, "company", "distributor")).select_related(
        "batch", "institution", "company", "distributor")
