"""The figures behind the dashboard, each computed over the user's scope only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from jicai.web.accounts.models import User
from jicai.web.agreements.models import AgreementStatus
from jicai.web.agreements.scoping import scoped_agreements
from jicai.web.alerts.models import Severity
from jicai.web.alerts.scoping import latest_run, scoped_alerts
from jicai.web.alerts.templatetags.alert_tags import rule_title
from jicai.web.filings.models import FilingStatus
from jicai.web.filings.scoping import scoped_filings
from jicai.web.tickets.models import TicketStatus
from jicai.web.tickets.scoping import scoped_tickets


def _labelled(counts: dict[str, int], choices: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": str(label), "value": counts.get(value, 0)} for value, label in choices]


def figures(user: User) -> dict[str, Any]:
    filings = scoped_filings(user)
    by_window: dict[str, dict[str, int]] = {}
    for row in filings.values("window__batch__name", "status").annotate(n=Count("id")):
        by_window.setdefault(row["window__batch__name"], {})[row["status"]] = row["n"]
    windows = sorted(by_window)
    alerts = scoped_alerts(user).filter(run=latest_run())
    rules = list(alerts.values("rule_id").annotate(n=Count("id")).order_by("-n")[:15])
    severities = dict(alerts.values_list("severity").annotate(n=Count("id")))
    tickets = dict(scoped_tickets(user).values_list("status").annotate(n=Count("id")))
    agreements = dict(scoped_agreements(user).values_list("status").annotate(n=Count("id")))
    return {
        "filings": {"windows": windows, "series": [
            {"name": str(label), "data": [by_window[w].get(value, 0) for w in windows]}
            for value, label in FilingStatus.choices]},
        # a person reads the rule's title and the severity's name, never the codes
        "alerts_by_rule": {"rules": [rule_title(r["rule_id"]) for r in rules],
                           "counts": [r["n"] for r in rules]},
        "alerts_by_severity": [{"name": str(label), "value": severities[value]}
                               for value, label in reversed(Severity.choices)
                               if value in severities],
        "tickets": _labelled(tickets, TicketStatus.choices),
        "agreements": _labelled(agreements, AgreementStatus.choices),
    }
