"""The audit log (留痕): one row per change, never updated, never deleted.

Append-only is enforced three times: :class:`AuditEvent` refuses ``save`` of an
existing row and ``delete``; its manager refuses bulk ``update``/``delete``; and
database triggers refuse UPDATE and DELETE from any client (migration 0002; also
TRUNCATE on PostgreSQL) and, on SQLite, an INSERT that reuses an id (migration
0003: REPLACE deletes the old row without firing DELETE triggers). The database's
owner can still drop the triggers: see docs/web.md, "Security".
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Somebody tried to change or remove an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(_("who"), max_length=150)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record"), max_length=100)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The region path the record belongs to, so the audit log is scoped like the record.
    scope_path = models.CharField(max_length=40, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit log is append-only")
