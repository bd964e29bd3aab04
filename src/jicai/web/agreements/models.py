"""Three-party purchase agreements (三方购销协议, JILIN 第五条).

The parties: the institution, the winning company, the distributor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Batch, Company, Institution


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Not yet signed")
    RECORDED = "recorded", _("Signed, awaiting the company's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the company")
    DISPUTED = "disputed", _("Disputed by the company")


class Agreement(models.Model):
    """One per (batch and cycle, institution, winning company), created from agreed volumes."""

    batch = models.ForeignKey(Batch, models.PROTECT, related_name="agreements",
                              verbose_name=_("batch"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="agreements",
                                    verbose_name=_("institution"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="agreements",
                                verbose_name=_("winning company"))
    distributor = models.ForeignKey(Company, models.PROTECT, null=True, blank=True,
                                    related_name="distributed_agreements",
                                    verbose_name=_("distributor"))
    signed_at = models.DateField(_("signed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AgreementStatus.choices,
                              default=AgreementStatus.PENDING)
    # Drug agreements may be signed by the local agency on the institution's behalf (代签).
    signed_on_behalf = models.BooleanField(_("signed by the bureau on behalf"), default=False)
    dispute_reason = models.TextField(_("dispute reason"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+")

    class Meta:
        ordering = ["batch__code", "institution_id", "company_id"]
        constraints = [models.UniqueConstraint(fields=["batch", "institution", "company"],
                                               name="one_agreement_per_party")]
