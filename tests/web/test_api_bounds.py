"""Errors, not 500s (issue 11, item 3): every bound of the API answers 4xx in Chinese and English.

Before the fix ``limit``/``offset``/ids of 2**63 and huge numbers in filing lines
and purchases answered 500, an unknown purchase ``category`` was stored (and broke
the province's Publish), and the OpenAPI schema documented only 200/201.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jicai.contract.schemas import TABLES
from jicai.web.accounts.models import ApiToken
from jicai.web.api.api import api
from jicai.web.api.bounds import MAX_PAGE
from jicai.web.purchases.models import OffPlatformPurchase
from jicai.web.tickets.models import TicketStatus
from tests.web.records import Records, build_records
from tests.web.world import World

HUGE = 2**63


def bearer(world: World, name: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(world.users[name], 't')[1]}"})


@pytest.fixture
def records(world: World, at: Callable[[str], None]) -> Records:
    at("2025-09-30 10:00")
    return build_records(world)


def refused(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body: dict[str, Any] = response.json()
    assert body["detail"] and body["detail_en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # Chinese
    return body


@pytest.mark.parametrize("path", ["/api/filings", "/api/tickets", "/api/purchases",
                                  "/api/agreements", "/api/alerts", "/api/audit"])
@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "limit=0",
                                   f"limit={MAX_PAGE + 1}", "offset=-1"])
def test_pages_are_bounded(path: str, query: str, records: Records, world: World) -> None:
    body = refused(bearer(world, "province").get(f"{path}?{query}"))
    assert body["errors"][0]["loc"][-1] in ("limit", "offset")


def test_a_full_page_is_allowed(records: Records, world: World) -> None:
    response = bearer(world, "province").get(f"/api/tickets?limit={MAX_PAGE}&offset=0")
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.parametrize("path", ["/api/filings/{}", "/api/tickets/{}", "/api/purchases/{}",
                                  "/api/agreements/{}", "/api/alerts/{}"])
def test_ids_are_bounded(path: str, records: Records, world: World) -> None:
    client = bearer(world, "province")
    refused(client.get(path.format(HUGE)))
    refused(client.get(path.format(0)))
    refused(client.get(path.format(2**63 - 1)), 404)  # in range, no such record
    refused(client.get("/api/filings?window=" + str(HUGE)))


def test_enum_filters_are_the_workflow_lists(records: Records, world: World) -> None:
    client = bearer(world, "province")
    refused(client.get("/api/filings?status=bogus"))
    refused(client.get("/api/alerts?severity=fatal"))
    assert client.get("/api/alerts?severity=warning").status_code == 200


def test_huge_units_in_a_filing_line(records: Records, world: World) -> None:
    url = f"/api/filings/{records.filing.pk}/lines"
    records.filing.status = "draft"
    records.filing.save()
    for units in (HUGE, 10**30, -1):
        body = {"lines": [{"variety_code": "V1", "reported_units": units}]}
        refused(bearer(world, "hospital").put(url, body, content_type="application/json"))


def _purchase(**over: Any) -> dict[str, Any]:
    return {"product_name": "进口药", "category": "drug", "qty": "2", "amount": "20.5",
            "purchased_at": "2025-09-01", **over}


@pytest.mark.parametrize("over", [
    {"qty": "1e30"}, {"amount": "1e30"}, {"amount": 10**20}, {"qty": "NaN"},
    {"amount": "Infinity"}, {"qty": "-1"}, {"amount": "0.00001"},
    {"purchased_at": "99999-01-01"}, {"purchased_at": "0001-01-01"},
    {"category": "bogus"}, {"category": "药品"}, {"product_name": "x\x00y"},
    {"product_name": "长" * 201}, {"reason": "r" * 10_001},
])
def test_bad_purchases_are_refused_and_not_stored(over: dict[str, Any], records: Records,
                                                  world: World) -> None:
    before = OffPlatformPurchase.objects.count()
    refused(bearer(world, "hospital").post("/api/purchases", _purchase(**over),
                                           content_type="application/json"))
    assert OffPlatformPurchase.objects.count() == before


def test_every_contract_category_is_taken(records: Records, world: World) -> None:
    assert TABLES["filings"].column("category").enum == ("drug", "consumable", "hv_consumable")
    for category in TABLES["filings"].column("category").enum:
        response = bearer(world, "hospital").post("/api/purchases", _purchase(category=category),
                                                  content_type="application/json")
        assert response.status_code == 201, response.content
        assert response.json()["category"] == category


def test_a_malformed_body_is_a_400(records: Records, world: World) -> None:
    response = bearer(world, "hospital").post("/api/purchases", b"{not json",
                                              content_type="application/json")
    refused(response, 400)


def test_refusals_are_bilingual(records: Records, world: World) -> None:
    refused(Client().get("/api/me"), 401)
    refused(bearer(world, "company").get("/api/audit"), 403)
    refused(bearer(world, "county_b").get(f"/api/filings/{records.filing.pk}"), 404)


def test_openapi_documents_the_refusals_and_the_page_cap() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/")
    assert "Problem" in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            assert {"400", "401", "403", "404", "409", "422", "503"} <= statuses, (path, method)
    params = {p["name"]: p for p in schema["paths"]["/api/tickets"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == MAX_PAGE
    assert sorted(TicketStatus.values) in [sorted(e) for e in _enums(params["status"])
                                           + _enums(schema["components"])]
    body = schema["components"]["schemas"]["PurchaseIn"]["properties"]["category"]
    assert ["drug", "consumable", "hv_consumable"] in _enums(body)


def _enums(node: Any) -> list[Any]:
    if isinstance(node, dict):
        found = [node["enum"]] if "enum" in node else []
        return found + [e for v in node.values() for e in _enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in _enums(v)]
    return []


def test_publishing_while_an_import_holds_the_lock_is_a_503(records: Records, world: World,
                                                           settings: Any, tmp_path: Any) -> None:
    import fcntl

    from jicai.web.monitoring.models import Publication

    settings.HOME = tmp_path
    client = Client()
    client.force_login(world.users["province"])
    with (tmp_path / ".lock").open("w") as held:  # as an import holds it (store._locked)
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        response = client.post("/monitoring/publish/", HTTP_REFERER="http://evil.example/")
        fcntl.flock(held, fcntl.LOCK_UN)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "另一个导入正在写入" in page and "another import is writing" in page
    assert "evil.example" not in page
    failed = Publication.objects.get()
    assert not failed.ok and "另一个导入正在写入" in failed.message
    # once the import is done, the same button publishes
    assert client.post("/monitoring/publish/").status_code == 302
    assert Publication.objects.filter(ok=True).count() == 1


def test_a_workflow_refusal_comes_in_both_languages(records: Records, world: World) -> None:
    url = f"/api/filings/{records.filing.pk}/return"
    bearer(world, "county_a").post(url, {"reason": "请核实"}, content_type="application/json")
    body = refused(bearer(world, "county_a").post(url, {"reason": "再次退回"},
                                                  content_type="application/json"), 409)
    assert body["detail"] != body["detail_en"]
    assert "is not allowed while the record is" in body["detail_en"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body["detail_en"])


def test_in_both_fills_templates_either_way() -> None:
    from jicai.web.api.errors import in_both

    assert in_both("剩余 12 天") == ("剩余 12 天", "12 days left")
    assert in_both("12 days left") == ("剩余 12 天", "12 days left")
    assert in_both("请描述问题。") == ("请描述问题。", "Describe the problem.")
    assert in_both("not in the catalogue") == ("not in the catalogue", "not in the catalogue")


@pytest.mark.parametrize("url", ["/audit/?who=a%00b", "/audit/audit-log.csv?action=%00",
                                 "/alerts/?rule=%00", "/dashboards/institution/H%00A/"])
def test_a_nul_character_is_refused_not_a_500(url: str, records: Records, world: World) -> None:
    """PostgreSQL cannot take NUL in a text; no page needs one: 400, never a 500."""
    client = Client()
    client.force_login(world.users["province"])
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert "空字符" in response.content.decode() and "NUL" in response.content.decode()
    response = client.post("/alerts/", {"note": "a\x00b"})
    assert response.status_code == 400
