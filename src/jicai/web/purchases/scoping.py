"""Scoping of off-platform purchases."""

from __future__ import annotations

from django.db.models import QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.scope import institution_q
from jicai.web.purchases.models import OffPlatformPurchase


def scoped_purchases(user: User) -> QuerySet[OffPlatformPurchase]:
    """A bureau: its institutions' purchases; an institution: its own; a company: none."""
    return OffPlatformPurchase.objects.filter(institution_q(user)).select_related(
        "institution", "product")
