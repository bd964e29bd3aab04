"""Accounts: create (``jicai createuser``, the users page, the demo seed), and an
administrator's disable / enable, password reset and re-scope — each audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import SCOPE_OF_ROLE, Role, ScopeKind
from jicai.web.audit.record import Actor, record, snapshot
from jicai.web.reference.models import Company, Institution, Region

_MODELS: dict[ScopeKind, Any] = {ScopeKind.REGION: Region, ScopeKind.INSTITUTION: Institution,
                                  ScopeKind.COMPANY: Company}


_KIND_LABEL = {ScopeKind.REGION: lambda: _("region"),
               ScopeKind.INSTITUTION: lambda: _("institution"),
               ScopeKind.COMPANY: lambda: _("company")}


def _inside(admin: User, target: Region | Institution | Company) -> bool:
    path = admin.region.path if admin.region is not None else None
    if path is None:
        return False
    if isinstance(target, Region):
        return target.path.startswith(path)
    if isinstance(target, Institution):
        return target.region.path.startswith(path)
    return True  # companies are not placed in a region


def _scope_of(role: str, scope: str, within: User | None) -> tuple[ScopeKind, Any]:
    """The kind of scope ``role`` takes and the record whose code is ``scope``, checked to
    lie inside ``within``'s region (an administrator) — or a ValidationError saying why."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role %(role)s; choose one of %(roles)s.")
                              % {"role": role, "roles": ", ".join(Role.values)})
    kind = SCOPE_OF_ROLE[role]
    target = _MODELS[kind].objects.filter(pk=scope).first()
    if target is None:
        raise ValidationError(_("No %(kind)s has the code %(code)s in the reference data.")
                              % {"kind": _KIND_LABEL[kind](), "code": scope})
    if within is not None and not _inside(within, target):
        raise ValidationError(_("%(code)s lies outside your region.") % {"code": scope})
    return kind, target


def create_user(actor: Actor, username: str, password: str, role: str, scope: str,
                *, check_password: bool = True, within: User | None = None) -> User:
    """A user with ``role`` and the scope whose code is ``scope``; ValidationError if not.

    ``within``: an administrator creating the account; a region or institution
    scope must then lie inside the administrator's own region.
    """
    kind, target = _scope_of(role, scope, within)
    user = User(username=username, role=role, **{kind.value: target})
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        # The model names its own fields (region …), which the form does not have: the
        # caller gets plain messages (a county role given a city code used to be a 500).
        raise ValidationError(exc.messages) from exc
    with transaction.atomic():
        user.save()
        after = snapshot(user)
        after.pop("password", None)
        path = user.region.path if user.region else (
            user.institution.region.path if user.institution else "")
        record(actor, "accounts.create_user", user, before=None, after=after, scope_path=path)
    return user


def _manageable(actor: Actor, user: User) -> User:
    from jicai.web.accounts.permissions import require
    from jicai.web.accounts.roles import Capability
    from jicai.web.accounts.scoping import scoped_users

    admin = actor.person
    require(admin, Capability.MANAGE_USERS)
    if not scoped_users(admin).filter(pk=user.pk).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("user")
    return admin


def _path(user: User) -> str:
    if user.region is not None:
        return user.region.path
    return user.institution.region.path if user.institution is not None else ""


def set_active(actor: Actor, user: User, active: bool) -> None:
    """Disable an account (it can no longer sign in; its history stays) or enable it."""
    admin = _manageable(actor, user)
    if user.pk == admin.pk and not active:
        raise ValidationError(_("You cannot disable your own account."))
    with transaction.atomic():
        before = {"is_active": user.is_active}
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(actor, "accounts.enable" if active else "accounts.disable", user, before=before,
               after={"is_active": active}, scope_path=_path(user))


def reset_password(actor: Actor, user: User, password: str) -> None:
    """Set a new password (the user's own validators apply) and lift a sign-in lockout."""
    _manageable(actor, user)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(actor, "accounts.reset_password", user, before=None, after=None,
               scope_path=_path(user))
    from axes.utils import reset

    reset(username=user.get_username())


def rescope(actor: Actor, user: User, role: str, scope: str) -> None:
    """Give an account another role and scope (a move to another bureau or hospital)."""
    kind, target = _scope_of(role, scope, within=_manageable(actor, user))
    before = snapshot(user, ("role", "region", "institution", "company"))
    user.role = role
    user.region = user.institution = user.company = None  # type: ignore[assignment]
    setattr(user, kind.value, target)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc
    with transaction.atomic():
        user.save(update_fields=["role", "region", "institution", "company"])
        record(actor, "accounts.rescope", user, before=before,
               after=snapshot(user, ("role", "region", "institution", "company")),
               scope_path=_path(user))
