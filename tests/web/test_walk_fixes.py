"""What the browser walk as every demo persona found in zh-hans, each pinned by a test:
profile ids and file names where a person reads a name (issue 9, 'no English')."""

from __future__ import annotations

from pathlib import Path

import pytest

from jicai.web.alerts.models import MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.monitoring.runs import import_output_folder
from tests.web.execution_files import write_run_folder
from tests.web.world import World


@pytest.fixture
def run(world: World, tmp_path: Path) -> MonitorRun:
    return import_output_folder(Actor(None, via="test"), write_run_folder(tmp_path / "out"))


def test_the_execution_pages_name_the_profile_not_its_id(run, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("county_a")
    zh = client.get("/dashboards/institution/H_A/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "（规则配置 全国（通用））" in zh and "规则配置 national" not in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/dashboards/rankings/").content.decode()
    assert "(profile National (generic))" in en


def test_the_home_page_labels_its_json_link(world: World, as_) -> None:  # type: ignore[no-untyped-def]
    page = as_("county_a").get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">duties.json</a>" not in page
    assert "JSON 格式（供程序调用）" in page


def test_the_audit_log_reads_in_words_not_codes(world: World, as_) -> None:  # type: ignore[no-untyped-def]
    import html
    import re

    from jicai.web.audit.record import record

    record(Actor(None, via="serve"), "reference.sync", ("warehouse", "20261204T0421Z"),
           before=None, after={"regions": 21, "agreement_duties": 2746})
    record(Actor(world.users["county_a"]), "accounts.login", world.users["county_a"],
           before=None, after=None)
    record(Actor(world.users["county_a"]), "export.download", ("file", "audit-log.csv"),
           before=None, after={"rows": 2, "query": ""})
    page = as_("admin").get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for code in ("accounts.login", "reference.sync", "export.download", "accounts.user",
                 "system (serve)", "warehouse #", "file #", "agreement_duties", "regions"):
        assert code not in text, code
    for words in ("登录", "更新基础数据", "下载导出", "账号 ", "系统（服务启动）",
                  "仓库快照 20261204T0421Z", "导出文件 audit-log.csv", "约定采购量：— → 2746",
                  "地区：— → 21", "行数：— → 2"):
        assert words in text, words
    # the code stays at hand for an auditor, as the cell's tooltip
    assert 'title="accounts.login"' in page


def test_the_run_files_are_offered_by_what_they_hold(run, as_) -> None:  # type: ignore[no-untyped-def]
    import html
    import re

    page = as_("province").get("/dashboards/execution/",
                               HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    buttons = dict(re.findall(r'data-file="([^"]+)"[^>]*>([^<]+)</a>', page))
    assert buttons == {"monitor.xlsx": "监测结果工作簿", "progress.csv": "进度表",
                       "assessment.csv": "考核表"}, buttons
    assert "monitor.xlsx" not in html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_monitor_runs_audit_entry_names_its_fields_and_profile(world: World) -> None:
    from django.utils import translation

    from jicai.web.audit.labels import changes

    with translation.override("zh-hans"):
        rows = {name: new for name, _, new in changes(
            "alerts.monitorrun", None, {"profile": "henan", "alert_count": 12,
                                        "lines_file": "/x/run-1-lines.parquet"})}
    assert rows == {"规则配置": "河南省", "预警数": "12", "明细文件": "/x/run-1-lines.parquet"}


def test_a_refusals_audit_entry_names_what_was_asked_for() -> None:
    from django.utils import translation

    from jicai.web.audit.labels import changes, record_label

    with translation.override("zh-hans"):
        rows = {name: new for name, _, new in changes(
            "url", None, {"method": "GET", "path": "/audit/"})}
        assert record_label("url") == "页面地址"
    assert rows == {"请求方式": "GET", "页面地址": "/audit/"}
