"""A monitor run's page leaves no cell empty: a value that does not exist is "—" with a
title saying why (a rule that did not run has no count; an uploaded alerts.csv names no
snapshot), and the per-rule counts agree with the engine's.

Read as the province officer, in zh-hans, for a run over the demo province, over the
test world (where rules are off for lack of a table), and for an uploaded alerts.csv.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.test import Client

from jicai.warehouse.store import Warehouse
from jicai.web.alerts.models import MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.demo_seed import ensure_demo_data, seed_demo_users
from jicai.web.monitoring.runs import start_run
from jicai.web.monitoring.sync import sync_reference
from tests.web.test_alerts import run_from
from tests.web.warehouse_data import world_tables
from tests.web.world import World

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@dataclass
class Cell:
    text: str = ""
    titled: bool = False  # the cell or something in it carries a title


@dataclass
class Cells(HTMLParser):
    """Every <td> and <dd> of a page: its text and whether it explains itself."""

    cells: list[Cell] = field(default_factory=list)
    depth: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "dd"):
            self.cells.append(Cell())
            self.depth += 1
        if self.depth and any(k == "title" and v for k, v in attrs):
            self.cells[-1].titled = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "dd") and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.cells[-1].text += data


def cells_of(page: str) -> list[Cell]:
    parser = Cells()
    parser.feed(page.split("<main>", 1)[1])
    return parser.cells


def assert_no_empty_cell(page: str) -> list[Cell]:
    cells = cells_of(page)
    empty = [c for c in cells if not c.text.strip()]
    assert not empty, f"{len(empty)} empty cells"
    unexplained = [c for c in cells if c.text.strip() == "—" and not c.titled]
    assert not unexplained, "a '—' without a title saying why"
    return cells


def _run_page(client: Client, run: MonitorRun) -> str:
    response = client.get(f"/monitoring/run/{run.pk}/", **ZH)
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_demo_run_as_the_province_officer(db: None, settings, tmp_path: Path) -> None:
    settings.HOME = tmp_path
    ensure_demo_data(tmp_path, lines="tiny")
    sync_reference(Actor(None, via="test"))
    seed_demo_users()
    from jicai.web.accounts.models import User

    province = User.objects.get(username="province")
    run = start_run(Actor(province), dt.date(2025, 11, 30), "jilin")
    assert run.status == "succeeded", run.message
    client = Client()
    client.force_login(province)
    page = _run_page(client, run)
    assert_no_empty_cell(page)
    meta = json.loads((Path(run.output_dir) / "run.json").read_text(encoding="utf-8"))
    assert f"<code>{meta['warehouse_snapshot']}</code>" in page
    # the per-rule counts are the engine's: lines, not the inbox's cases
    by_rule = {r["rule_id"]: r["alerts"] for r in run.rules if r["status"] == "ran"}
    counted = {c["rule_id"]: 0 for c in run.alerts.values("rule_id")}
    for a in run.alerts.values("rule_id", "lines"):
        counted[a["rule_id"]] += a["lines"]
    assert counted == {k: v for k, v in by_rule.items() if v}
    assert sum(by_rule.values()) == run.alert_count
    table = page.split('id="by-rule"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', table)
    assert sum(int(n) for n, _items in rows) == run.alert_count  # as the facts above say
    assert sum(int(items) for _n, items in rows) == run.alerts.count()


def test_rules_that_did_not_run_show_no_count_and_say_why(
        world: World, settings, tmp_path: Path, as_: Callable[[str], Client]) -> None:
    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "jilin")
    assert run.status == "succeeded", run.message
    off = [r for r in run.rules if r["status"] != "ran"]
    assert off, "the test world lacks some tables: some jilin rules are off"
    page = _run_page(as_("province"), run)
    cells = assert_no_empty_cell(page)
    assert sum(1 for c in cells if c.text.strip() == "—" and c.titled) >= len(off)
    assert "该规则未运行，没有预警计数。" in page
    assert "missing tables" not in page and "缺少数据表：" in page  # the tables by their names


def test_an_uploaded_alerts_csv_names_no_snapshot(world: World, tmp_path: Path,
                                                  as_: Callable[[str], Client]) -> None:
    run = run_from(world, tmp_path)
    page = _run_page(as_("province"), run)
    assert_no_empty_cell(page)
    assert 'title="上传的 alerts.csv 没有注明其监测读取的数据仓库快照。"' in page


def test_the_runs_page_names_profiles_and_what_was_published(
        world: World, settings, tmp_path: Path, as_: Callable[[str], Client]) -> None:
    from jicai.web.filings import review
    from jicai.web.monitoring import publish
    from jicai.web.monitoring.models import Publication
    from tests.web.records import build_records

    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    records = build_records(world)
    for who in ("county_a", "city", "province"):
        review.approve(Actor(world.users[who]), records.filing)
    assert publish.publish(Actor(world.users["province"])).ok
    Publication.objects.create(ok=False, message="表 tickets 第 2 行：……")
    page = as_("province").get("/monitoring/", **ZH).content.decode()
    assert_no_empty_cell(page)
    # profiles by name, never by id; the tables published by their contract names
    assert '<option value="national" selected>全国（通用）</option>' in page
    assert '<option value="henan">河南省</option>' in page and ">national<" not in page
    assert "报量版本 2" in page and "备案采购 1" in page and "demand_filing_versions" not in page
    assert '<span class="badge ok">已发布</span>' in page and ">OK<" not in page
    assert 'title="发布未通过，未写入任何数据。"' in page
