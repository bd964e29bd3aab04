"""A background job: a monitor run or a report build, queued, running, then done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jicai.web.alerts.models import MonitorRun


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobKind(models.TextChoices):
    MONITOR = "monitor", _("Monitor run")
    HOSPITAL = "hospital", _("Hospital monthly file")
    CIRCULAR = "circular", _("Quarterly circular")
    ANNUAL = "annual", _("Annual report")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    # While the job is queued or running, ``slot`` names what it holds ("monitor" for the
    # home's one monitor run, "report:…" for one document of one scope); NULL afterwards.
    # Unique, so a second start is refused by the database itself, in SQLite and PostgreSQL.
    slot = models.CharField(max_length=200, null=True, blank=True, unique=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # the engine's (or the documents code's) progress: "what", step i of n
    step = models.CharField(max_length=200, blank=True)
    step_i = models.PositiveIntegerField(default=0)
    step_n = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    # a monitor job's run (created at once, filled by the worker); a report job's source run
    run = models.ForeignKey(MonitorRun, models.CASCADE, null=True, blank=True,
                            related_name="jobs")
    as_of = models.DateField(null=True, blank=True)
    profile = models.CharField(max_length=40, blank=True)
    # a report: the institution or region code it is limited to, and its format
    scope_code = models.CharField(max_length=40, blank=True)
    fmt = models.CharField(max_length=8, blank=True)
    file = models.CharField(max_length=500, blank=True)  # the built file, under HOME/jobs/
    filename = models.CharField(max_length=300, blank=True)  # the name the download gets

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE
