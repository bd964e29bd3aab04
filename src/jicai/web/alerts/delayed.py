"""The delayed-response list (延迟响应清单, GANZHOU 二(六)), one per distributor.

Orders unanswered for more than 48 hours are gathered within a working day
into a list sent to each distributor; an order still unanswered 24 hours
later is escalated. Both come from the monitor's ``order.unresponded_48h``
and ``order.escalation_24h`` alerts, held as cases per distributor (decision 0008);
the orders are the cases' lines, read from the run's lines file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jicai.web.alerts.cases import read_lines
from jicai.web.alerts.models import Alert
from jicai.web.reference.models import Institution

DELAY_RULES = ("order.unresponded_48h", "order.escalation_24h")


def delayed_lists(cases: QuerySet[Alert]) -> list[dict[str, Any]]:
    """Per distributor (unknown distributor last): its name, code and the order lines
    (read from the run's lines file), ``escalated`` counting the 24-hour escalations."""
    lists: dict[str, dict[str, Any]] = {}
    by_file: dict[tuple[str, str], list[str]] = {}
    for fp, code, name, path in cases.filter(rule_id__in=DELAY_RULES).values_list(
            "fingerprint", "distributor_id", "distributor__name", "run__lines_file"):
        lists.setdefault(code or "", {"code": code or "", "name": name or "", "alerts": [],
                                      "escalated": 0})
        by_file.setdefault((code or "", path), []).append(fp)
    for (code, path), fps in by_file.items():
        entry = lists[code]
        rows = read_lines(path, fps)
        entry["alerts"] += rows
        entry["escalated"] += sum(r["rule_id"] == "order.escalation_24h" for r in rows)
    names = dict(Institution.objects.values_list("code", "name"))
    for entry in lists.values():
        entry["alerts"].sort(key=lambda r: (r["ordered_at"] is None, r["ordered_at"] or 0,
                                            r["ref"] or ""))
        for r in entry["alerts"]:
            r["institution"] = names.get(r["institution_code"] or "", "")
    return sorted(lists.values(), key=lambda d: (d["code"] == "", d["code"]))
