"""Scoping of demand filing: one function per model."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import NOTHING, ancestor_paths, institution_q, kind_of
from jicai.web.filings.models import DemandFiling, FilingWindow, Review


def scoped_windows(user: User) -> QuerySet[FilingWindow]:
    """Windows opened for the user's region, above it or below it; none for companies."""
    kind = kind_of(user)
    if kind is ScopeKind.REGION and user.region is not None:
        path = user.region.path
        q = Q(region__path__startswith=path) | Q(region__path__in=ancestor_paths(path))
    elif kind is ScopeKind.INSTITUTION and user.institution is not None:
        q = Q(region__path__in=ancestor_paths(user.institution.region.path))
    else:
        q = NOTHING
    return FilingWindow.objects.filter(q).select_related("batch", "region")


def scoped_filings(user: User) -> QuerySet[DemandFiling]:
    """Filings of institutions in scope; an institution also sees those it files as lead."""
    q = institution_q(user)
    if kind_of(user) is ScopeKind.INSTITUTION:
        q |= institution_q(user, field="filer")
    return DemandFiling.objects.filter(q).select_related(
        "institution", "institution__region", "filer", "window", "window__batch")


def scoped_reviews(user: User) -> QuerySet[Review]:
    return Review.objects.filter(filing__in=scoped_filings(user))
