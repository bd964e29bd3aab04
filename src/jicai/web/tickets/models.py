"""Supply-problem tickets (供应问题反馈, HENAN 二(八)) and the exemptions they justify."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Company, Institution, Product, Region, Variety


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the company's reply")
    REPLIED = "replied", _("Replied, fix promised")
    RESOLVED = "resolved", _("Resolved")


class ExemptionKind(models.TextChoices):
    SUPPLY_PROBLEM = "supply_problem", _("Supply problem verified by the bureau")
    CLINICAL_CHANGE = "clinical_change", _("Major change of clinical demand")


class Exemption(models.Model):
    """A contract ``exemptions`` row: the variety is not assessed for the institution then."""

    institution = models.ForeignKey(Institution, models.PROTECT, null=True, blank=True,
                                    related_name="exemptions")
    variety = models.ForeignKey(Variety, models.PROTECT, related_name="exemptions")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExemptionKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["institution", "variety", "start_date", "kind"], name="exemption_key")]


class Ticket(models.Model):
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="tickets",
                                    verbose_name=_("institution"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="tickets",
                                verbose_name=_("product"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="tickets",
                                verbose_name=_("company"))
    description = models.TextField(_("problem"))
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices,
                              default=TicketStatus.OPEN)
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    committed_by = models.DateField(_("promised fix date"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    # The bureau the overdue ticket sits with: the institution's own, then upward (逐级上报).
    escalated_to = models.ForeignKey(Region, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("escalated to"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    exemption = models.OneToOneField(Exemption, models.PROTECT, null=True, blank=True,
                                     related_name="ticket")

    class Meta:
        ordering = ["-reported_at", "-id"]

    @property
    def ticket_id(self) -> str:
        """The contract's ``ticket_id``: web tickets are numbered apart from imported ones."""
        return f"WEB-T{self.pk:07d}"
