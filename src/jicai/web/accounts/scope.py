"""A user's scope, turned into query filters.

Every ``scoped_<things>(user)`` function builds on these three filters, so the
meaning of "in my scope" is written once:

- a **region** scope covers the region and every region below it (by path);
- an **institution** scope covers that institution;
- a **company** scope covers that company.

A filter for a scope kind that does not apply matches nothing: an institution
user asking for "institutions of my region" gets only its own institution, a
company user gets no institution at all.
"""

from __future__ import annotations

from django.db.models import Q

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import SCOPE_OF_ROLE, ScopeKind

NOTHING = Q(pk__in=[])


def _path(field: str, rest: str) -> str:
    """``field__rest``; an empty ``field`` means the model itself."""
    return f"{field}__{rest}" if field else rest


def _id(field: str) -> str:
    return f"{field}_id" if field else "pk"


def kind_of(user: User) -> ScopeKind | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return SCOPE_OF_ROLE.get(user.role)


def ancestor_paths(path: str) -> list[str]:
    """The paths of a region and of every region above it: ``a/b/`` → ``a/``, ``a/b/``."""
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def region_path(user: User) -> str | None:
    """The path of the user's region, or None when the scope is not a region."""
    if kind_of(user) is ScopeKind.REGION and user.region is not None:
        return user.region.path
    return None


def institution_q(user: User, field: str = "institution") -> Q:
    """Rows whose ``field`` (an Institution) lies in the user's scope."""
    kind = kind_of(user)
    if kind is ScopeKind.REGION and user.region is not None:
        return Q(**{_path(field, "region__path__startswith"): user.region.path})
    if kind is ScopeKind.INSTITUTION and user.institution_id:
        return Q(**{_id(field): user.institution_id})
    return NOTHING


def company_q(user: User, *fields: str) -> Q:
    """Rows where any of ``fields`` (Companies) is the user's company."""
    if kind_of(user) is ScopeKind.COMPANY and user.company_id:
        q = NOTHING
        for field in fields:
            q |= Q(**{_id(field): user.company_id})
        return q
    return NOTHING


def region_q(user: User, field: str = "region") -> Q:
    """Rows whose ``field`` (a Region) lies in the user's region scope."""
    path = region_path(user)
    if path is None:
        return NOTHING
    return Q(**{_path(field, "path__startswith"): path})
