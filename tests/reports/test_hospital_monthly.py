"""一院一档: every workbook opened back and its numbers compared with the figures files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest
from province_kit import Province

from jicai.errors import JicaiError
from jicai.policy.notices import clause_zh
from jicai.reports import jobs, labels
from jicai.reports.hospital import SUMMARY, TREND, VARIETY_HEADERS

MONTH = "2025-11"


@pytest.fixture(scope="module")
def written(province: Province, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hospital")
    jobs.hospital_monthly(province.home, None, "henan", out, month=MONTH,
                          run_dir=province.runs["henan"])
    return out / f"一院一档-{MONTH}"


def same(got: Any, want: Any) -> bool:
    """A number read back from XLSX: Excel keeps 15 significant digits, so the last bit of
    a double may differ; anything else (a missing figure, text) must be identical."""
    if isinstance(want, float) and isinstance(got, int | float):
        return got == pytest.approx(want, rel=1e-13, abs=1e-15)
    return bool(got == want)


def _month_rows(province: Province, scope: str) -> dict[str, dict[str, Any]]:
    return {str(r["code"]): r for r in province.figures("henan")
            if r["scope"] == scope and r["period"] == MONTH}


def _busiest(province: Province) -> str:
    """The institution with the most non-winning units this month (ties: the code)."""
    rows = _month_rows(province, "institution").values()
    best = max(rows, key=lambda r: (r["nonwinning_units"] or 0, str(r["code"])))
    assert (best["nonwinning_units"] or 0) > 0, "the demo month has non-winning purchases"
    return str(best["code"])


def _sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    wb.close()
    return rows


def _file(folder: Path, code: str) -> Path:
    (path,) = folder.glob(f"{code}-*.xlsx")
    return path


def test_one_workbook_per_institution_of_the_months_figures_and_an_index(
        province: Province, written: Path) -> None:
    insts = _month_rows(province, "institution")
    files = sorted(p.name for p in written.glob("*.xlsx") if p.name != "index.xlsx")
    assert len(files) == len(insts) > 20
    assert {f.split("-")[0] for f in files} == set(insts)
    index = _sheet(written / "index.xlsx", "一院一档目录")
    head = index[2]
    assert head[:5] == ("序号", "机构编码", "机构名称", "所属地区", "一院一档文件")
    body = [r for r in index[3:] if r[0] is not None]
    assert [r[1] for r in body] == sorted(insts)
    for r in body:
        fig = insts[r[1]]
        assert r[2] == fig["name"]
        assert r[4] in files
        got = dict(zip(head, r, strict=True))
        # shares are the figures' own numbers; counts add up to them
        for share, count in (("零采购占比", "零采购品种数"), ("低于序时进度占比", "低于序时进度品种数"),
                             ("正常占比", "正常品种数"), ("超量占比", "超量品种数")):
            col = {"零采购占比": "status_zero_share", "低于序时进度占比": "status_behind_share",
                   "正常占比": "status_normal_share", "超量占比": "status_over_share"}[share]
            assert same(got[share], fig[col])
            if fig[col] is not None:
                assert got[count] == pytest.approx(fig[col] * got["签约品种数"], abs=1e-9)
        assert same(got["约定采购量完成率"], fig["completion"])
        assert same(got["序时进度"], fig["schedule"])
        assert same(got["非中选产品采购量占比"], fig["nonwinning_share"])


def test_summary_sheet_is_the_institutions_and_its_regions_figures(
        province: Province, written: Path) -> None:
    code = _busiest(province)
    own = _month_rows(province, "institution")[code]
    rows = _sheet(_file(written, code), "概况")
    assert rows[0][0] == f"{own['name']}集中带量采购执行情况（一院一档）"
    assert "2025年11月" in rows[1][0]
    head = rows[3]
    assert head[:4] == ("指标", "本院", "要求", "是否达标")
    assert [h.split("（")[0] for h in head[4:7]] == ["所在县区", "所在市", "全省"]
    by_label = {r[0]: r for r in rows[4:4 + len(SUMMARY)]}
    county = _month_rows(province, "county")[str(own["region_code"])]
    city = _month_rows(province, "city")[str(county["region_code"])]
    prov = _month_rows(province, "province")[str(city["region_code"])]
    for col in SUMMARY:
        r = by_label[labels.zh(col)]
        assert same(r[1], own[col]), col
        assert all(same(g, w) for g, w in zip(r[4:7], (county[col], city[col], prov[col]),
                                              strict=True)), col
    # the profile's requirement and verdict: henan's S1 limit of 50 %
    nw = by_label["非中选产品采购量占比"]
    assert nw[2] == "≤ 50.0%"
    assert nw[3] == ("达标" if own["nonwinning_share"] <= 0.5 else "未达标")
    comp = by_label["约定采购量完成率"]
    assert comp[3] == ("达标" if own["completion"] >= own["schedule"] - 1e-9 else "未达标")


def test_variety_sheet_is_the_cycles_file_and_the_batch_rows_add_up(
        province: Province, written: Path) -> None:
    code = _busiest(province)
    cyc = [r for r in province.figures("henan", "cycles") if r["scope"] == "institution"
           and r["code"] == code and r["period"] == MONTH]
    lines = sorted((r for r in cyc if r["variety_code"] is not None),
                   key=lambda r: (r["batch_code"], r["cycle_no"], r["variety_code"]))
    rows = _sheet(_file(written, code), "品种明细")
    assert rows[0] == tuple(VARIETY_HEADERS)
    body = [r for r in rows[1:] if r[0] is not None]
    assert len(body) == len(lines) > 0
    for got, want in zip(body, lines, strict=True):
        g = dict(zip(VARIETY_HEADERS, got, strict=True))
        assert g["品种编码"] == want["variety_code"]
        assert g["约定采购量"] == want["agreed_units"]
        assert g["累计计入完成量"] == want["credited_units"]
        assert g["本月非中选产品采购量"] == want["nonwinning_units"]
        assert g["本月非中选产品金额（元）"] == pytest.approx(want["nonwinning_amount"])
        assert same(g["约定采购量完成率"], want["completion"])
        assert same(g["序时进度"], want["schedule"])
        assert g["执行状态"] == (labels.STATUS_ZH[want["status"]] if want["status"] else None)
    # the per-batch (Jiangsu) rows of the summary sheet are the cycles' batch rows
    summary = _sheet(_file(written, code), "概况")
    start = next(i for i, r in enumerate(summary) if r[0] == "分批次执行情况") + 2
    batches = sorted((r for r in cyc if r["variety_code"] is None),
                     key=lambda r: (r["batch_code"], r["cycle_no"]))
    got_b = [r for r in summary[start:] if r[0] is not None]
    assert len(got_b) == len(batches)
    for g, b in zip(got_b, batches, strict=True):
        assert same(g[2], b["schedule"])
        assert (g[3], g[4], g[6], g[8], g[10]) == (b["varieties"], b["status_zero"],
                                                    b["status_behind"], b["status_normal"],
                                                    b["status_over"])
    # 对应非中选产品数: catalogue products of the batch's varieties the batch did not award
    products = province.warehouse.read("products").to_pylist()
    awarded = {(a["batch_code"], a["product_code"])
               for a in province.warehouse.read("awards").to_pylist()}
    for g, b in zip(got_b, batches, strict=True):
        vs = {r["variety_code"] for r in lines
              if (r["batch_code"], r["cycle_no"]) == (b["batch_code"], b["cycle_no"])}
        want = sum(1 for p in products if p["variety_code"] in vs
                   and (b["batch_code"], p["product_code"]) not in awarded)
        assert g[14] == want


def test_nonwinning_products_add_up_to_the_figures_non_winning_units(
        province: Province, written: Path) -> None:
    """The purchases query (one per run) and the figures engine agree on the month."""
    code = _busiest(province)
    own = _month_rows(province, "institution")[code]
    rows = _sheet(_file(written, code), "非中选产品")
    body = [r for r in rows[1:] if r[0] is not None]
    assert sum(r[5] for r in body) == own["nonwinning_units"]
    assert sum(r[6] for r in body) == pytest.approx(own["nonwinning_amount"], abs=0.01)
    for r in body:  # price per minimum unit = amount / units; above = price / lowest − 1
        assert r[7] == pytest.approx(r[6] / r[5])
        assert r[9] == pytest.approx(r[7] / r[8] - 1)


def test_alerts_and_trend_sheets_and_a_native_chart(province: Province, written: Path) -> None:
    code = _busiest(province)
    path = _file(written, code)
    alerts = [a for a in pq.read_table(province.runs["henan"] / "alerts.parquet").to_pylist()
              if a["institution_code"] == code]
    rows = [r for r in _sheet(path, "预警")[1:] if r[0] is not None]
    assert len(rows) == len(alerts) > 0
    assert sorted(r[4] for r in rows) == sorted(a["message"] for a in alerts)
    assert sorted(r[3] for r in rows) == sorted(clause_zh(a["clause"]) for a in alerts)
    assert not any("HENAN" in r[3] for r in rows)  # the notices named in Chinese
    months = sorted((r for r in province.figures("henan") if r["scope"] == "institution"
                     and r["code"] == code and r["period_kind"] == "month"),
                    key=lambda r: str(r["period"]))
    trend = [r for r in _sheet(path, "月度趋势")[1:] if r[0] is not None]
    assert [r[0] for r in trend] == [f"2025年{int(str(m['period'])[5:])}月" for m in months]
    for r, m in zip(trend, months, strict=True):
        assert all(same(g, m[c]) for g, c in zip(r[1:1 + len(TREND)], TREND, strict=True))
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_one_institution_or_one_region(province: Province, written: Path,
                                       tmp_path: Path) -> None:
    insts = _month_rows(province, "institution")
    code = _busiest(province)
    jobs.hospital_monthly(province.home, None, "henan", tmp_path / "one", month=MONTH,
                          institution=code, run_dir=province.runs["henan"])
    got = sorted(p.name for p in (tmp_path / "one" / f"一院一档-{MONTH}").glob("*.xlsx"))
    assert len(got) == 2 and got[0].startswith(code) and got[1] == "index.xlsx"
    # the purchases query limited to the institution gives its file the same rows
    one = tmp_path / "one" / f"一院一档-{MONTH}" / got[0]
    for sheet in ("概况", "品种明细", "非中选产品", "预警"):
        assert _sheet(one, sheet) == _sheet(_file(written, code), sheet), sheet
    county = str(insts[code]["region_code"])
    jobs.hospital_monthly(province.home, None, "henan", tmp_path / "county", month=MONTH,
                          region=county, run_dir=province.runs["henan"])
    files = {p.name.split("-")[0] for p in (tmp_path / "county" / f"一院一档-{MONTH}").glob("*.xlsx")
             if p.name != "index.xlsx"}
    assert files == {c for c, r in insts.items() if r["region_code"] == county}
    assert 0 < len(files) < len(insts)


def test_refusals_name_the_problem(province: Province, tmp_path: Path) -> None:
    with pytest.raises(JicaiError, match="H00000000000"):
        jobs.hospital_monthly(province.home, None, "henan", tmp_path, month=MONTH,
                              institution="H00000000000", run_dir=province.runs["henan"])
    # the run is as of 30 November: October's file needs a run as of 31 October
    with pytest.raises(JicaiError, match="2025-10-31") as exc:
        jobs.hospital_monthly(province.home, None, "henan", tmp_path, month="2025-10",
                              run_dir=province.runs["henan"])
    assert "jicai monitor" in exc.value.zh and "monitor with --as-of" in exc.value.en
    with pytest.raises(JicaiError, match="YYYY-MM"):
        jobs.hospital_monthly(province.home, None, "henan", tmp_path, month="2025/11",
                              run_dir=province.runs["henan"])


def test_worker_processes_write_the_same_bytes(province: Province, written: Path,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from jicai.reports import hospital

    monkeypatch.setattr(hospital, "PARALLEL_FROM", 0)
    county = str(_month_rows(province, "institution")[_busiest(province)]["region_code"])
    jobs.hospital_monthly(province.home, None, "henan", tmp_path, month=MONTH, region=county,
                          run_dir=province.runs["henan"], workers=2)
    got = sorted((tmp_path / f"一院一档-{MONTH}").glob("*.xlsx"))
    books = [p for p in got if p.name != "index.xlsx"]
    assert len(books) > 1
    for p in books:
        assert p.read_bytes() == (written / p.name).read_bytes(), p.name


def test_file_names_keep_codes_and_names_but_no_path() -> None:
    from jicai.reports.hospital import Book

    def name(code: str, inst: str) -> str:
        return Book(code, inst, "", {}, {}, {}).file_name

    assert name("H001", "中州省人民医院") == "H001-中州省人民医院"
    assert name("../H002", "a/b\\c") == "H002-abc"
    assert name("H003", 'x:*?"<>|\ty') == "H003-xy"
