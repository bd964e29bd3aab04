"""Every page, for every persona: the right one gets it, the wrong one gets 403 or 404.

The matrix lists every URL of the app; ``test_every_url_is_in_the_matrix``
fails when a new page is added without its row here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jicai.web import clock
from tests.web.records import Records, build_records
from tests.web.world import World

EVERYONE = frozenset({"province", "city", "county_a", "county_b", "county_d", "health", "admin",
                      "hospital", "member", "hospital_b", "hospital_c", "company", "company2",
                      "distributor"})
REGION = frozenset({"province", "city", "county_a", "county_b", "county_d", "health", "admin"})
INSTITUTIONS = frozenset({"hospital", "member", "hospital_b", "hospital_c"})
COMPANIES = frozenset({"company", "company2", "distributor"})
OFFICERS = frozenset({"province", "city", "county_a", "county_b", "county_d"})
ABOVE_H_A = frozenset({"province", "city", "county_a", "health", "admin"})
RUNNERS = frozenset({"province", "admin"})

Args = Callable[[Records], list[object]]


def _pk(username: str) -> int:
    from jicai.web.accounts.models import User

    return int(User.objects.get(username=username).pk)

NONE: Args = lambda r: []  # noqa: E731

# url name → (arguments, who gets 200 on GET; None for POST-only actions)
GET: dict[str, tuple[Args, frozenset[str]]] = {
    "home": (NONE, EVERYONE),
    "accounts:tokens": (NONE, EVERYONE),
    "accounts:users": (NONE, frozenset({"admin"})),
    "accounts:duties": (NONE, EVERYONE),
    "accounts:user": (lambda r: [_pk("hospital")], frozenset({"admin"})),
    "filings:windows": (NONE, REGION | INSTITUTIONS),
    "filings:queue": (NONE, OFFICERS),
    "filings:window": (lambda r: [r.window.pk], REGION | INSTITUTIONS),
    "filings:export": (lambda r: [r.window.pk], OFFICERS),
    "filings:total": (lambda r: [r.window.pk], OFFICERS),
    "filings:close": (lambda r: [r.window.pk], frozenset({"province"})),  # the confirm page
    "filings:filing": (lambda r: [r.filing.pk], ABOVE_H_A | {"hospital"}),
    "filings:letter_file": (lambda r: [r.filing.pk], ABOVE_H_A | {"hospital"}),
    "tickets:list": (NONE, EVERYONE),
    "tickets:new": (NONE, INSTITUTIONS),
    "tickets:detail": (lambda r: [r.ticket.pk], ABOVE_H_A | {"hospital", "company"}),
    "purchases:list": (NONE, REGION | INSTITUTIONS),
    "purchases:new": (NONE, INSTITUTIONS),
    "purchases:detail": (lambda r: [r.purchase.pk], ABOVE_H_A | {"hospital"}),
    "agreements:list": (NONE, EVERYONE),
    "agreements:detail": (lambda r: [r.agreement.pk], ABOVE_H_A | {"hospital", "company"}),
    "alerts:inbox": (NONE, EVERYONE),
    "alerts:delayed": (NONE, EVERYONE),
    "alerts:detail": (lambda r: [r.order_alert.pk],
                      ABOVE_H_A | {"hospital", "company", "distributor"}),
    "monitoring:runs": (NONE, RUNNERS),
    "monitoring:run": (lambda r: [r.run.pk], RUNNERS),
    "dashboards:overview": (NONE, REGION),
    "dashboards:execution": (NONE, EVERYONE),
    "dashboards:region": (lambda r: ["220102"], ABOVE_H_A),
    "dashboards:institution": (lambda r: ["H_A"], ABOVE_H_A | {"hospital"}),
    "dashboards:variety": (lambda r: ["V1"], REGION | INSTITUTIONS),
    "dashboards:institution_report": (lambda r: ["H_A"], frozenset()),  # no run yet: nothing
    "dashboards:region_report": (lambda r: ["220102", "circular"], frozenset()),  # no run yet
    "jobs:job": (lambda r: [999999], frozenset()),  # no such job: 404 for everyone
    "jobs:file": (lambda r: [999999], frozenset()),
    "dashboards:company": (NONE, COMPANIES),
    "dashboards:rankings": (NONE, EVERYONE),
    "dashboards:ranking": (lambda r: ["payment_institutions"], EVERYONE),
    "dashboards:download": (lambda r: ["progress.csv"], frozenset()),  # no run yet: nothing
    "audit:log": (NONE, OFFICERS | {"admin"}),
    "audit:export": (NONE, OFFICERS | {"admin"}),
    "api-1.0.0:openapi-view": (NONE, EVERYONE),
    "api-1.0.0:openapi-json": (NONE, EVERYONE),
}

# url name → (arguments, who may do it; everybody else must get 403 or 404)
POST: dict[str, tuple[Args, frozenset[str]]] = {
    "accounts:token_revoke": (lambda r: [999999], frozenset()),
    "filings:open": (NONE, frozenset({"province"})),
    "filings:close": (lambda r: [r.window.pk], frozenset({"province"})),
    "filings:extend": (lambda r: [r.window.pk], frozenset({"province"})),
    "filings:reopen": (lambda r: [r.window.pk], frozenset({"province"})),
    "filings:remind": (lambda r: [r.window.pk], frozenset({"province"})),
    "accounts:notice_read": (lambda r: [999999], frozenset()),
    "accounts:user": (lambda r: [_pk("hospital")], frozenset({"admin"})),
    "filings:save": (lambda r: [r.filing.pk], frozenset({"hospital"})),
    "filings:letter": (lambda r: [r.filing.pk], frozenset({"hospital"})),
    "filings:submit": (lambda r: [r.filing.pk], frozenset({"hospital"})),
    "filings:approve": (lambda r: [r.filing.pk], frozenset({"county_a"})),
    "filings:return": (lambda r: [r.filing.pk], frozenset({"county_a"})),
    "tickets:reply": (lambda r: [r.ticket.pk], frozenset({"company"})),
    "tickets:resolve": (lambda r: [r.ticket.pk], frozenset({"hospital", "company"})),
    "tickets:escalate": (lambda r: [r.ticket.pk], frozenset({"province", "city", "county_a"})),
    "tickets:verify": (lambda r: [r.ticket.pk], frozenset({"province", "city", "county_a"})),
    "purchases:file": (lambda r: [r.purchase.pk], frozenset({"hospital"})),
    "purchases:withdraw": (lambda r: [r.purchase.pk], frozenset({"hospital"})),
    "agreements:record": (lambda r: [r.agreement.pk],
                          frozenset({"hospital", "province", "city", "county_a"})),
    "agreements:confirm": (lambda r: [r.agreement.pk], frozenset({"company"})),
    "agreements:dispute": (lambda r: [r.agreement.pk], frozenset({"company"})),
    "alerts:act": (lambda r: [r.alert.pk], frozenset({"province", "city", "county_a"})),
    "alerts:answer": (lambda r: [r.alert.pk], frozenset({"hospital", "company"})),
    "alerts:bulk": (NONE, OFFICERS),  # each ticked id is checked against the scope
    "monitoring:start": (NONE, RUNNERS),
    "monitoring:import": (NONE, RUNNERS),
    "monitoring:publish": (NONE, RUNNERS),
    "monitoring:sync": (NONE, RUNNERS),
}

# Pages with no data behind them.
OPEN = {"accounts:login", "accounts:logout", "set_language", "static",
        "api-1.0.0:openapi-view"}


def _names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _names(p.url_patterns, ns)
        elif p.name:
            names.add(prefix + p.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    names = _names(get_resolver().url_patterns)
    api = {n for n in names if n.startswith("api-1.0.0:") and n not in GET}
    unknown = names - set(GET) - set(POST) - OPEN - api
    assert not unknown, f"add these to the access matrix: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(GET))
def test_get_page(name: str, world: World, as_) -> None:
    records = build_records(world)
    args, allowed = GET[name]
    url = reverse(name, args=args(records))
    for persona in sorted(EVERYONE):
        status = as_(persona).get(url).status_code
        if persona in allowed:
            assert status == 200, (persona, url, status)
        else:
            assert status in (403, 404), (persona, url, status)


def _valid_data(world: World) -> dict[str, object]:
    """A body that every action accepts from the right persona: refusals are about who."""
    today = clock.today().isoformat()
    return {"reason": "x", "note": "x", "action": "resolve", "reply": "x",
            "committed_by": today, "start": "2025-03-01", "end": today, "signed_at": today,
            "as_of": "2025-09-30", "profile": "national", "batch": world.consumable_batch.pk,
            "closes_on": "2099-01-01", "units_V1": "5", "units_V2": "5"}


@pytest.mark.parametrize("name", sorted(POST))
def test_post_action_refuses_the_wrong_persona(name: str, world: World, as_) -> None:
    records = build_records(world)
    args, allowed = POST[name]
    url = reverse(name, args=args(records))
    for persona in sorted(EVERYONE - allowed):
        status = as_(persona).post(url, _valid_data(world)).status_code
        assert status in (403, 404), (persona, url, status)


def test_anonymous_is_sent_to_sign_in(world: World, client) -> None:
    records = build_records(world)
    for name, (args, _allowed) in GET.items():
        response = client.get(reverse(name, args=args(records)))
        assert response.status_code in (302, 401), name
