"""Writing the audit log: who, when, from which address, what before, what after.

Every service function that changes a record takes an :class:`Actor` and calls
:func:`record` (or uses :func:`tracked`) in the same transaction as the change,
so a change without its audit event cannot be committed.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest

from jicai.web.audit.models import AuditEvent

if TYPE_CHECKING:
    from jicai.web.accounts.models import User


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; ``user`` None is the system itself (a CLI, a sweep)."""

    user: User | None
    ip: str | None = None
    via: str = "web"

    @classmethod
    def of(cls, request: HttpRequest, via: str = "web") -> Actor:
        # REMOTE_ADDR, not X-Forwarded-For: a header is whatever the client says it is.
        return cls(user=request.user, ip=request.META.get("REMOTE_ADDR") or None,  # type: ignore[arg-type]
                   via=via)

    @property
    def person(self) -> User:
        """The user acting; workflow steps that record a person refuse the system actor."""
        if self.user is None:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("a person must take this step")
        return self.user

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else f"system ({self.via})"


SYSTEM = Actor(user=None, via="system")


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as their ids), JSON-ready."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        out[field.attname] = jsonable(getattr(obj, field.attname))
    return out


def record(actor: Actor, action: str, target: models.Model | tuple[str, str], *,
           before: dict[str, Any] | None, after: dict[str, Any] | None,
           scope_path: str = "", note: str = "") -> AuditEvent:
    """One audit event; ``target`` is a record, or (type, id) for something that is not."""
    if isinstance(target, models.Model):
        target_type, target_id = target._meta.label_lower, str(target.pk)
    else:
        target_type, target_id = target
    return AuditEvent.objects.create(
        actor=actor.user, actor_name=actor.name, ip=actor.ip, action=action,
        target_type=target_type, target_id=target_id, before=before, after=after, note=note,
        scope_path=scope_path)


@contextmanager
def tracked(actor: Actor, action: str, target: models.Model, *, scope_path: str = "",
            note: str = "") -> Iterator[None]:
    """Snapshot ``target`` before the block and after it, in one transaction.

    A new object (no pk yet) has ``before=None``.
    """
    with transaction.atomic():
        before = snapshot(target) if target.pk is not None and not target._state.adding else None
        yield
        target.refresh_from_db()
        record(actor, action, target, before=before, after=snapshot(target),
               scope_path=scope_path, note=note)


def history(target: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit events of one record, oldest first (shown on the record's page)."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower,
                                     target_id=str(target.pk)).order_by("at", "id")
