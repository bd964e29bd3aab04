"""A monitor run started from the web keeps its output folder, and the execution pages
read that run's own figures (the real engine over a real warehouse of the web world)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jicai.warehouse.store import Warehouse
from jicai.web.audit.record import Actor
from jicai.web.monitoring.runs import start_run
from tests.web.jobs_helpers import built
from tests.web.warehouse_data import world_tables
from tests.web.world import World


@pytest.fixture
def home(world: World, settings, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    Warehouse(tmp_path).import_tables(world_tables(), source="test", user="test")
    return tmp_path


def test_a_web_run_writes_and_keeps_its_folder_and_the_pages_read_it(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    folder = Path(run.output_dir)
    assert folder == (home / "runs" / str(run.pk)).resolve()
    for name in ("alerts.csv", "progress.csv", "monitor.xlsx", "run.json",
                 "figures/figures.parquet", "figures/cycles.parquet"):
        assert (folder / name).is_file(), name
    rows = pq.read_table(folder / "figures" / "figures.parquet").to_pylist()
    county = next(r for r in rows if r["scope"] == "county" and r["code"] == "220102"
                  and r["period_kind"] == "ytd")
    html = unescape(as_("county_a").get("/dashboards/region/220102/").content.decode())
    shown = dict(re.findall(r'data-indicator="(\w+)"><div class="muted">[^<]*</div>'
                            r'<div class="big[^"]*">([^<]*)</div>', html))
    # H_A agreed 1000 units of V1 and bought none on platform by 2025-09-30
    assert county["agreed_units"] == 1000
    assert shown["agreed_units"] == "1,000"
    completion = county["completion"]
    assert shown["completion"] == ("—" if completion is None else f"{completion * 100:.1f}%")
    assert "B县人民医院" not in html  # H_B's 1000 units are another county's
    # the county's monitor.xlsx: its own figures rows only, filtered before writing
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(
        as_("county_a").get("/dashboards/files/monitor.xlsx").content))
    sheet = book["指标（本年累计）"]
    codes = {r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"220102", "H_A"} <= codes <= {"220102", "H_A", "H_A2"}
    whole = openpyxl.load_workbook(folder / "monitor.xlsx")["指标（本年累计）"]
    assert {"220000", "220103", "H_B"} <= {r[1] for r in whole.iter_rows(min_row=2,
                                                                        values_only=True)}


def test_the_hospital_file_is_written_on_request_for_the_scope_only(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    from jicai.web.dashboards import reports

    if not reports.available():
        pytest.skip("jicai report hospital-monthly is not installed")
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    html = as_("county_a").get("/dashboards/institution/H_A/").content.decode()
    assert 'id="report" href="/dashboards/institution/H_A/report/"' in html
    # built in the background (decision 0009): asked for, run by the worker, downloaded
    response = built(as_("county_a"), "/dashboards/institution/H_A/report/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert "A县人民医院" in text and "B县人民医院" not in text
    pdf = built(as_("county_a"), "/dashboards/institution/H_A/report/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import subprocess

    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                          check=True).stdout.decode()
    text = text.replace(" ", "")  # pdftotext spaces Latin letters off CJK
    assert "A县人民医院" in text and "B县人民医院" not in text
    assert as_("county_b").get("/dashboards/institution/H_A/report/").status_code == 404
    assert as_("hospital_b").get("/dashboards/institution/H_A/report/").status_code == 404
    assert as_("company").get("/dashboards/institution/H_A/report/").status_code == 403


def test_the_distributor_sees_the_order_waiting_for_its_answer_with_the_clock(  # type: ignore[no-untyped-def]
        world, home, as_, at) -> None:
    at("2025-09-02 10:00")  # OL-1 was ordered 2025-09-01 09:00: 25 h ago, 23 h left
    html = unescape(as_("distributor").get("/dashboards/company/").content.decode())
    orders = html[html.index('id="orders"'):html.index("</table>", html.index('id="orders"'))]
    assert "OL-1" in orders and "A县人民医院" in orders and "阿莫西林胶囊" in orders
    assert "25.0" in orders and "剩余 23.0 小时" in orders
    at("2025-09-04 10:00")
    html = unescape(as_("distributor").get("/dashboards/company/").content.decode())
    assert '<span class="overdue">' in html
    assert "OL-1" not in as_("company2").get("/dashboards/company/").content.decode()


def test_the_circular_and_the_annual_report_of_a_region_in_scope(world, home, as_) -> None:  # type: ignore[no-untyped-def]
    import io

    import docx

    from jicai.web.dashboards import reports

    if not reports.available():
        pytest.skip("jicai report is not installed")
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.status == "succeeded", run.message
    html = as_("county_a").get("/dashboards/region/220102/").content.decode()
    assert "/dashboards/region/220102/report/circular/" in html
    for kind in ("circular", "annual"):
        response = built(as_("county_a"), f"/dashboards/region/220102/report/{kind}/")
        assert response.status_code == 200, kind
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "A县" in text, kind
    pdf = built(as_("province"), "/dashboards/region/220000/report/circular/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert as_("county_b").get("/dashboards/region/220102/report/circular/").status_code == 404
    assert as_("hospital").get("/dashboards/region/220102/report/annual/").status_code == 403
    assert as_("county_a").get("/dashboards/region/220102/report/other/").status_code == 404


def test_the_run_page_keeps_the_servers_paths_to_itself_and_leads_to_the_execution_view(
        world, home, as_) -> None:  # type: ignore[no-untyped-def]
    run = start_run(Actor(world.users["province"]), dt.date(2025, 9, 30), "national")
    assert run.output_dir  # kept on the run, for the pages that read its files
    html = unescape(as_("province").get(f"/monitoring/run/{run.pk}/").content.decode())
    # issue 9: the server's filesystem is nobody's business on a page
    assert str(run.output_dir) not in html and str(home) not in html
    runs = unescape(as_("province").get("/monitoring/").content.decode())
    assert str(home) not in runs
    assert 'href="/dashboards/execution/"' in html
