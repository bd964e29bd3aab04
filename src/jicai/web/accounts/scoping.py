"""Scoping of accounts: an administrator sees the users of its region and below."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Capability, can
from jicai.web.accounts.scope import region_path


def scoped_users(user: User) -> QuerySet[User]:
    path = region_path(user)
    if not can(user, Capability.MANAGE_USERS) or path is None:
        return User.objects.none()
    return User.objects.filter(
        Q(region__path__startswith=path) | Q(institution__region__path__startswith=path)
        | Q(company__isnull=False)).select_related("region", "institution", "company")
