"""Demand filing (报量): a window per batch, one filing per institution, one line per variety.

Names follow OpenLMIS: a :class:`DemandFiling` is a requisition, its
:class:`DemandLine` the line items, a :class:`Review` one level's decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Batch, Institution, Region, Variety


class WindowStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")


class ReviewLevel(models.TextChoices):
    COUNTY = "county", _("County bureau")
    CITY = "city", _("City bureau")
    PROVINCE = "province", _("Province bureau")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class FilingWindow(models.Model):
    batch = models.ForeignKey(Batch, models.PROTECT, related_name="windows",
                              verbose_name=_("batch"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=10, choices=WindowStatus.choices,
                              default=WindowStatus.OPEN)
    profile = models.CharField(max_length=40)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["batch", "region"],
                                               name="one_window_per_batch_region")]

    def __str__(self) -> str:
        return str(self.batch)


class DemandFiling(models.Model):
    window = models.ForeignKey(FilingWindow, models.CASCADE, related_name="filings")
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="filings",
                                    verbose_name=_("institution"))
    # The consortium lead files for its members (紧密型医共体整体报量).
    filer = models.ForeignKey(Institution, models.PROTECT, related_name="filed_for")
    status = models.CharField(_("status"), max_length=12, choices=FilingStatus.choices,
                              default=FilingStatus.DRAFT)
    chain = models.JSONField(default=list)  # review levels, fixed at submission
    review_level = models.CharField(_("review level"), max_length=10, blank=True,
                                    choices=ReviewLevel.choices)
    commitment_letter = models.FileField(_("commitment letter"), upload_to="letters/%Y/",
                                         blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                     blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["institution_id"]
        constraints = [models.UniqueConstraint(fields=["window", "institution"],
                                               name="one_filing_per_institution")]

    def __str__(self) -> str:
        return f"{self.institution} · {self.window}"


class DemandLine(models.Model):
    filing = models.ForeignKey(DemandFiling, models.CASCADE, related_name="lines")
    variety = models.ForeignKey(Variety, models.PROTECT, related_name="+")
    # None until answered: zero is an answer, silence is not (零报量).
    reported_units = models.BigIntegerField(_("reported units"), null=True, blank=True)
    history_units = models.BigIntegerField(_("history"), null=True, blank=True)
    history_year = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["variety_id"]
        constraints = [models.UniqueConstraint(fields=["filing", "variety"],
                                               name="one_line_per_variety")]


class Review(models.Model):
    filing = models.ForeignKey(DemandFiling, models.CASCADE, related_name="reviews")
    level = models.CharField(_("level"), max_length=10, choices=ReviewLevel.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
