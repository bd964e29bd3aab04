"""Audit entries read as what happened and which fields changed, in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from jicai.web.audit.labels import ACTIONS, action_label
from jicai.web.audit.record import Actor
from jicai.web.tickets import services as tickets
from tests.web.records import build_records
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_an_escalation_reads_as_words_with_names(world: World,
                                                as_: Callable[[str], Client]) -> None:
    records = build_records(world)
    tickets.escalate(Actor(world.users["county_a"], "192.168.3.4"), records.ticket, "约谈企业")
    page = as_("city").get("/audit/?action=ticket.", **ZH).content.decode()
    assert "上报供应问题" in page
    assert "上报至：— → 甲市" in page  # the field's own name, the region by its name
    assert "escalated_to_id" not in page and "{&#x27;" not in page  # no dict repr
    detail = as_("county_a").get(f"/tickets/{records.ticket.pk}/", **ZH).content.decode()
    assert "上报供应问题" in detail and "ticket.escalate" not in detail


def test_every_action_the_app_records_has_a_label() -> None:
    import re
    from pathlib import Path

    import jicai.web

    web = Path(jicai.web.__file__).parent
    recorded = set()
    for path in web.rglob("*.py"):
        recorded |= set(re.findall(r'(?:record|tracked)\((?:actor|SYSTEM|Actor\.of\(request\)),'
                                   r'\s*"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert recorded, "found no audit actions: the pattern is wrong"
    assert recorded <= set(ACTIONS), sorted(recorded - set(ACTIONS))
    assert action_label("no.such") == "no.such"
