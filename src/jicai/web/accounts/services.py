"""Creating accounts: used by ``jicai createuser``, the users page and the demo seed."""

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


def create_user(actor: Actor, username: str, password: str, role: str, scope: str,
                *, check_password: bool = True, within: User | None = None) -> User:
    """A user with ``role`` and the scope whose code is ``scope``; ValidationError if not.

    ``within``: an administrator creating the account; a region or institution
    scope must then lie inside the administrator's own region.
    """
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
