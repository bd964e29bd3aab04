"""Roles, and what each role may do — in one table.

A role says *what* a user may do; the user's scope (a region, an institution or
a company, see :mod:`jicai.web.accounts.scope`) says *to which records*. Views
ask ``can(user, Capability.X)``; they never test a role or ``is_superuser``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jicai.web.accounts.models import User


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", _("Province bureau officer")
    CITY_OFFICER = "city_officer", _("City bureau officer")
    COUNTY_OFFICER = "county_officer", _("County bureau officer")
    HEALTH_READER = "health_reader", _("Health commission reader")
    INSTITUTION = "institution", _("Institution user")
    COMPANY = "company", _("Company user")
    ADMIN = "admin", _("Administrator")


class ScopeKind(StrEnum):
    REGION = "region"
    INSTITUTION = "institution"
    COMPANY = "company"


class Capability(StrEnum):
    OPEN_WINDOW = "open_window"
    FILE_DEMAND = "file_demand"
    REVIEW_DEMAND = "review_demand"
    EXPORT_DEMAND = "export_demand"
    REPORT_TICKET = "report_ticket"
    REPLY_TICKET = "reply_ticket"
    SUPERVISE_TICKET = "supervise_ticket"  # escalate, verify a supply problem
    REGISTER_PURCHASE = "register_purchase"
    RECORD_AGREEMENT = "record_agreement"
    CONFIRM_AGREEMENT = "confirm_agreement"
    HANDLE_ALERT = "handle_alert"  # acknowledge, assign, escalate, resolve
    ANSWER_ALERT = "answer_alert"
    VIEW_AUDIT = "view_audit"
    RUN_MONITOR = "run_monitor"  # publish records, start a monitor run
    MANAGE_USERS = "manage_users"


C = Capability
_OFFICER = {C.REVIEW_DEMAND, C.SUPERVISE_TICKET, C.HANDLE_ALERT, C.VIEW_AUDIT,
            C.RECORD_AGREEMENT, C.EXPORT_DEMAND}

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PROVINCE_OFFICER: frozenset(_OFFICER | {C.OPEN_WINDOW, C.RUN_MONITOR}),
    Role.CITY_OFFICER: frozenset(_OFFICER),
    Role.COUNTY_OFFICER: frozenset(_OFFICER),
    # 卫健 reads what the bureau of its region reads, and changes nothing.
    Role.HEALTH_READER: frozenset(),
    Role.INSTITUTION: frozenset({C.FILE_DEMAND, C.REPORT_TICKET, C.REGISTER_PURCHASE,
                                 C.RECORD_AGREEMENT, C.ANSWER_ALERT}),
    Role.COMPANY: frozenset({C.REPLY_TICKET, C.CONFIRM_AGREEMENT, C.ANSWER_ALERT}),
    Role.ADMIN: frozenset({C.MANAGE_USERS, C.VIEW_AUDIT, C.RUN_MONITOR}),
}

SCOPE_OF_ROLE: dict[str, ScopeKind] = {
    Role.PROVINCE_OFFICER: ScopeKind.REGION,
    Role.CITY_OFFICER: ScopeKind.REGION,
    Role.COUNTY_OFFICER: ScopeKind.REGION,
    Role.HEALTH_READER: ScopeKind.REGION,
    Role.ADMIN: ScopeKind.REGION,
    Role.INSTITUTION: ScopeKind.INSTITUTION,
    Role.COMPANY: ScopeKind.COMPANY,
}

# The region level an officer's scope must have; readers and admins take any region.
OFFICER_LEVEL: dict[str, str] = {
    Role.PROVINCE_OFFICER: "province",
    Role.CITY_OFFICER: "city",
    Role.COUNTY_OFFICER: "county",
}

BUREAU_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.CITY_OFFICER, Role.COUNTY_OFFICER})


def can(user: User, capability: Capability) -> bool:
    """Whether ``user``'s role grants ``capability`` (inactive and anonymous users: never)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())
