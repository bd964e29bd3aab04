"""An administrator creating accounts gets refusals in the page's language, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from jicai.web.accounts.models import User

FORM = {"username": "newcounty", "password": "a-long-passphrase-2026"}


def _post(client: Client, **data: str) -> str:
    r = client.post("/accounts/users/", {**FORM, **data}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def test_a_county_role_with_a_city_code_is_refused_in_chinese(as_: Callable[[str], Client]) -> None:
    page = _post(as_("admin"), role="county_officer", scope="220100")  # 甲市 is a city
    assert "须对应同级行政区划" in page
    assert page.count("须对应同级行政区划") == 1
    assert not User.objects.filter(username="newcounty").exists()


def test_an_unknown_company_code_is_named_once_in_chinese(as_: Callable[[str], Client]) -> None:
    page = _post(as_("admin"), role="company", scope="91000000NOSUCH0000")
    assert page.count("基础数据中没有编码为 91000000NOSUCH0000 的企业") == 1
    assert "reference data" not in page


def test_a_scope_outside_the_admins_region_is_refused(world: object) -> None:
    city_admin = User(username="cityadmin", role="admin", region_id="220100")
    city_admin.set_password("x")
    city_admin.save()
    client = Client()
    client.force_login(city_admin)
    page = _post(client, role="county_officer", scope="220202")  # D县 lies in 乙市
    assert "220202 不在您的管辖区域内" in page
    assert not User.objects.filter(username="newcounty").exists()
