"""In a real headless Chromium, in Chinese: each officer clicks down its drill-down
(province → city → county → institution → variety) over a real monitor run of the
web world, and a county officer downloads its hospital's 一院一档 and its scoped files.

The run is the real engine's (``start_run`` over a real warehouse), so the pages
show the figures the monitor wrote; screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from jicai.warehouse.store import Warehouse
from jicai.web.alerts.models import MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.jobs.queue import run_queued
from jicai.web.monitoring.runs import start_run
from tests.web.test_browser import browser, page, shot, sign_in  # noqa: F401  (fixtures)
from tests.web.warehouse_data import world_tables
from tests.web.world import World, build_world


@pytest.fixture
def run_world(transactional_db: None, settings, tmp_path: Path) -> tuple[World, MonitorRun]:
    world = build_world()
    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    return world, run


def crumbs(pg) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in pg.locator("nav.crumbs").inner_text().split("›")]


def click_row(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    pg.locator("table[data-table=main] tbody a", has_text=name).first.click()
    pg.wait_for_load_state()


# persona → the names clicked from its own region down to the variety
PATHS = {
    "province": ["甲市", "A县", "A县人民医院"],
    "city": ["A县", "A县人民医院"],
    "county_a": ["A县人民医院"],
}
LANDS = {"province": "测试省", "city": "甲市", "county_a": "A县"}


@pytest.mark.parametrize("persona", sorted(PATHS))
def test_each_officer_drills_down_to_a_variety(page, live_server, run_world, persona) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    sign_in(page, live_server, persona)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("#nav-execution")
    assert page.locator("h1#subject").inner_text().startswith(LANDS[persona])
    page.wait_for_selector("#chart-trend[data-rendered] svg")
    shot(page, f"30-{persona}-execution")
    for name in PATHS[persona]:
        click_row(page, name)
        assert page.locator("h1#subject").inner_text().startswith(name)
        assert crumbs(page)[-1] == name
    shot(page, f"31-{persona}-institution")
    assert "一院一档" in page.locator("h1#subject").inner_text()
    page.locator("table[data-table=main] tbody a", has_text="阿莫西林胶囊").first.click()
    page.wait_for_load_state()
    assert page.locator("h1#subject").inner_text().startswith("阿莫西林胶囊")
    trail = crumbs(page)
    assert trail[-2:] == ["A县人民医院", "阿莫西林胶囊"] and trail[1] == LANDS[persona]
    names = page.locator("table[data-table=main] tbody tr td:first-child").all_inner_texts()
    assert "A县人民医院" in names
    if persona == "county_a":
        assert "B县人民医院" not in names  # another county's hospital on the same variety
    shot(page, f"32-{persona}-variety")
    # and back up by the breadcrumbs
    page.locator("nav.crumbs").get_by_role("link", name=LANDS[persona], exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1#subject").inner_text().startswith(LANDS[persona])


def test_a_county_officer_downloads_the_hospital_file_and_its_county_rows(  # type: ignore[no-untyped-def]
        page, live_server, run_world) -> None:  # noqa: F811
    sign_in(page, live_server, "county_a")
    page.click("#nav-execution")
    click_row(page, "A县人民医院")
    page.click("#report")  # the offer page: built in the background (decision 0009)
    page.click("#build")
    page.wait_for_selector("#job-status[data-status=queued]")
    run_queued()  # the worker's loop, run here explicitly till the queue is empty
    page.reload()  # (the page also refreshes itself every 2 s)
    with page.expect_download() as got:
        page.click("#job-file")
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert "A县人民医院" in text and "B县人民医院" not in text
    shot(page, "33-county-institution-file")
    page.goto(f"{live_server.url}/dashboards/institution/H_A/")  # back from the job's page
    page.locator("nav.crumbs").get_by_role("link", name="A县", exact=True).click()
    page.wait_for_load_state()
    with page.expect_download() as got:
        page.click("a[data-file='progress.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert rows and {r["institution_code"] for r in rows} == {"H_A"}
    with page.expect_download() as got:
        page.click("a[data-download=main]")
    ws = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    cells = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "名称" in cells and "A县人民医院" in cells and "B县人民医院" not in cells
