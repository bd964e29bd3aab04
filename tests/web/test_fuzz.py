"""The API fuzzed from its own OpenAPI schema (schemathesis): never a 500, never off-schema.

Every operation gets a few generated requests (valid and invalid: huge integers,
odd dates, unknown enum values, long and odd text) as several personas (a province
officer, a county officer, a hospital, a company). Each answer must be documented
(status and body) and none may be a server error. Bounded: a few examples an
operation and a persona, a time budget well under a minute.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jicai.web.accounts.models import ApiToken
from jicai.web.api.api import api
from tests.web.records import Records, build_records
from tests.web.world import World

PERSONAS = ("province", "county_a", "hospital", "company")
EXAMPLES = 8  # per operation and pass
BUDGET_S = 20.0  # after which no further pass starts


def not_a_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}: "
        f"{response.text[:500]}")
    return None


CHECKS: list[Callable[..., Any]] = [not_a_server_error, status_code_conformance,
                                    content_type_conformance, response_schema_conformance]


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
    schema.app = WSGIHandler()
    # The letter upload is a multipart file; its bounds are the upload's (tested elsewhere).
    return [r.ok() for r in schema.get_all_operations()
            if "letter" not in r.ok().path]


def _record_ids(records: Records) -> dict[str, int]:
    """The first path segment of a detail operation → a real record of H_A's."""
    return {"filings": records.filing.pk, "tickets": records.ticket.pk,
            "purchases": records.purchase.pk, "agreements": records.agreement.pk,
            "alerts": records.order_alert.pk}


def test_the_api_never_answers_500(world: World, at: Callable[[str], None]) -> None:
    at("2025-09-30 10:00")  # inside the world's purchasing cycles
    records = build_records(world)
    ids = _record_ids(records)
    tokens = {p: ApiToken.issue(world.users[p], "fuzz")[1] for p in PERSONAS}
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
