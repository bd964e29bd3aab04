"""Every page, as every persona, in zh-hans: no rule id, English status, severity or
action word, and no bare 'OK' or 'ran' among what a person reads.

The visible text of each page (scripts, styles and tags removed) is searched for the
rule ids of the registry and for the English values of the app's enums as whole words.
The API's own documentation (Swagger) is English by design and left out.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from jicai.web.monitoring.bridge import rule_titles
from tests.web.records import build_records
from tests.web.test_access import EVERYONE, GET
from tests.web.test_alerts import run_from
from tests.web.world import World

SKIP = {
    "api-1.0.0:openapi-view",
    "api-1.0.0:openapi-json",
    "dashboards:download",
    "audit:export",
    "filings:export",
    "filings:total",
    "filings:letter_file",
}
WORDS = [
    "critical",
    "warning",
    "info",
    "new",
    "acknowledged",
    "assigned",
    "escalated",
    "resolved",
    "open",
    "replied",
    "pending",
    "recorded",
    "confirmed",
    "disputed",
    "draft",
    "in_review",
    "returned",
    "approved",
    "ran",
    "off",
    "unavailable",
    "succeeded",
    "failed",
    "acknowledge",
    "assign",
    "escalate",
    "resolve",
    "answer",
    "OK",
    "supply_problem",
    "clinical_change",
    "drug",
    "consumable",
    "hv_consumable",
]
_WORD = re.compile(r"(?<![\w.@/-])(" + "|".join(map(re.escape, WORDS)) + r")(?![\w.@/-])")


def untranslated(text: str) -> set[str]:
    """The rule ids and the English enum words (``WORDS``) in ``text``, a page as read."""
    return {rid for rid in rule_titles() if rid in text} | set(_WORD.findall(text))


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


@pytest.mark.parametrize("name", sorted(set(GET) - SKIP))
def test_pages_read_in_chinese(name: str, world: World, as_, tmp_path) -> None:  # type: ignore[no-untyped-def]
    records = build_records(world)
    run_from(world, tmp_path)
    rule_ids = set(rule_titles())
    args, allowed = GET[name]
    url = reverse(name, args=args(records))
    found: dict[str, set[str]] = {}
    for persona in sorted(allowed & EVERYONE):
        response = as_(persona).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = _visible(response.content.decode())
        bad = {rid for rid in rule_ids if rid in text} | set(_WORD.findall(text))
        if bad:
            found[persona] = bad
    assert not found, f"{url}: English or codes in the Chinese page: {found}"


def test_the_dashboard_charts_name_rules_and_severities_in_chinese(  # type: ignore[no-untyped-def]
        world: World, as_, tmp_path) -> None:
    """The charts' labels travel as JSON inside a <script>, which the walk above strips:
    a rule id or 'critical' there is still what the officer reads on the chart."""
    import json

    run_from(world, tmp_path)
    page = as_("province").get(reverse("dashboards:overview"),
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    data = json.loads(html.unescape(
        re.search(r'<script id="figures" type="application/json">(.*?)</script>', page,
                  re.S).group(1)))  # type: ignore[union-attr]
    rules, severities = data["alerts_by_rule"]["rules"], data["alerts_by_severity"]
    assert rules and severities
    titles = rule_titles()
    assert set(rules) <= {zh for zh, _ in titles.values()}, rules
    assert {s["name"] for s in severities} <= {"严重", "警告", "提示"}, severities
    assert all(not _WORD.search(s["name"]) for s in data["agreements"] + data["tickets"])
