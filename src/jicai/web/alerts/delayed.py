"""The delayed-response list (延迟响应清单, GANZHOU 二(六)), one per distributor.

Orders unanswered for more than 48 hours are gathered within a working day
into a list sent to each distributor; an order still unanswered 24 hours
later is escalated. Both come from the monitor's ``order.unresponded_48h``
and ``order.escalation_24h`` alerts; the distributor is that of the order.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jicai.web.alerts.models import Alert

DELAY_RULES = ("order.unresponded_48h", "order.escalation_24h")


def delayed_lists(alerts: QuerySet[Alert]) -> list[dict[str, Any]]:
    """Per distributor (unknown distributor last): its name, code and the alerts."""
    lists: dict[str, dict[str, Any]] = {}
    for alert in alerts.filter(rule_id__in=DELAY_RULES).order_by("distributor_id", "ordered_at",
                                                                  "ref"):
        code = alert.distributor_id or ""
        entry = lists.setdefault(code, {
            "code": code, "name": alert.distributor.name if alert.distributor else "",
            "alerts": [], "escalated": 0})
        entry["alerts"].append(alert)
        entry["escalated"] += alert.rule_id == "order.escalation_24h"
    return sorted(lists.values(), key=lambda d: (d["code"] == "", d["code"]))
