"""The JSON API: tokens and sessions, the same scoping, the same workflows, OpenAPI offline."""

from __future__ import annotations

import pytest
from django.test import Client

from jicai.web.accounts.models import ApiToken
from jicai.web.filings.models import FilingStatus
from tests.web.records import Records, build_records, pdf
from tests.web.test_access import ABOVE_H_A, EVERYONE, INSTITUTIONS, OFFICERS, REGION
from tests.web.world import DIST, World


def bearer(world: World, name: str) -> Client:
    _token, key = ApiToken.issue(world.users[name], "test")
    return Client(headers={"Authorization": f"Bearer {key}"})


# path (from the records) → who gets 200; everybody else gets 403 or 404
GET = {
    "/api/me": (lambda r: "", EVERYONE),
    "/api/filings/windows": (lambda r: "", REGION | INSTITUTIONS),
    "/api/filings/{}": (lambda r: r.filing.pk, ABOVE_H_A | {"hospital"}),
    "/api/tickets/{}": (lambda r: r.ticket.pk, ABOVE_H_A | {"hospital", "company"}),
    "/api/purchases": (lambda r: "", REGION | INSTITUTIONS),
    "/api/purchases/{}": (lambda r: r.purchase.pk, ABOVE_H_A | {"hospital"}),
    "/api/agreements/{}": (lambda r: r.agreement.pk, ABOVE_H_A | {"hospital", "company"}),
    "/api/alerts/{}": (lambda r: r.order_alert.pk,
                       ABOVE_H_A | {"hospital", "company", "distributor"}),
    "/api/audit": (lambda r: "", OFFICERS | {"admin"}),
}
# list endpoints: who finds H_A's record in the list
LISTS = {
    "/api/filings": (lambda r: r.filing.pk, ABOVE_H_A | {"hospital"}),
    "/api/tickets": (lambda r: r.ticket.pk, ABOVE_H_A | {"hospital", "company"}),
    "/api/agreements": (lambda r: r.agreement.pk, ABOVE_H_A | {"hospital", "company"}),
    "/api/alerts": (lambda r: r.order_alert.pk,
                    ABOVE_H_A | {"hospital", "company", "distributor"}),
}


@pytest.mark.parametrize("path", sorted(GET))
def test_get_endpoint_scoping(path: str, world: World, as_) -> None:
    records = build_records(world)
    arg, allowed = GET[path]
    url = path.format(arg(records))
    for persona in sorted(EVERYONE):
        status = as_(persona).get(url).status_code
        if persona in allowed:
            assert status == 200, (persona, url, status)
        else:
            assert status in (403, 404), (persona, url, status)


@pytest.mark.parametrize("path", sorted(LISTS))
def test_list_endpoint_scoping(path: str, world: World, as_) -> None:
    records = build_records(world)
    arg, allowed = LISTS[path]
    pk = arg(records)
    for persona in sorted(EVERYONE):
        response = as_(persona).get(path)
        ids = [] if response.status_code != 200 else [i["id"] for i in response.json()["items"]]
        assert (pk in ids) == (persona in allowed), (persona, path, ids)


@pytest.mark.parametrize(("path", "body", "allowed"), [
    ("/api/filings/{filing}/approve", None, {"county_a"}),
    ("/api/filings/{filing}/return", {"reason": "x"}, {"county_a"}),
    ("/api/filings/{member}/submit", None, {"hospital"}),
    ("/api/tickets/{ticket}/reply", {"reply": "x", "committed_by": "2099-01-01"}, {"company"}),
    ("/api/tickets/{ticket}/verify", {"start": "2025-01-01", "end": "2025-02-01"},
     {"province", "city", "county_a"}),
    ("/api/purchases/{purchase}/file", None, {"hospital"}),
    ("/api/purchases/{purchase}/withdraw", {"reason": "x"}, {"hospital"}),
    ("/api/agreements/{agreement}/confirm", None, {"company"}),
    ("/api/alerts/{alert}/act", {"action": "acknowledge"}, {"province", "city", "county_a"}),
    ("/api/alerts/{alert}/answer", {"note": "x"}, {"hospital", "company"}),
])
def test_post_endpoint_refuses_the_wrong_persona(path: str, body: dict | None,
                                                 allowed: set[str], world: World, as_) -> None:
    r: Records = build_records(world)
    url = path.format(filing=r.filing.pk, member=r.member_filing.pk, ticket=r.ticket.pk,
                      purchase=r.purchase.pk, agreement=r.agreement.pk, alert=r.alert.pk)
    for persona in sorted(EVERYONE - allowed):
        status = as_(persona).post(url, body, content_type="application/json").status_code
        assert status in (403, 404), (persona, url, status)


def test_tokens(world: World) -> None:
    client = bearer(world, "county_a")
    assert client.get("/api/me").json()["region_code"] == "220102"
    bad = Client(headers={"Authorization": "Bearer jc_nope"})
    assert bad.get("/api/me").status_code == 401
    assert Client().get("/api/me").status_code == 401
    world.users["county_a"].is_active = False
    world.users["county_a"].save()
    assert client.get("/api/me").status_code == 401


def test_session_posts_need_the_csrf_token(world: World) -> None:
    records = build_records(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_a"])
    assert client.post(f"/api/filings/{records.filing.pk}/approve").status_code == 403


def test_the_tokens_page_issues_and_revokes(world: World, as_) -> None:
    client = as_("hospital")
    page = client.post("/accounts/tokens/", {"name": "his"}).content.decode()
    key = page.split('id="new-token">')[1].split("<")[0]
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 200
    token = ApiToken.objects.get()
    assert token.digest != key and key not in token.digest
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 401


def test_demand_filing_through_the_api(world: World) -> None:
    records = build_records(world)
    hospital, county = bearer(world, "hospital"), bearer(world, "county_a")
    url = f"/api/filings/{records.filing.pk}"
    response = county.post(url + "/return", {"reason": "V2 请核实"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == FilingStatus.RETURNED
    body = {"lines": [{"variety_code": "V1", "reported_units": 900, "explanation": ""},
                      {"variety_code": "V2", "reported_units": 0}]}
    detail = hospital.put(url + "/lines", body, content_type="application/json").json()
    assert any("V1" in m or "阿莫西林" in m for m in detail["missing"])
    assert detail["lines"][0]["explanation_required"] is True
    response = hospital.post(url + "/submit")
    assert response.status_code == 409 and response.json()["detail"]
    body["lines"][0]["explanation"] = "门诊量下降"
    hospital.put(url + "/lines", body, content_type="application/json")
    assert hospital.post(url + "/letter", {"file": pdf()}).status_code == 200
    assert hospital.post(url + "/submit").json()["review_level"] == "county"
    assert bearer(world, "city").post(url + "/approve").status_code == 403
    assert county.post(url + "/approve").json()["review_level"] == "city"


def test_tickets_purchases_agreements_alerts_through_the_api(world: World) -> None:
    records = build_records(world)
    hospital, company = bearer(world, "hospital"), bearer(world, "company")
    created = hospital.post("/api/tickets", {"product_code": "P2", "description": "缺货"},
                            content_type="application/json")
    assert created.status_code == 201 and created.json()["reply_due"]
    ticket = created.json()["id"]
    too_late = company.post(f"/api/tickets/{ticket}/reply",
                            {"reply": "补货", "committed_by": "2099-01-01"},
                            content_type="application/json")
    assert too_late.status_code == 409
    assert hospital.post("/api/tickets", {"product_code": "NOPE", "description": "x"},
                         content_type="application/json").status_code == 404
    purchase = hospital.post("/api/purchases", {
        "product_name": "进口药", "category": "drug", "qty": "2", "amount": "20.5",
        "purchased_at": "2025-09-26"}, content_type="application/json")
    assert purchase.status_code == 201 and purchase.json()["deadline"] == "2025-10-13"
    agreement = f"/api/agreements/{records.agreement.pk}"
    recorded = hospital.post(agreement + "/record",
                             {"distributor_code": DIST, "signed_at": "2025-03-10"},
                             content_type="application/json")
    assert recorded.json()["status"] == "recorded"
    assert company.post(agreement + "/confirm").json()["status"] == "confirmed"
    act = bearer(world, "county_a").post(
        f"/api/alerts/{records.alert.pk}/act", {"action": "resolve", "note": "已整改"},
        content_type="application/json")
    assert act.json()["status"] == "resolved"
    audit = bearer(world, "county_a").get("/api/audit?action=alert.").json()
    assert audit["count"] == 1 and audit["items"][0]["actor"] == "county_a"


def test_openapi_and_its_docs_work_offline(world: World, as_) -> None:
    client = as_("hospital")
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/filings/{pk}/submit", "/api/tickets/{pk}/reply", "/api/alerts/{pk}/act",
                 "/api/purchases", "/api/agreements/{pk}/confirm", "/api/audit"):
        assert path in schema["paths"], path
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
