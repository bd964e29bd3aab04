"""403, 404 and 500 in the site's layout and language, with a way back."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, RequestFactory
from django.views.defaults import server_error


def test_403_is_chinese_in_the_layout_with_a_way_home(as_: Callable[[str], Client]) -> None:
    r = as_("county_a").get("/accounts/users/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 403
    page = r.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "您无权打开此页面" in page and 'href="/"' in page
    assert '<header class="top">' in page  # the site's own header and navigation
    assert "Forbidden" not in page


def test_404_is_chinese_with_a_way_home(as_: Callable[[str], Client]) -> None:
    r = as_("hospital").get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 404
    page = r.content.decode()
    assert "此页面不存在" in page and "返回我的首页" in page
    assert "Not Found" not in page


def test_404_in_english_when_chosen(as_: Callable[[str], Client]) -> None:
    client = as_("hospital")
    client.cookies["django_language"] = "en"
    page = client.get("/no/such/page/").content.decode()
    assert "This page does not exist" in page


def test_500_needs_nothing_and_says_it_in_both_languages() -> None:
    r = server_error(RequestFactory().get("/"))
    assert r.status_code == 500
    page = r.content.decode()
    assert "系统出错" in page and "Nothing was saved" in page and 'href="/"' in page


def test_pages_cite_the_clauses_of_the_profile_in_force(as_: Callable[[str], Client],
                                                        settings: object) -> None:
    """national does not carry the ticket rules: the page cites HENAN as a reference (参照);
    henan carries them and cites its own clause; Chinese pages name the notice in Chinese."""
    from jicai.web.alerts.templatetags import alert_tags

    settings.JICAI_PROFILE = "national"  # type: ignore[attr-defined]
    page = as_("county_a").get("/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（参照河南 二(八)）" in page and "HENAN" not in page
    settings.JICAI_PROFILE = "henan"  # type: ignore[attr-defined]
    page = as_("county_a").get("/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（河南 二(八)）" in page and "参照" not in page
    settings.JICAI_PROFILE = "ganzhou"  # type: ignore[attr-defined]
    page = as_("county_a").get("/purchases/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（赣州 二(四)）" in page
    from django.utils import translation

    with translation.override("zh-hans"):
        assert alert_tags.clause_text("JILIN 第二十一条") == "吉林 第二十一条"
    assert alert_tags.clause_text("JILIN 第二十一条") == "JILIN 第二十一条"  # English pages
