"""Off-platform purchases registered afterwards (备案采购, GANZHOU 二(四), GUANGDONG 二(三))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Category, Institution, Product


class PurchaseStatus(models.TextChoices):
    # Recorded when it was bought, not yet filed: the 7-working-day clock runs (a duty
    # on the institution's home page). Only filed records are published.
    DRAFT = "draft", _("Not yet filed")
    FILED = "filed", _("Filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OffPlatformPurchase(models.Model):
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="purchases",
                                    verbose_name=_("institution"))
    product = models.ForeignKey(Product, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("product (if listed)"))
    product_name = models.CharField(_("product name"), max_length=200)
    # Who sold it (供货单位): an off-platform purchase is checked against its supplier.
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    qty = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=4)
    purchased_at = models.DateField(_("purchase date"))
    filed_at = models.DateField(_("filing date"), null=True, blank=True)  # None: a draft
    is_negotiated = models.BooleanField(_("national negotiated drug"), default=False)
    is_hk_macau = models.BooleanField(_("Hong Kong/Macau drug or device"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PurchaseStatus.choices,
                              default=PurchaseStatus.FILED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-filed_at", "-id"]

    @property
    def filing_id(self) -> str:
        return f"WEB-B{self.pk:07d}"
