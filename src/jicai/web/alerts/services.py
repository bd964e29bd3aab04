"""Working an alert: acknowledge, assign, escalate, resolve; the party answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import require, require_in_scope
from jicai.web.accounts.roles import Capability, can
from jicai.web.alerts.models import Alert, Disposition
from jicai.web.alerts.scoping import scoped_alerts
from jicai.web.alerts.workflow import ALERT
from jicai.web.audit.record import Actor, record, snapshot
from jicai.web.workflow import WorkflowError


def _path(alert: Alert) -> str:
    return alert.institution.region.path if alert.institution else ""


def _apply(actor: Actor, alert: Alert, action: str, note: str, **changes: object) -> None:
    transition = ALERT.check(alert.status, action)
    with transaction.atomic():
        before = snapshot(alert)
        if transition.target is not None:
            alert.status = transition.target
        for field, value in changes.items():
            setattr(alert, field, value)
        alert.save()
        Disposition.objects.create(fingerprint=alert.fingerprint, alert=alert, action=action,
                                   note=note, by=actor.person)
        record(actor, f"alert.{action}", alert, before=before, after=snapshot(alert),
               scope_path=_path(alert), note=note)


def handle(actor: Actor, alert: Alert, action: str, note: str = "",
           assignee: User | None = None) -> None:
    """A bureau officer acts on an alert in its scope."""
    user = actor.user
    require(user, Capability.HANDLE_ALERT)  # type: ignore[arg-type]
    require_in_scope(scoped_alerts(user), alert)  # type: ignore[arg-type]
    note = (note or "").strip()
    if action == "acknowledge":
        _apply(actor, alert, action, note)
    elif action == "assign":
        if assignee is None or not can(assignee, Capability.HANDLE_ALERT) \
                or not scoped_alerts(assignee).filter(pk=alert.pk).exists():
            raise WorkflowError(_("Assign the alert to an officer whose scope covers it."))
        _apply(actor, alert, action, note or assignee.username, assigned_to=assignee)
    elif action == "escalate":
        current = alert.escalated_to or user.region  # type: ignore[union-attr]
        if current is None or current.parent is None:
            raise WorkflowError(_("There is no bureau above to escalate to."))
        _apply(actor, alert, action, note, escalated_to=current.parent)
    elif action == "resolve":
        if not note:
            raise WorkflowError(_("Say how the alert was resolved."))
        _apply(actor, alert, action, note)
    else:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})


BULK_MAX = 200  # rows handled in one request (an inbox page has 50)


def handle_many(actor: Actor, alerts: list[Alert], action: str, note: str = "") -> None:
    """One action on several cases or alerts, all or none (each checked and recorded)."""
    if action not in ("acknowledge", "escalate", "resolve"):
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    if not alerts:
        raise WorkflowError(_("Select the alerts to handle."))
    with transaction.atomic():
        for alert in alerts:
            handle(actor, alert, action, note)


def answer(actor: Actor, alert: Alert, note: str) -> None:
    """The institution or company the alert is about gives its explanation."""
    user = actor.user
    require(user, Capability.ANSWER_ALERT)  # type: ignore[arg-type]
    about_me = user is not None and (
        (user.institution_id is not None and user.institution_id == alert.institution_id)
        or (user.company_id is not None
            and user.company_id in (alert.company_id, alert.distributor_id)))
    if not about_me:
        raise PermissionDenied("party")
    if not (note or "").strip():
        raise WorkflowError(_("Write your answer."))
    _apply(actor, alert, "answer", note.strip())
