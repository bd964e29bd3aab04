"""Each person's duties with their deadlines, nearest first, on the home page and as JSON.

Around the 2025 National Day holiday (1–8 October off; Sunday 28 September and
Saturday 11 October are make-up workdays), worked out by hand:
- a filing window closing on 2025-10-10, seen on 2025-09-30: the working days in
  (30 Sep, 10 Oct] are 9 and 10 October → 剩 2 个工作日;
- a ticket reported on 2025-09-30: the reply is due on the 2nd working day after,
  2025-10-10; on Saturday 2025-10-11 (a workday) it is one day overdue, while one
  reported on Thursday 9 October is due that Saturday: 今天到期.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from django.test import Client

from jicai.web.accounts.duties import duties_for
from jicai.web.filings import services as filings
from jicai.web.reference.models import Product
from jicai.web.tickets import services as tickets
from tests.web.filing_helpers import actor
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _window(world: World) -> None:
    filings.open_window(actor(world, "province"), world.drug_batch,
                        world.users["province"].region, dt.date(2025, 10, 10))


def test_a_hospital_sees_its_filing_with_working_days_left(world: World, at,
                                                          as_: Callable[[str], Client]) -> None:
    at("2025-09-30 10:00")
    _window(world)
    duties = duties_for(world.users["hospital"])
    # H_A files for itself and for its consortium member H_A2.
    assert [(d.kind, d.due, d.left, d.overdue) for d in duties] == [
        ("filing_submit", dt.date(2025, 10, 10), "2 working days left", False)] * 2
    page = as_("hospital").get("/", **ZH).content.decode()
    assert "提交报量" in page and "剩 2 个工作日" in page and "2025-10-10" in page
    at("2025-10-11 09:00")
    (first, *_rest) = duties_for(world.users["hospital"])
    assert (first.overdue, first.left) == (True, "overdue by 1 days")


def test_a_company_owes_an_answer_nearest_first_and_overdue_in_red(
        world: World, at, as_: Callable[[str], Client]) -> None:
    at("2025-09-30 10:00")
    ticket = tickets.report(actor(world, "hospital"), Product.objects.get(pk="P1"), "到货延迟")
    at("2025-10-09 09:00")
    later = tickets.report(actor(world, "hospital"), Product.objects.get(pk="P2"), "缺货")
    at("2025-10-11 09:00")
    duties = duties_for(world.users["company"])
    assert [(d.kind, d.due, d.overdue) for d in duties] == [
        ("ticket_reply", dt.date(2025, 10, 10), True),   # reported 30 Sep: due 10 Oct
        # reported Thu 9 Oct: the 1st working day after is Fri 10, the 2nd Sat 11 (调休)
        ("ticket_reply", dt.date(2025, 10, 11), False)]
    assert duties[0].url.endswith(f"/tickets/{ticket.pk}/")
    assert duties[1].url.endswith(f"/tickets/{later.pk}/")
    assert duties[1].left == "due today"
    page = as_("company").get("/", **ZH).content.decode()
    assert '<tr class="overdue">' in page and "已逾期 1 天" in page and "答复供应问题" in page
    assert duties_for(world.users["company2"]) == []  # not addressed to the other maker


def test_the_json_is_the_same_list(world: World, at, as_: Callable[[str], Client]) -> None:
    at("2025-09-30 10:00")
    _window(world)
    r = as_("hospital").get("/accounts/duties.json")
    assert r.status_code == 200
    body = json.loads(r.content)
    assert body["today"] == "2025-09-30"
    assert [d["due"] for d in body["duties"]] == ["2025-10-10", "2025-10-10"]
    assert {d["kind"] for d in body["duties"]} == {"filing_submit"}
    assert as_("county_b").get("/accounts/duties.json").json()["duties"] == []


def test_a_county_reviews_before_the_cycle_starts(world: World, at) -> None:
    from tests.web.records import fill_and_submit

    at("2025-02-10 10:00")
    window = filings.open_window(actor(world, "province"), world.drug_batch,
                                 world.users["province"].region, dt.date(2025, 2, 20))
    fill_and_submit(world, window.filings.get(institution_id="H_A"))
    (duty,) = duties_for(world.users["county_a"])
    # The cycle starts on 2025-03-01: reviews are due the day before.
    assert (duty.kind, duty.count, duty.due) == ("filing_review", 1, dt.date(2025, 2, 28))
    assert duties_for(world.users["county_b"]) == []


def test_the_overdue_tile_counts_only_overdue_escalations(world: World, at,
                                                          as_: Callable[[str], Client]) -> None:
    from jicai.web.accounts.todo import todo_for

    at("2025-10-09 09:00")
    ticket = tickets.report(actor(world, "hospital"), Product.objects.get(pk="P1"), "缺货")
    tickets.escalate(actor(world, "county_a"), ticket)  # passed up the day it came in
    label = "Overdue supply problems escalated to my bureau"

    def tile() -> int:
        return next(i["count"] for i in todo_for(world.users["city"]) if i["label"] == label)

    assert tile() == 0  # escalated, but its reply is due 2025-10-11
    at("2025-10-13 09:00")  # past the 2 working days (10 and 11 Oct) without a reply
    assert tile() == 1


def test_a_distributor_owes_the_orders_still_unanswered(world: World, settings, tmp_path, at,
                                                        as_: Callable[[str], Client]) -> None:
    from jicai.warehouse.store import Warehouse
    from jicai.web.filings import review
    from jicai.web.monitoring import publish
    from jicai.web.monitoring.runs import start_run
    from tests.web.records import build_records
    from tests.web.warehouse_data import world_tables

    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    records = build_records(world)
    for who in ("county_a", "city", "province"):
        review.approve(actor(world, who), records.filing)
    publish.publish(actor(world, "province"))
    run = start_run(actor(world, "province"), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    # OL-1 (ordered to the distributor, never answered) is its duty: its 48 h had run out
    # by the run's day, 2025-09-30 — due that day, overdue after it.
    (duty,) = [d for d in duties_for(world.users["distributor"]) if d.kind == "orders_unanswered"]
    assert (duty.count, duty.due, duty.left) == (1, dt.date(2025, 9, 30), "due today")
    at("2025-10-09 09:00")
    (duty,) = [d for d in duties_for(world.users["distributor"]) if d.kind == "orders_unanswered"]
    assert duty.overdue and duty.left == "overdue by 9 days"
    assert duty.url.endswith(f"?distributor={world.users['distributor'].company_id}")
    assert not [d for d in duties_for(world.users["company2"]) if d.kind == "orders_unanswered"]
    page = as_("health").get("/", **ZH).content.decode()
    assert "本地区执行情况" in page and 'href="/dashboards/execution/"' in page


def test_a_hospital_owes_the_off_platform_purchases_it_has_not_filed(
        world: World, at, as_: Callable[[str], Client]) -> None:
    """GANZHOU 二(四), GUANGDONG 二(三): filed within 7 working days of the purchase.
    Bought Fri 26 Sep → due Mon 13 Oct (1–8 Oct off, Sat 11 Oct a workday): on 30 Sep
    the working days left are 9, 10, 11 and 13 October. Bought Wed 10 Sep → due Fri
    19 Sep: 11 days overdue on 30 Sep."""
    from jicai.web.purchases import services as purchases
    from tests.web.test_purchases_agreements import purchase_data

    at("2025-09-30 10:00")
    hospital = actor(world, "hospital")
    recent = purchases.register(hospital, purchase_data(supplier="某医药有限公司"), draft=True)
    old = purchases.register(hospital, purchase_data(purchased_at=dt.date(2025, 9, 10),
                                                     product_name="进口导管"), draft=True)
    purchases.register(hospital, purchase_data(product_name="已备案的药"))  # filed: no duty
    duties = [d for d in duties_for(world.users["hospital"]) if d.kind == "purchase_file"]
    assert [(d.due, d.overdue, d.left, d.url) for d in duties] == [
        (dt.date(2025, 9, 19), True, "overdue by 11 days", f"/purchases/{old.pk}/"),
        (dt.date(2025, 10, 13), False, "4 working days left", f"/purchases/{recent.pk}/")]
    assert duties[1].subject == "进口造影剂 · 某医药有限公司"
    page = as_("hospital").get("/", **ZH).content.decode()
    assert page.index("已逾期 11 天") < page.index("剩 4 个工作日")
    assert '<tr class="overdue">' in page and "备案线下采购" in page and "2025-09-19" in page
    assert "待备案的线下采购" in page  # the tile
    body = json.loads(as_("hospital").get("/accounts/duties.json").content)
    assert [(d["kind"], d["due"], d["overdue"]) for d in body["duties"]] == [
        ("purchase_file", "2025-09-19", True), ("purchase_file", "2025-10-13", False)]
    for other in ("hospital_b", "county_a", "company"):
        assert not [d for d in duties_for(world.users[other]) if d.kind == "purchase_file"]
    purchases.file(hospital, old)  # filed late: accepted, and no longer owed
    assert [d.url for d in duties_for(world.users["hospital"])
            if d.kind == "purchase_file"] == [f"/purchases/{recent.pk}/"]
