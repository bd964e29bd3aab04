"""The execution pages for each persona: what each sees, what is refused, and that every
number on a page is the number of the run's files (formatted as a bureau writes it).

The run folder is written by ``tests/web/execution_files.py`` in the figures files'
layout and taken in as ``jicai demo --serve`` does (``import_output_folder``), so
the run keeps its folder and the pages read it.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from jicai.web.alerts import services as alert_services
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.audit.record import Actor
from jicai.web.monitoring.runs import import_output_folder
from tests.web.execution_files import AS_OF, write_run_folder
from tests.web.world import World


@pytest.fixture
def run(world: World, tmp_path: Path) -> MonitorRun:
    folder = write_run_folder(tmp_path / "out")
    run = import_output_folder(Actor(None, via="test"), folder)
    assert run.status == "succeeded", run.message
    return run


def figures(run: MonitorRun, **match: Any) -> list[dict[str, Any]]:
    rows = pq.read_table(Path(run.output_dir) / "figures" / "figures.parquet").to_pylist()
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def cycles(run: MonitorRun, **match: Any) -> list[dict[str, Any]]:
    rows = pq.read_table(Path(run.output_dir) / "figures" / "cycles.parquet").to_pylist()
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.content.decode())


def table_rows(html: str, table: str = "main") -> list[list[str]]:
    body = re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]


def cards(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-indicator="(\w+)"><div class="muted">[^<]*</div>'
                           r'<div class="big[^"]*">([^<]*)</div>', html))


# -- the run keeps its folder ---------------------------------------------------------------

def test_the_imported_run_keeps_its_output_folder(run: MonitorRun) -> None:
    folder = Path(run.output_dir)
    assert folder.is_absolute()
    for name in ("alerts.csv", "progress.csv", "assessment.csv", "monitor.xlsx", "run.json",
                 "figures/figures.parquet", "figures/rankings.parquet"):
        assert (folder / name).is_file(), name
    assert run.as_of == AS_OF


def test_without_a_run_the_pages_say_so(world: World, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("county_a"), "/dashboards/region/220102/")
    assert 'id="no-run"' in html and "还没有带指标的监测运行" in html


# -- the drill-down -------------------------------------------------------------------------

def test_each_officer_lands_on_its_region_and_sees_one_level_down(run, as_) -> None:  # type: ignore[no-untyped-def]
    expected = {"province": ("220000", {"甲市", "乙市"}),
                "city": ("220100", {"A县", "B县", "甲市第一医院"}),
                "county_a": ("220102", {"A县人民医院", "A县某乡卫生院"}),
                "county_d": ("220202", {"D县人民医院"})}
    for persona, (code, below) in expected.items():
        assert table_rows(page(as_(persona), "/dashboards/execution/")) == table_rows(
            page(as_(persona), f"/dashboards/region/{code}/"))
        html = page(as_(persona), f"/dashboards/region/{code}/")
        assert {r[0] for r in table_rows(html)} == below, persona


def test_the_links_lead_down_and_the_breadcrumbs_back_up(run, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("province")
    html = page(client, "/dashboards/region/220000/")
    assert '<a href="/dashboards/region/220100/?period=2025">甲市</a>' in html
    html = page(client, "/dashboards/region/220100/")
    assert '<a href="/dashboards/region/220102/?period=2025">A县</a>' in html
    assert '<a href="/dashboards/institution/H_C/?period=2025">甲市第一医院</a>' in html
    html = page(client, "/dashboards/region/220102/")
    assert '<a href="/dashboards/institution/H_A/?period=2025">A县人民医院</a>' in html
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", crumbs).split(" › ") == ["执行情况", "测试省", "甲市", "A县"]
    html = page(client, "/dashboards/institution/H_A/")
    assert "/dashboards/variety/V1/?region=220102&period=2025&institution=H_A" in html
    html = page(client, "/dashboards/variety/V1/?region=220102&period=2025&institution=H_A")
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", crumbs).split(" › ") == [
        "执行情况", "测试省", "甲市", "A县", "A县人民医院", "阿莫西林胶囊"]
    # a county officer's breadcrumbs start at its own county
    html = page(as_("county_a"), "/dashboards/institution/H_A/")
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S).group(0)  # type: ignore[union-attr]
    assert re.sub(r"<[^>]+>", "", crumbs).split(" › ") == ["执行情况", "A县", "A县人民医院"]


# -- scope ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "url", "status"), [
    ("county_a", "/dashboards/region/220103/", 404),  # the neighbour county
    ("county_a", "/dashboards/region/220100/", 404),  # its own city is above it
    ("county_a", "/dashboards/institution/H_B/", 404),
    ("county_a", "/dashboards/variety/V1/?region=220103", 404),
    ("county_d", "/dashboards/institution/H_A/", 404),
    ("city", "/dashboards/region/220200/", 404),
    ("hospital_b", "/dashboards/institution/H_A/", 404),
    ("hospital", "/dashboards/region/220102/", 403),
    ("company", "/dashboards/region/220000/", 403),
    ("company", "/dashboards/institution/H_A/", 403),
    ("company", "/dashboards/files/progress.csv", 403),
    ("county_a", "/dashboards/company/", 403),
    ("hospital", "/dashboards/company/", 403),
])
def test_the_wrong_persona_is_refused(run, as_, persona: str, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert as_(persona).get(url).status_code == status


def test_a_hospital_sees_its_own_file_and_the_variety_of_its_own(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("hospital_b"), "/dashboards/execution/")
    assert "B县人民医院 · 一院一档" in html
    html = page(as_("hospital_b"), "/dashboards/variety/V1/")
    assert {r[0] for r in table_rows(html)} == {"B县人民医院"}


def test_a_county_sees_only_its_institutions_on_a_variety(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("county_a"), "/dashboards/variety/V1/")
    assert {r[0] for r in table_rows(html)} == {"A县人民医院", "A县某乡卫生院"}
    html = page(as_("province"), "/dashboards/variety/V1/")
    assert {r[0] for r in table_rows(html)} == {
        "A县人民医院", "A县某乡卫生院", "B县人民医院", "甲市第一医院", "D县人民医院"}


# -- numbers are the files' -----------------------------------------------------------------

def test_the_county_cards_are_the_county_row_of_the_file(run, as_) -> None:  # type: ignore[no-untyped-def]
    row = figures(run, scope="county", code="220102", period="2025")[0]
    shown = cards(page(as_("county_a"), "/dashboards/region/220102/"))
    assert shown["completion"] == pct(row["completion"])
    assert shown["delivery_rate"] == pct(row["delivery_rate"])
    assert shown["overdue_amount"] == f"{row['overdue_amount']:,.2f}"
    assert shown["agreed_units"] == f"{row['agreed_units']:,}"
    assert shown["payment_days"] == f"{row['payment_days']:,.1f}"  # days, not a percentage
    # another period: the quarter's row
    q = figures(run, scope="county", code="220102", period="2025Q2")[0]
    shown = cards(page(as_("county_a"), "/dashboards/region/220102/?period=2025Q2"))
    assert shown["completion"] == pct(q["completion"]) != pct(row["completion"])


def test_the_table_one_level_down_has_the_rows_of_the_file(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("city"), "/dashboards/region/220100/?sort=name&dir=asc")
    headers = re.findall(r'<th[^>]*><a [^>]*>([^<]*?)(?: [▲▼])?</a></th>',
                         re.search(r'data-table="main">(.*?)</thead>', html, re.S).group(1))  # type: ignore[union-attr]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in table_rows(html)}
    b = figures(run, scope="county", code="220103", period="2025")[0]
    assert rows["B县"]["约定采购量完成率"] == pct(b["completion"])
    assert rows["B县"]["按时回款率"] == "—"  # an empty denominator is no figure, not 0 %
    assert b["payment_on_time_rate"] is None
    h = figures(run, scope="institution", code="H_C", period="2025")[0]
    assert rows["甲市第一医院"]["配送率"] == pct(h["delivery_rate"])
    assert rows["甲市第一医院"]["层级"] == "医疗机构"


def test_sorting_follows_the_file_and_pages_are_paged(run, as_, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client = as_("city")
    want = sorted(figures(run, region_code="220100", period="2025"),
                  key=lambda r: (-r["completion"], r["code"]))
    want = [r["name"] for r in want if r["scope"] in ("county", "institution")]
    html = page(client, "/dashboards/region/220100/?sort=completion&dir=desc")
    assert [r[0] for r in table_rows(html)] == want
    html = page(client, "/dashboards/region/220100/?sort=completion&dir=asc")
    assert [r[0] for r in table_rows(html)] == want[::-1]
    # a column that is not one of the table's is not obeyed (and not run as SQL)
    assert page(client, "/dashboards/region/220100/?sort=code;drop")
    import jicai.web.dashboards.execution as execution
    import jicai.web.dashboards.tables as tables

    monkeypatch.setattr(execution, "PAGE_SIZE", 2)
    monkeypatch.setattr(tables, "PAGE_SIZE", 2)
    first = page(client, "/dashboards/region/220100/?sort=completion&dir=desc")
    second = page(client, "/dashboards/region/220100/?sort=completion&dir=desc&page=2")
    assert [r[0] for r in table_rows(first)] == want[:2]
    assert [r[0] for r in table_rows(second)] == want[2:]
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_institution_file_shows_status_colours_and_the_cycle_lines(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("county_a"), "/dashboards/institution/H_A/?sort=variety_name&dir=asc")
    lines = {r["variety_name"]: r for r in cycles(run, code="H_A", period="2025")}
    rows = {r[2]: r for r in table_rows(html)}
    assert set(rows) == set(lines)
    labels = {"zero": "零采购", "behind": "低于序时", "normal": "正常", "over": "超量"}
    for name, line in lines.items():
        assert rows[name][3] == labels[line["status"]]
        assert rows[name][10] == pct(line["completion"])
        assert rows[name][4] == f"{line['agreed_units']:,}"
    assert rows["冠脉支架"][-1] == "临床需求重大变化"
    css = {"zero": "bad", "behind": "warn", "normal": "ok", "over": "over"}
    for line in lines.values():
        assert f'class="status {css[line["status"]]}">{labels[line["status"]]}' in html
    nonwinning = table_rows(html, "n")
    assert {r[1] for r in nonwinning} == {n for n, r in lines.items() if r["nonwinning_units"] > 0}


def test_the_institution_file_shows_its_alerts_with_their_handling(run, world, as_) -> None:  # type: ignore[no-untyped-def]
    alert = Alert.objects.get(run=run, institution_id="H_A")
    alert_services.handle(Actor(world.users["county_a"]), alert, "acknowledge", "已约谈，限期整改")
    html = page(as_("county_a"), "/dashboards/institution/H_A/")
    section = html[html.index('id="alerts"'):html.index('id="tickets"')]
    assert "A县人民医院 阿莫西林胶囊 进度落后" in section
    assert "已约谈，限期整改" in section and "county_a" in section
    assert "B县人民医院" not in section


def test_rankings_are_scoped_and_keep_the_province_rank(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("county_a"), "/dashboards/rankings/payment_institutions/")
    file = [r for r in pq.read_table(Path(run.output_dir) / "figures" / "rankings.parquet")
            .to_pylist() if r["ranking"] == "payment_institutions" and r["period"] == "2025"]
    mine = sorted((r for r in file if r["code"] in ("H_A", "H_A2")), key=lambda r: r["rank"])
    assert [(r[0], r[1], r[2]) for r in table_rows(html)] == [
        (str(r["rank"]), r["name"], pct(r["value"])) for r in mine]
    rankings = page(as_("county_a"), "/dashboards/rankings/")
    assert "delivery_distributors" not in rankings and "payment_institutions" in rankings
    assert "delivery_distributors" in page(as_("province"), "/dashboards/rankings/")
    assert [r[1] for r in table_rows(page(as_("distributor"),
                                          "/dashboards/rankings/delivery_distributors/"))] \
        == ["配送医药公司"]
    assert table_rows(page(as_("company"), "/dashboards/rankings/delivery_distributors/")) \
        == [["暂无数据。"]]


# -- downloads ------------------------------------------------------------------------------

def test_a_view_downloads_as_xlsx_with_chinese_headers_and_the_files_numbers(run, as_) -> None:  # type: ignore[no-untyped-def]
    response = as_("county_a").get("/dashboards/region/220102/?format=xlsx&sort=name&dir=asc")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r and r[0] == "名称")
    assert values[header][:3] == ["名称", "层级", "约定采购量完成率"]
    body = {r[0]: r for r in values[header + 1:]}
    assert set(body) == {"A县人民医院", "A县某乡卫生院"}
    h = figures(run, scope="institution", code="H_A", period="2025")[0]
    assert body["A县人民医院"][2] == pytest.approx(h["completion"], abs=1e-12)


def test_a_county_downloads_only_its_county(run, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("county_a")
    progress = client.get("/dashboards/files/progress.csv").content.decode().splitlines()
    full = (Path(run.output_dir) / "progress.csv").read_text(encoding="utf-8").splitlines()
    assert progress[0] == full[0]
    assert {line.split(",")[2] for line in progress[1:]} == {"H_A", "H_A2"}
    assert sorted(progress[1:]) == sorted(x for x in full[1:] if x.split(",")[2] in ("H_A", "H_A2"))
    assessment = client.get("/dashboards/files/assessment.csv").content.decode().splitlines()
    assert {line.split(",")[2] for line in assessment[1:]} == {"H_A", "H_A2"}
    book = openpyxl.load_workbook(io.BytesIO(client.get("/dashboards/files/monitor.xlsx").content))
    alerts = [r for r in book["预警"].iter_rows(min_row=2, values_only=True)]
    assert {r[2] for r in alerts} == {"H_A", "H_A2"}  # no other county, no province-wide row
    prog = [r for r in book["执行进度"].iter_rows(min_row=2, values_only=True)]
    assert {r[2] for r in prog} == {"H_A", "H_A2"}


def test_the_province_downloads_the_files_as_written(run, as_) -> None:  # type: ignore[no-untyped-def]
    client = as_("province")
    for name in ("progress.csv", "assessment.csv", "monitor.xlsx"):
        response = client.get(f"/dashboards/files/{name}")
        assert b"".join(response.streaming_content) == (Path(run.output_dir) / name).read_bytes()


def test_a_hospital_downloads_its_own_rows(run, as_) -> None:  # type: ignore[no-untyped-def]
    progress = as_("hospital_b").get("/dashboards/files/progress.csv").content.decode()
    assert {line.split(",")[2] for line in progress.splitlines()[1:]} == {"H_B"}


def test_the_company_page_shows_its_figures_and_no_other_company(run, as_) -> None:  # type: ignore[no-untyped-def]
    html = page(as_("distributor"), "/dashboards/company/")
    row = figures(run, scope="company", role="distributor", period="2025")[0]
    assert cards(html)["delivery_rate"] == pct(row["delivery_rate"])
    assert cards(html)["response_48h_rate"] == pct(row["response_48h_rate"])
    assert 'data-role="distributor"' in html and 'data-role="manufacturer"' not in html
    other = page(as_("company"), "/dashboards/company/")
    assert 'data-role="manufacturer"' in other and 'data-role="distributor"' not in other


def test_every_view_answers_for_its_personas(run, as_) -> None:  # type: ignore[no-untyped-def]
    for persona, url in (("health", "/dashboards/region/220000/"),
                         ("admin", "/dashboards/region/220000/"),
                         ("province", "/dashboards/rankings/"),
                         ("hospital", "/dashboards/rankings/"),
                         ("member", "/dashboards/institution/H_A2/")):
        assert as_(persona).get(url).status_code == 200, (persona, url)
