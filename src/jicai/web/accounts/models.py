"""Users carry one role and one scope; API tokens are stored hashed."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.accounts.roles import OFFICER_LEVEL, SCOPE_OF_ROLE, Role, ScopeKind
from jicai.web.reference.models import Company, Institution, Region


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True,
                               related_name="users", verbose_name=_("region"))
    institution = models.ForeignKey(Institution, models.PROTECT, null=True, blank=True,
                                    related_name="users", verbose_name=_("institution"))
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True,
                                related_name="users", verbose_name=_("company"))

    def clean(self) -> None:
        super().clean()
        kind = SCOPE_OF_ROLE.get(self.role)
        if kind is None:
            raise ValidationError({"role": _("Unknown role.")})
        given = {ScopeKind.REGION: self.region_id, ScopeKind.INSTITUTION: self.institution_id,
                 ScopeKind.COMPANY: self.company_id}
        if not given[kind] or any(v for k, v in given.items() if k != kind):
            raise ValidationError(_("This role needs exactly one scope: a %(kind)s.")
                                  % {"kind": kind.value})
        level = OFFICER_LEVEL.get(self.role)
        if level and self.region is not None and self.region.level != level:
            raise ValidationError({"region": _("A %(role)s needs a region of that level.")
                                   % {"role": self.get_role_display()}})

    @property
    def scope_label(self) -> str:
        return str(self.region or self.institution or self.company or "—")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    user = models.ForeignKey(User, models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``; the clear key is returned once and never stored."""
        key = "jc_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=_digest(key)), key

    @classmethod
    def user_for(cls, key: str) -> User | None:
        try:
            token = cls.objects.select_related("user").get(digest=_digest(key))
        except (cls.DoesNotExist, UnicodeEncodeError):
            return None
        return token.user if token.user.is_active else None


class Notice(models.Model):
    """An in-app notice to one user (催报 and the like); kept, marked read when dismissed."""

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notices")
    sender = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("notice"))
    url = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
