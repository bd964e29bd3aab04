"""Which rows of a run's files a user may read, built on the app's scoping functions.

- a **region** user (bureau, reader, administrator): the rows of its region and of the
  regions below it (``scoped_regions``), of the institutions in them, and the variety
  rows aggregated over those regions; company rows (figures about suppliers over the
  whole province) only when its region is the province;
- an **institution** user: the rows of ``scoped_institutions`` (itself, and the
  members of a consortium it leads);
- a **company** user: its own company rows (``scoped_companies``).

Row-level files (progress, alerts, assessment) carry an ``institution_code``:
they are filtered by the institutions of the same scope.
"""

from __future__ import annotations

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import kind_of
from jicai.web.dashboards.runfiles import FALSE, Where, among, eq
from jicai.web.reference.scoping import (
    scoped_companies,
    scoped_institutions,
    scoped_regions,
)

REGION_SCOPES = ("province", "city", "county")


def region_codes(user: User) -> list[str]:
    return list(scoped_regions(user).values_list("code", flat=True))


def institution_codes(user: User) -> list[str]:
    return list(scoped_institutions(user).values_list("code", flat=True))


def is_province(user: User) -> bool:
    return kind_of(user) is ScopeKind.REGION and user.region is not None \
        and user.region.parent_id is None


def figure_rows(user: User) -> Where:
    """Rows of ``figures.parquet`` / ``cycles.parquet`` / ``alerts`` figures in scope."""
    kind = kind_of(user)
    if kind is ScopeKind.REGION:
        regions = region_codes(user)
        q = (among("scope", REGION_SCOPES) & among("code", regions)) \
            | (among("scope", ("institution", "variety")) & among("region_code", regions))
        if is_province(user):
            q = q | eq("scope", "company")
        return q
    if kind is ScopeKind.INSTITUTION:
        return eq("scope", "institution") & among("code", institution_codes(user))
    if kind is ScopeKind.COMPANY:
        companies = list(scoped_companies(user).values_list("code", flat=True))
        return eq("scope", "company") & among("code", companies)
    return FALSE


def institution_rows(user: User, column: str = "institution_code") -> Where:
    """Rows of a row-level file (progress, alerts, assessment) about institutions in scope."""
    kind = kind_of(user)
    if kind is ScopeKind.REGION:
        if is_province(user):  # the whole province, rows on no institution included
            return Where("TRUE")
        return among(column, institution_codes(user))
    if kind is ScopeKind.INSTITUTION:
        return among(column, institution_codes(user))
    return FALSE
