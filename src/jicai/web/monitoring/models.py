"""Publications: workflow records handed to the warehouse as contract tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                           related_name="+")
    ok = models.BooleanField(default=False)
    rows = models.JSONField(default=dict)  # table name -> rows published
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
