"""Pre-filled dates are visible in the Chinese UI (zh-hans, the default).

Django renders a date in the active locale's input format — ``2026/12/17`` in
zh-hans — which ``<input type=date>`` shows as an empty field; the required
field then made 核实供应问题 silently do nothing. The browser reads the value.
"""

from __future__ import annotations

import datetime as dt

from jicai.web import clock
from tests.web.test_browser import browser, filing_world, page, shot, sign_in  # noqa: F401


def test_prefilled_dates_show_in_chinese(page, live_server, filing_world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    sign_in(page, live_server, "province")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(live_server.url + "/filings/")
    closes = page.locator("input[name=closes_on]")
    assert closes.get_attribute("type") == "date"
    assert closes.input_value() == (clock.today() + dt.timedelta(days=14)).isoformat()
    page.goto(live_server.url + "/monitoring/")
    assert page.locator("input[name=as_of]").first.input_value() == clock.today().isoformat()
    shot(page, "dates-zh-hans")


def test_every_date_widget_renders_iso_in_chinese() -> None:
    """Each form's date fields, rendered under zh-hans with a value, carry an ISO value."""
    from django.utils import translation

    from jicai.web.agreements.forms import RecordForm
    from jicai.web.tickets.forms import ReplyForm, VerifyForm

    day = dt.date(2026, 12, 17)
    with translation.override("zh-hans"):
        for form, field in ((ReplyForm(initial={"committed_by": day}), "committed_by"),
                            (VerifyForm(initial={"start": day, "end": day}), "start"),
                            (VerifyForm(initial={"start": day, "end": day}), "end")):
            html = str(form[field])
            assert 'value="2026-12-17"' in html, html
            assert 'type="date"' in html
        html = str(RecordForm.base_fields["signed_at"].widget.render("signed_at", day))
        assert 'value="2026-12-17"' in html, html


def test_the_product_picker_names_the_maker_and_searches(page, live_server, filing_world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """P1 and P1X are both 阿莫西林胶囊 0.25g: the options say who makes each, and typing
    the maker's name leaves only its products."""
    sign_in(page, live_server, "hospital")
    page.goto(live_server.url + "/tickets/new/")
    select = page.locator("select[name=product]")
    labels = select.locator("option").all_inner_texts()
    assert any("中选药业" in t and "P1" in t for t in labels), labels
    page.fill("input.picker-search", "氨氯地平")
    visible = select.locator("option:not([hidden]):not([value=\"\"])").all_inner_texts()
    assert visible and all("氨氯地平" in t for t in visible), visible
    assert page.locator("input.picker-search").get_attribute("placeholder") == "输入名称、生产企业或编码筛选"
    page.fill("textarea[name=description]", "配送延迟三天")
    page.click("#report")
    page.wait_for_selector("#status")
    assert "氨氯地平片" in page.locator("dl.facts").inner_text()
    shot(page, "ticket-picker-zh-hans")
