"""Creating accounts: used by ``jicai createuser``, the users page and the demo seed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import SCOPE_OF_ROLE, Role, ScopeKind
from jicai.web.audit.record import Actor, record, snapshot
from jicai.web.reference.models import Company, Institution, Region

_MODELS: dict[ScopeKind, Any] = {ScopeKind.REGION: Region, ScopeKind.INSTITUTION: Institution,
                                  ScopeKind.COMPANY: Company}


def _inside(admin: User, target: Region | Institution | Company) -> bool:
    path = admin.region.path if admin.region is not None else None
    if path is None:
        return False
    if isinstance(target, Region):
        return target.path.startswith(path)
    if isinstance(target, Institution):
        return target.region.path.startswith(path)
    return True  # companies are not placed in a region


def create_user(actor: Actor, username: str, password: str, role: str, scope: str,
                *, check_password: bool = True, within: User | None = None) -> User:
    """A user with ``role`` and the scope whose code is ``scope``; ValidationError if not.

    ``within``: an administrator creating the account; a region or institution
    scope must then lie inside the administrator's own region.
    """
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}; one of {', '.join(Role.values)}")
    kind = SCOPE_OF_ROLE[role]
    target = _MODELS[kind].objects.filter(pk=scope).first()
    if target is None:
        raise ValidationError(f"no {kind.value} with code {scope!r} in the reference data")
    if within is not None and not _inside(within, target):
        raise ValidationError(f"{scope!r} is outside your region")
    user = User(username=username, role=role, **{kind.value: target})
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        after = snapshot(user)
        after.pop("password", None)
        path = user.region.path if user.region else (
            user.institution.region.path if user.institution else "")
        record(actor, "accounts.create_user", user, before=None, after=after, scope_path=path)
    return user
