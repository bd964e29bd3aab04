"""Scoping of monitor runs, alerts and dispositions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jicai.web.accounts.models import User
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import company_q, institution_q, kind_of
from jicai.web.alerts.models import Alert, Disposition, MonitorRun, RunStatus
from jicai.web.reference.models import Institution, Region


def scoped_runs(user: User) -> QuerySet[MonitorRun]:
    """Runs are province-wide events: every bureau and reader sees them, others do not."""
    if kind_of(user) is ScopeKind.REGION:
        return MonitorRun.objects.all()
    return MonitorRun.objects.none()


def latest_run() -> MonitorRun | None:
    return MonitorRun.objects.filter(status=RunStatus.SUCCEEDED).order_by(
        "-started_at", "-id").first()


def scoped_alerts(user: User) -> QuerySet[Alert]:
    """A bureau: alerts on its institutions (a province bureau also those on no institution);
    an institution: those about itself; a company: those about its products or orders."""
    q = institution_q(user) | company_q(user, "company", "distributor")
    if kind_of(user) is ScopeKind.REGION and user.region is not None \
            and user.region.parent_id is None:
        q |= Q(institution__isnull=True)
        if not Region.objects.filter(parent__isnull=True).exclude(pk=user.region.pk).exists():
            # The one province sees every alert: no join through institutions and regions
            # (a province's inbox counts hundreds of thousands of cases).
            q = Q()
    elif kind_of(user) is ScopeKind.REGION and user.region is not None:
        # The institutions of the region first, then their alerts (index run × institution).
        q = Q(institution__in=Institution.objects.filter(
            region__path__startswith=user.region.path).values("code"))
    return Alert.objects.filter(q).select_related("institution", "institution__region",
                                                  "company", "distributor", "assigned_to",
                                                  "escalated_to")


def scoped_dispositions(user: User) -> QuerySet[Disposition]:
    fingerprints = scoped_alerts(user).values("fingerprint")
    return Disposition.objects.filter(fingerprint__in=fingerprints).select_related("by")
