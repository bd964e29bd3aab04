"""Monitor runs, their alerts, and what people did about them (dispositions).

An alert is identified across runs by its ``fingerprint`` (rule, institution,
batch, cycle, variety, product, ref): when the next run raises the same alert,
its status and its history of dispositions carry over.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.reference.models import Company, Institution, Region


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class MonitorRun(models.Model):
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    profile = models.CharField(_("profile"), max_length=40)
    source = models.CharField(_("source"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    message = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+")
    alert_count = models.PositiveIntegerField(default=0)
    rules = models.JSONField(default=list)  # [{rule_id, status, alerts, note}] as the engine says
    # The run's output folder (alerts, progress, assessment, monitor.xlsx, figures/), kept
    # on disk: the execution pages read the latest successful run's figures from it.
    output_dir = models.CharField(_("output folder"), max_length=500, blank=True)
    # The line-level alerts of the run, keyed by case and sorted by it (Parquet): a case's
    # lines are read from here on demand, never stored as rows (decision 0008).
    lines_file = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    run = models.ForeignKey(MonitorRun, models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=40, db_index=True)
    rule_id = models.CharField(_("rule"), max_length=60, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    institution = models.ForeignKey(Institution, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("institution"))
    institution_code = models.CharField(max_length=40, blank=True)
    batch_code = models.CharField(_("batch"), max_length=60, blank=True)
    cycle_no = models.PositiveSmallIntegerField(null=True, blank=True)
    variety_code = models.CharField(_("variety"), max_length=60, blank=True, db_index=True)
    product_code = models.CharField(_("product"), max_length=60, blank=True)
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    clause = models.CharField(_("clause"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    # The parties the alert is about, resolved when it is imported.
    company = models.ForeignKey(Company, models.SET_NULL, null=True, blank=True,
                                related_name="+")
    distributor = models.ForeignKey(Company, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    ordered_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AlertStatus.choices,
                              default=AlertStatus.NEW)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("assigned to"))
    escalated_to = models.ForeignKey(Region, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("escalated to"))
    # A case (decision 0008) groups the line-level alerts of one rule × institution ×
    # counterparty × month: ``lines`` of them, ``value`` the worst, ``amount`` their total.
    # A single alert has lines = 1 and is_case False.
    is_case = models.BooleanField(default=False)
    lines = models.PositiveIntegerField(_("lines"), default=1)
    amount = models.FloatField(_("amount"), null=True, blank=True)
    month = models.CharField(_("month"), max_length=7, blank=True)
    counterparty_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["rule_id", "institution_code", "variety_code", "ref", "id"]
        indexes = [
            models.Index(fields=["run", "rule_id", "institution_code", "variety_code", "ref",
                                 "id"], name="alert_run_sorted"),
            models.Index(fields=["run", "status"], name="alert_run_status"),
            models.Index(fields=["run", "severity"], name="alert_run_severity"),
            models.Index(fields=["run", "institution"], name="alert_run_institution"),
            models.Index(fields=["run", "distributor"], name="alert_run_distributor"),
            models.Index(fields=["run", "company"], name="alert_run_company"),
        ]


class Disposition(models.Model):
    """One thing somebody did about an alert; kept by fingerprint, so it outlives the run."""

    fingerprint = models.CharField(max_length=40, db_index=True)
    alert = models.ForeignKey(Alert, models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
