"""The API fuzzed from its own OpenAPI schema (schemathesis): never a 500, never off-schema.

On the demo province, as ``jicai serve --demo`` makes it, with one record of each
kind about the demo hospital. Every operation gets generated requests, valid and
invalid (huge integers, odd dates, unknown enum values, long and odd text), each as
one of four demo sign-ins (province, county, hospital, company). Each answer must be
documented (status and body) and none may be a server error. Bounded: a few
examples an operation and pass; after a time budget no further pass starts.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jicai.web.accounts.models import ApiToken, User
from jicai.web.agreements.models import Agreement
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.api.api import api
from jicai.web.audit.record import Actor
from jicai.web.demo_seed import ensure_demo_data, seed_demo_users
from jicai.web.filings import services as filings
from jicai.web.monitoring.sync import sync_reference
from jicai.web.purchases import services as purchases
from jicai.web.reference.models import Batch, Product
from jicai.web.tickets import services as tickets

PERSONAS = ("province", "county", "hospital", "company")  # the demo sign-ins
EXAMPLES = 6  # per operation and pass
BUDGET_S = 20.0  # after which no further pass starts


def not_a_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}: "
        f"{response.text[:500]}")
    return None


CHECKS: list[Callable[..., Any]] = [not_a_server_error, status_code_conformance,
                                    content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI handler must not close the test's database
    connection at the end of each request (it would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    schema.app = WSGIHandler()
    # The letter upload is a multipart file; its bounds are the upload's (tested elsewhere).
    return [r.ok() for r in schema.get_all_operations()
            if "letter" not in r.ok().path]


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path, at: Callable[[str], None]) -> dict[str, int]:
    """The demo province (``jicai serve --demo``: generated, imported, its reference data
    and one user per role), plus one record of each kind about the demo hospital, made
    through the services; returns the first path segment of a detail operation → its id."""
    settings.HOME = tmp_path / "home"
    ensure_demo_data(settings.HOME)
    sync_reference(Actor(user=None, via="test"))
    seed_demo_users()
    at("2025-12-01 10:00")  # inside the demo's second GJYP09 cycle
    users = {u.username: u for u in User.objects.all()}
    hospital = users["hospital"]
    province = users["province"]
    batch = Batch.objects.get(code="GJYP09", cycle_no=2)
    window = filings.open_window(Actor(province), batch, province.region, dt.date(2099, 1, 1))
    filing = window.filings.get(institution=hospital.institution)
    product = Product.objects.filter(awards__batch_code=batch.code, awards__role="winning"
                                     ).order_by("code").first()
    assert product is not None
    ticket = tickets.report(Actor(hospital), product, "断货两周")
    purchase = purchases.register(Actor(hospital), {
        "product": None, "product_name": "进口造影剂", "category": "drug", "qty": "3",
        "amount": "99.5", "purchased_at": dt.date(2025, 11, 20), "reason": "临床急需"})
    agreement = Agreement.objects.filter(institution=hospital.institution).order_by("pk").first()
    assert agreement is not None
    run = MonitorRun.objects.create(as_of=dt.date(2025, 11, 30), profile="national",
                                    source="test", status="succeeded", alert_count=1)
    alert = Alert.objects.create(
        run=run, fingerprint="f1", rule_id="order.unresponded_48h", severity="critical",
        institution_id=hospital.institution_id, institution_code=hospital.institution_id,
        product_code=product.code, ref="OL-1", value=72.0, threshold=48.0,
        clause="GANZHOU 二(六)", message="订单未响应", company_id=product.company_id)
    return {"filings": filing.pk, "tickets": ticket.pk, "purchases": purchase.pk,
            "agreements": agreement.pk, "alerts": alert.pk}


def test_the_api_never_answers_500(demo: dict[str, int], keep_connection: None) -> None:
    ids = demo
    tokens = {p: ApiToken.issue(User.objects.get(username=p), "fuzz")[1] for p in PERSONAS}
    started = time.monotonic()
    operations = _operations()
    assert len(operations) >= 25
    calls: Counter[str] = Counter()
    # Three passes over every operation: invalid requests; valid ones (on a detail path
    # about a real record in scope of some personas: a random id is nearly always a 404);
    # invalid ones about that record. Each request as one of the personas. The first
    # pass always runs whole; the others stop when the time budget is spent.
    passes: list[list[Any]] = [[], [], []]
    for operation in operations:
        real = ids.get(operation.path.split("/")[2]) if "{pk}" in operation.path else None
        fixed = {"path_parameters": {"pk": real}} if real else {}
        passes[0].append(operation.as_strategy(GenerationMode.NEGATIVE))
        passes[1].append(operation.as_strategy(**fixed))
        if real:
            passes[2].append(operation.as_strategy(GenerationMode.NEGATIVE, **fixed))
    done = 0
    for number, strategies in enumerate(passes):
        if number and time.monotonic() - started > BUDGET_S:
            break
        for strategy in strategies:

            @given(case=strategy, persona=st.sampled_from(PERSONAS))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def call(case: Any, persona: str) -> None:
                headers = {"Authorization": f"Bearer {tokens[persona]}"}
                response = case.call(headers=headers)
                calls[f"{response.status_code // 100}xx"] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            call()
        done += 1
    print(f"fuzz: {done} passes, {dict(calls)} in {time.monotonic() - started:.1f} s")
    assert calls["4xx"] >= len(operations) * 3, calls  # the run did reach every operation
    if done > 1:  # valid requests got through to the services
        assert calls["2xx"] >= 50, calls
