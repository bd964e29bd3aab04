"""Refusals: ``require`` for a role's capability, ``get_scoped`` for a record.

A record outside the user's scope is *not found* (404), not forbidden: the
user must not even learn it exists. An action the role does not allow is
forbidden (403).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import Capability, ScopeKind, can
from jicai.web.accounts.scope import kind_of

M = TypeVar("M", bound=Model)


def current(request: HttpRequest) -> User:
    """The signed-in user of ``request`` (views are wrapped in ``login_required``)."""
    return cast(User, request.user)


def require_scope(user: User, *kinds: ScopeKind) -> None:
    """Pages that only some kinds of scope have: a company has no demand filing."""
    if kind_of(user) not in kinds:
        raise PermissionDenied("scope")


def require(user: User, capability: Capability) -> None:
    if not can(user, capability):
        raise PermissionDenied(capability.value)


def require_in_scope(queryset: QuerySet[M], obj: M) -> None:
    """Services check the scope again: a page or an endpoint is not the only way in."""
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied("scope")


def get_scoped(queryset: QuerySet[M], **lookup: object) -> Any:
    """The one record of ``queryset`` (a scoped queryset) matching ``lookup``, or 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
