"""Scoping of the reference data: one function per model."""

from __future__ import annotations

from django.db.models import QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import NOTHING, institution_q, kind_of, region_q
from jicai.web.reference.models import Batch, Company, Institution, Product, Region


def scoped_regions(user: User) -> QuerySet[Region]:
    """The user's region and those below it (institutions and companies: none)."""
    return Region.objects.filter(region_q(user, field=""))


def scoped_institutions(user: User) -> QuerySet[Institution]:
    """Institutions in a region scope; an institution itself and its consortium members."""
    if kind_of(user) is ScopeKind.INSTITUTION:
        return Institution.objects.filter(
            institution_q(user, field="") | institution_q(user, field="consortium_lead"))
    return Institution.objects.filter(institution_q(user, field=""))


def scoped_companies(user: User) -> QuerySet[Company]:
    """Companies are public parties of the awards; a company user sees only itself."""
    kind = kind_of(user)
    if kind is None:
        return Company.objects.none()
    if kind is ScopeKind.COMPANY:
        return Company.objects.filter(pk=user.company_id)
    return Company.objects.all()


def scoped_products(user: User) -> QuerySet[Product]:
    """The catalogue is public to bureaus and institutions; a company sees its own products."""
    kind = kind_of(user)
    if kind is None:
        return Product.objects.none()
    if kind is ScopeKind.COMPANY:
        return Product.objects.filter(company_id=user.company_id)
    return Product.objects.all()


def scoped_batches(user: User) -> QuerySet[Batch]:
    """Batches are published by the organiser: every signed-in user sees them."""
    return Batch.objects.all() if kind_of(user) else Batch.objects.none()


__all__ = ["NOTHING", "scoped_batches", "scoped_companies", "scoped_institutions",
           "scoped_products", "scoped_regions"]
