"""A filing window's life: closing is confirmed, extending and reopening need a reason
(audited), and a draft's Submit button follows the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from jicai.web.audit.models import AuditEvent
from jicai.web.filings import services
from jicai.web.filings.models import WindowStatus
from jicai.web.workflow import WorkflowError
from tests.web.filing_helpers import actor, h_a, open_drug
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_closing_is_asked_first_and_says_who_has_not_filed(world: World,
                                                            as_: Callable[[str], Client]) -> None:
    window = open_drug(world)
    client = as_("province")
    page = client.get(f"/filings/window/{window.pk}/close/", **ZH).content.decode()
    # Five institutions, none submitted: the page says so before anything happens.
    assert "尚未报送的医疗机构：5 家" in page and "确认关闭报量" in page
    window.refresh_from_db()
    assert window.status == WindowStatus.OPEN
    client.post(f"/filings/window/{window.pk}/close/", **ZH)  # no confirm: nothing happens
    window.refresh_from_db()
    assert window.status == WindowStatus.OPEN
    client.post(f"/filings/window/{window.pk}/close/", {"confirm": "yes"}, **ZH)
    window.refresh_from_db()
    assert window.status == WindowStatus.CLOSED
    assert as_("city").get(f"/filings/window/{window.pk}/close/").status_code == 403


def test_extend_and_reopen_need_a_reason_and_are_audited(world: World, at) -> None:
    at("2025-09-30 10:00")
    window = open_drug(world)
    province = actor(world, "province")
    with pytest.raises(WorkflowError, match="reason"):
        services.extend_window(province, window, dt.date(2099, 2, 1), "  ")
    with pytest.raises(WorkflowError, match="later than 2099-01-01"):
        services.extend_window(province, window, dt.date(2099, 1, 1), "医院申请")
    with pytest.raises(PermissionDenied):
        services.extend_window(actor(world, "county_a"), window, dt.date(2099, 2, 1), "x")
    services.extend_window(province, window, dt.date(2099, 2, 1), "部分医院系统升级")
    window.refresh_from_db()
    assert window.closes_on == dt.date(2099, 2, 1)
    with pytest.raises(WorkflowError):  # only a closed window is reopened
        services.reopen_window(province, window, dt.date(2099, 3, 1), "x")
    services.close_window(province, window)
    with pytest.raises(WorkflowError, match="past"):
        services.reopen_window(province, window, dt.date(2025, 9, 29), "补报")
    services.reopen_window(province, window, dt.date(2025, 10, 15), "3家机构漏报，重新开放补报")
    window.refresh_from_db()
    assert (window.status, window.closes_on) == (WindowStatus.OPEN, dt.date(2025, 10, 15))
    events = list(AuditEvent.objects.filter(action__startswith="filing.")
                  .exclude(action="filing.open_window").order_by("id")
                  .values_list("action", "note"))
    assert events == [("filing.extend_window", "部分医院系统升级"),
                      ("filing.close_window", ""),
                      ("filing.reopen_window", "3家机构漏报，重新开放补报")]


def test_extend_or_reopen_is_refused_once_the_cycle_ended(world: World, at) -> None:
    at("2025-09-30 10:00")
    window = open_drug(world)
    services.close_window(actor(world, "province"), window)
    at("2026-03-01 09:00")  # the drug batch's cycle ended on 2026-02-28
    with pytest.raises(WorkflowError, match="2026-02-28"):
        services.reopen_window(actor(world, "province"), window, dt.date(2026, 3, 10), "补报")


def test_the_submit_button_follows_the_window(world: World, as_: Callable[[str], Client],
                                              at) -> None:
    at("2025-09-30 10:00")
    window = open_drug(world)
    filing = h_a(window)
    page = as_("hospital").get(f"/filings/{filing.pk}/", **ZH).content.decode()
    assert 'id="submit"' in page
    services.close_window(actor(world, "province"), window)
    page = as_("hospital").get(f"/filings/{filing.pk}/", **ZH).content.decode()
    assert 'id="submit"' not in page and "报量窗口已关闭" in page
    services.reopen_window(actor(world, "province"), window, dt.date(2025, 10, 8), "补报")
    page = as_("hospital").get(f"/filings/{filing.pk}/", **ZH).content.decode()
    assert 'id="submit"' in page
    at("2025-10-09 09:00")  # past the new closing date: no first submission
    page = as_("hospital").get(f"/filings/{filing.pk}/", **ZH).content.decode()
    assert 'id="submit"' not in page
    window_page = as_("province").get(f"/filings/window/{window.pk}/", **ZH).content.decode()
    assert "已过截止日期" in window_page and 'id="extend"' in window_page


def test_remind_those_who_have_not_filed(world: World, as_: Callable[[str], Client], at) -> None:
    from jicai.web.accounts.models import Notice
    from tests.web.records import fill_and_submit

    at("2025-09-30 10:00")
    window = open_drug(world)
    fill_and_submit(world, h_a(window))  # H_A's own filing; its member H_A2's is still owed
    province = as_("province")
    r = province.post(f"/filings/window/{window.pk}/remind/", follow=True, **ZH)
    # Filers with a draft: H_A (for H_A2), H_B, H_C, H_D — H_D has no account.
    assert "已向 4 家医疗机构发送催报" in r.content.decode()
    notified = sorted(Notice.objects.values_list("recipient__username", flat=True))
    assert notified == ["hospital", "hospital_b", "hospital_c"]
    member = window.filings.get(institution_id="H_A2")
    assert Notice.objects.get(recipient__username="hospital").url == f"/filings/{member.pk}/"
    event = AuditEvent.objects.get(action="filing.remind")
    assert event.after == {"institutions": ["H_A", "H_B", "H_C", "H_D"], "users": 3}
    home = as_("hospital_b").get("/", **ZH).content.decode()
    assert "请于 2099-01-01 前提交" in home and "催报" in home
    assert "请于" not in as_("member").get("/", **ZH).content.decode()  # the lead files for it
    notice = Notice.objects.get(recipient__username="hospital_b")
    assert as_("hospital_c").post(f"/accounts/notices/{notice.pk}/read/").status_code == 404
    as_("hospital_b").post(f"/accounts/notices/{notice.pk}/read/")
    assert "请于" not in as_("hospital_b").get("/", **ZH).content.decode()
    assert as_("county_a").post(f"/filings/window/{window.pk}/remind/").status_code == 403


def test_opening_warns_when_the_platform_already_filed(world: World, settings, tmp_path,
                                                       as_: Callable[[str], Client]) -> None:
    import pyarrow as pa

    from jicai.warehouse.store import Warehouse
    from tests.web.warehouse_data import world_tables

    settings.HOME = tmp_path
    tables = world_tables()
    tables["demand_filings"] = pa.table({
        "batch_code": ["DRUG1", "DRUG1", "CONS1"], "cycle_no": [1, 1, 1],
        "institution_code": ["H_A", "H_B", "H_A"], "variety_code": ["V1", "V1", "V3"],
        "reported_units": [900, 50, 4], "filed_at": [dt.datetime(2025, 2, 1, 9)] * 3,
        "explanation": [None, None, None]})
    Warehouse(tmp_path).import_tables(tables, source="test", user="test")
    r = as_("province").post("/filings/open/", {"batch": world.drug_batch.pk,
                                               "closes_on": "2099-01-01"}, follow=True, **ZH)
    page = r.content.decode()
    assert "该批次已有 2 条从平台导入的报量记录" in page  # DRUG1 only, not CONS1's
    window = world.drug_batch.windows.get()
    page = as_("province").get(f"/filings/window/{window.pk}/", **ZH).content.decode()
    assert 'id="platform-filings"' in page


def test_no_window_for_a_batch_whose_cycle_ended(world: World, at) -> None:
    at("2026-03-01 09:00")  # the drug batch's cycle ended on 2026-02-28
    with pytest.raises(WorkflowError, match="2026-02-28"):
        open_drug(world)
    at("2026-02-28 18:00")  # its last day: still open to filing
    assert open_drug(world).batch_id == world.drug_batch.pk
