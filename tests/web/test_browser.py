"""In a real headless Chromium: a hospital files demand, the county officer returns it.

Debian's ``chromium`` (never a downloaded browser) drives the pages that
``pytest-django``'s live server serves; every page visited is kept as a
screenshot in ``test-artifacts/web/`` (gitignored) for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from jicai.web.audit.record import Actor
from jicai.web.filings import services
from jicai.web.filings.models import DemandFiling, FilingStatus
from tests.web.records import PDF
from tests.web.world import PASSWORD, World, build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"



@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        reason = "Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — CI must run the browser tests")
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop in this thread while it is started, and
    # Django then refuses ORM calls here (the tests' own set-up, checks and the flush
    # between tests). They are plain synchronous calls, so they are allowed explicitly.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    # An English browser on purpose: the pages must still be Chinese until the switch.
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith((live_server.url, "data:"))
          else outside.append(r.url))
    pg.outside = outside  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not outside, f"the pages fetched from outside the app: {outside}"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, username: str, name: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if name:
        shot(page, name)
    page.click("#signin")
    page.wait_for_url(live_server.url + "/")


@pytest.fixture
def filing_world(transactional_db: None) -> tuple[World, DemandFiling]:
    world = build_world()
    window = services.open_window(Actor(world.users["province"]), world.drug_batch,
                                  world.users["province"].region, dt.date(2099, 1, 1))
    return world, window.filings.get(institution_id="H_A")


def test_hospital_files_and_the_county_returns(page, live_server, filing_world,  # type: ignore[no-untyped-def]
                                               tmp_path: Path) -> None:
    _world, filing = filing_world
    letter = tmp_path / "承诺函.pdf"
    letter.write_bytes(PDF)

    sign_in(page, live_server, "hospital", "01-sign-in")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "02-hospital-home")
    page.click("nav >> text=报量")
    shot(page, "03-filing-windows")
    page.locator("table a").first.click()
    shot(page, "04-filing-window")
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    page.fill("input[name=units_V1]", "900")  # below the 1000 bought in 2024
    page.fill("input[name=units_V2]", "0")  # zero is an answer
    page.click("#save")
    page.set_input_files("input[name=letter]", str(letter))
    page.click("#upload")
    page.click("#submit")
    shot(page, "05-submission-refused")
    assert "须填写情况说明" in page.locator(".messages .error").inner_text()
    page.fill("textarea[name=expl_V1]", "门诊量下降，已调整用药结构")
    page.click("#save")
    page.click("#submit")
    shot(page, "06-submitted")
    filing.refresh_from_db()
    assert (filing.status, filing.review_level) == (FilingStatus.IN_REVIEW, "county")

    sign_in(page, live_server, "county_a")
    page.goto(live_server.url + "/filings/queue/")
    shot(page, "07-county-review-queue")
    page.locator("table a").first.click()
    page.fill("#review textarea[name=reason]", "V2 报量为 0，与历史使用不符，请核实后重报")
    shot(page, "08-county-returns")
    page.click("#return")
    shot(page, "09-returned")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED

    sign_in(page, live_server, "hospital")
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    assert "请核实后重报" in page.locator("#return-reason").inner_text()
    shot(page, "10-hospital-sees-the-reason")


def test_the_dashboard_charts_render_from_local_echarts(page, live_server, filing_world) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server, "province")
    page.goto(live_server.url + "/dashboards/")
    page.wait_for_selector("#chart-filings[data-rendered] svg")
    assert page.locator("[data-rendered]").count() == 4
    assert page.evaluate("typeof echarts") == "object"
    shot(page, "11-dashboard")


def test_english_is_one_click_away(page, live_server, filing_world) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server, "county_a")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Demand filing" in page.locator("nav").inner_text()
    shot(page, "12-english")


@pytest.fixture
def walk_world(transactional_db: None, tmp_path: Path) -> World:
    """The test world with one of each workflow record, a run's alerts in the inbox, and
    an off-platform purchase the hospital has yet to file: every home has something."""
    from jicai.web.purchases import services as purchases
    from tests.web.records import build_records
    from tests.web.test_alerts import run_from
    from tests.web.test_purchases_agreements import purchase_data

    world = build_world()
    build_records(world)
    run_from(world, tmp_path)
    purchases.register(Actor(world.users["hospital"]), purchase_data(), draft=True)
    return world


# What a page shows that nobody should read: Python's None in a cell, and a date input
# whose value the browser could not take (a zh-hans 2026/12/17 shows as an empty field).
_NONE_TEXTS = """() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = []; for (let n = w.nextNode(); n; n = w.nextNode()) {
    if (/(^|[^\\w])None([^\\w]|$)/.test(n.nodeValue)) out.push(n.nodeValue.trim()); }
  return out; }"""
_BLANK_DATES = """() => [...document.querySelectorAll('input[type=date]')]
  .filter(e => e.hasAttribute('value') && e.value === '')
  .map(e => e.name + '=' + e.getAttribute('value'))"""


def test_every_persona_walks_its_pages_in_chinese(page, live_server, walk_world) -> None:  # type: ignore[no-untyped-def]
    """Issue 9, done when: a browser walk as every persona in Chinese meets no blank
    field, no English, no dead end and no 500 — each home page, then every page its
    navigation offers (the API's Swagger UI is English by design and left out)."""
    from django.urls import reverse

    from tests.web.test_access import EVERYONE
    from tests.web.test_chinese_pages import untranslated

    swagger = reverse("api-1.0.0:openapi-view")
    found: dict[str, object] = {}
    for persona in sorted(EVERYONE):
        sign_in(page, live_server, persona)
        assert page.locator("html").get_attribute("lang") == "zh-hans", persona
        assert page.locator("#duties").count() == 1, persona  # its duties, on its home
        shot(page, f"walk-{persona}-home")
        links = page.locator("header nav a").evaluate_all("els => els.map(e => e.pathname)")
        for path in ["/", *dict.fromkeys(p for p in links if p not in ("/", swagger))]:
            response = page.goto(live_server.url + path)
            where = f"{persona} {path}"
            if response is None or response.status != 200:
                found[where] = response.status if response is not None else "no response"
                continue
            problems = {"None": page.evaluate(_NONE_TEXTS),
                        "blank dates": page.evaluate(_BLANK_DATES),
                        "English": sorted(untranslated(page.locator("body").inner_text()))}
            problems = {k: v for k, v in problems.items() if v}
            if problems:
                found[where] = problems
    assert not found, "\n".join(f"{where}: {what}" for where, what in found.items())
