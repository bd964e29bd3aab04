"""The circular, the annual report and the assessment, opened back (python-docx, pdftotext,
openpyxl) and compared with the figures files; a PDF page rendered and checked for glyphs."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pyarrow.parquet as pq
import pytest
from province_kit import Province

from jicai.reports import jobs, numbers

QUARTER = "2025Q4"  # the demo's as_of, 30 November, lies in it: the quarter ends there


@pytest.fixture(scope="module")
def out(province: Province, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    run = province.runs["henan"]
    jobs.circular(province.home, None, "henan", folder, quarter=QUARTER, run_dir=run)
    jobs.annual(province.home, None, "henan", folder, year="2025", run_dir=run)
    jobs.assessment(province.home, None, "henan", folder, run_dir=run)
    return folder


def _rows(province: Province, scope: str, period: str) -> dict[str, dict[str, Any]]:
    return {str(r["code"]): r for r in province.figures("henan")
            if r["scope"] == scope and r["period"] == period}


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _pdf_text(path: Path, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # pdftotext spaces CJK from digits; compare without spaces


def _assert_cjk_embedded_and_visible(pdf: Path, tmp: Path, title: str) -> None:
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    cjk = [f for f in fonts if "NotoSerifCJK" in f or "NotoSansCJK" in f]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk)  # the 'emb' column
    assert title in _pdf_text(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp / "page")], check=True, capture_output=True)
    from PIL import Image

    (png,) = tmp.glob("page*.png")
    img = Image.open(png).convert("L")
    w, h = img.size
    top = img.crop((0, int(h * 0.05), w, int(h * 0.16)))  # where the title is set
    dark = sum(top.histogram()[:100])  # pixels darker than 100 of 255
    assert dark > 300, "the title's glyphs are drawn (no blank boxes)"
    bottom = img.crop((0, int(h * 0.96), w, h))
    assert sum(bottom.histogram()[:100]) < dark


def test_circular_overall_figures_are_the_quarters(province: Province, out: Path) -> None:
    path = out / f"季度通报-{QUARTER}.docx"
    paras = _paragraphs(path)
    assert paras[0] == "关于2025年第四季度中州省集中带量采购\n中选结果执行情况的通报"
    (prov,) = _rows(province, "province", QUARTER).values()
    overall = next(p for p in paras if p.startswith("截至2025年11月30日"))
    assert f"约定采购量完成率 {numbers.pct(prov['completion'])}" in overall
    assert f"序时进度 {numbers.pct(prov['schedule'])}" in overall
    assert f"进度差 {numbers.points(prov['gap'])}" in overall
    insts = _rows(province, "institution", QUARTER)
    assert f"医疗机构 {len(insts):,} 家" in overall
    flows = paras[paras.index(overall) + 1]
    assert f"非中选产品采购量占比 {numbers.pct(prov['nonwinning_share'])}" in flows
    assert f"逾期未付 {numbers.yuan(prov['overdue_amount'])} 元" in flows
    # 表1: one row per city, the quarter's figures formatted
    d = docx.Document(str(path))
    cities = sorted(_rows(province, "city", QUARTER).values(), key=lambda r: str(r["code"]))
    t1 = d.tables[0]
    assert [c.text for c in t1.rows[0].cells][:4] == ["序号", "统筹地区（市）", "约定采购量完成率",
                                                     "序时进度"]
    body = [[c.text for c in r.cells] for r in t1.rows[1:]]
    assert [r[1] for r in body] == [c["name"] for c in cities]
    assert [r[2] for r in body] == [numbers.pct(c["completion"]) for c in cities]
    assert len(d.inline_shapes) == 2  # the trend and the cities' completion


def test_circular_lists_the_worst_with_their_figures(province: Province, out: Path) -> None:
    d = docx.Document(str(out / f"季度通报-{QUARTER}.docx"))
    insts = _rows(province, "institution", QUARTER)
    behind = sorted((r for r in insts.values() if r["gap"] is not None and r["gap"] < 0),
                    key=lambda r: (r["gap"], str(r["code"])))[:5]
    assert behind, "the demo has institutions behind schedule"
    paras = [p.text for p in d.paragraphs]
    i = paras.index("执行不力：问题突出的医疗机构")
    # the table after that caption
    body = d.element.body
    caption = d.paragraphs[i]._element
    table_el = caption.getnext()
    table = next(t for t in d.tables if t._element is table_el)
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[1].split("（")[0] for r in rows] == [r["name"] for r in behind]
    assert [r[2] for r in rows] == [numbers.pct(r["gap"]) for r in behind]
    del body
    pdf = _pdf_text(out / f"季度通报-{QUARTER}.pdf")
    for r in behind:
        assert str(r["name"]) in pdf
    assert "三、约谈名单" in pdf and "四、工作要求" in pdf


def test_circular_interview_list_is_repeated_p1(province: Province, out: Path) -> None:
    """约谈: a variety behind schedule at both month-ends of the quarter (Oct, Nov)."""
    counts: dict[tuple[str, str, int, str], int] = defaultdict(int)
    for r in province.figures("henan", "cycles"):
        if (r["scope"] == "institution" and r["period"] in ("2025-10", "2025-11")
                and r["variety_code"] is not None and r["status"] in ("zero", "behind")
                and "clinical_change" not in (r["exemption"] or "")
                and r["period_end"] < r["end_date"]):
            counts[(str(r["code"]), str(r["batch_code"]), int(r["cycle_no"]),
                    str(r["variety_code"]))] += 1
    expected = sorted({k[0] for k, n in counts.items() if n >= 2})
    assert expected
    d = docx.Document(str(out / f"季度通报-{QUARTER}.docx"))
    # the full list: the annex when the body shows only the first 20
    table = [t for t in d.tables if [c.text for c in t.rows[0].cells][-1] == "约谈事由"][-1]
    names = {str(r["code"]): r["name"] for r in _rows(province, "institution", QUARTER).values()}
    got = sorted(c for c, n in names.items()
                 if n in {row.cells[1].text for row in table.rows[1:]})
    assert got == expected
    assert all("2 个及以上月末低于序时进度" in row.cells[3].text for row in table.rows[1:])


def test_circular_pdf_has_embedded_chinese_fonts_and_glyphs(out: Path, tmp_path: Path) -> None:
    _assert_cjk_embedded_and_visible(out / f"季度通报-{QUARTER}.pdf", tmp_path,
                                     "关于2025年第四季度中州省集中带量采购中选结果执行情况的通报")


def test_annual_report_follows_the_template(province: Province, out: Path,
                                            tmp_path: Path) -> None:
    paras = _paragraphs(out / "年度报告-2025.docx")
    assert paras[0] == "中州省2025年加强集采监管工作落实情况报告"
    heads = [p for p in paras if p[:2] in ("一、", "二、", "三、", "四、")]
    assert heads == ["一、总体进展", "二、具体工作落实情况", "三、存在的问题", "四、下一步打算"]
    (year,) = _rows(province, "province", "2025").values()
    overall = paras[paras.index("一、总体进展") + 1]
    assert f"约定采购量完成率 {numbers.pct(year['completion'])}" in overall
    assert f"采购金额 {numbers.yuan(year['amount'])} 元" in overall
    # 二、: one numbered paragraph per clause of the profile's rules
    from jicai.policy.notices import clause_zh
    from jicai.policy.profiles import load_profile

    # the clauses in Chinese (河南 二(九)), as a Chinese document names the notices
    clauses = list(dict.fromkeys(clause_zh(c.clause) for c in load_profile("henan").rules.values()))
    two = paras[paras.index("二、具体工作落实情况") + 2:paras.index("三、存在的问题")]
    two = [p for p in two if p]
    assert [p.split("。")[0] for p in two] == [f"{i}. 关于 {c}" for i, c in
                                              enumerate(clauses, start=1)]
    alerts = pq.read_table(province.runs["henan"] / "alerts.parquet").to_pylist()
    p1 = sum(1 for a in alerts if a["rule_id"] == "progress.behind_schedule")
    first = next(p for p in two if "采购进度低于序时进度（P1" in p)
    assert f"发现 {p1:,} 条预警" in first
    assert paras[-2:] == ["中州省医疗保障局（盖章）", "2025年11月30日"]
    _assert_cjk_embedded_and_visible(out / "年度报告-2025.pdf", tmp_path, "中州省2025年加强")


def test_assessment_workbook_is_the_runs_assessment_and_rankings(province: Province,
                                                                out: Path) -> None:
    wb = openpyxl.load_workbook(out / "考核表-2025.xlsx", read_only=True)
    rows = [r for r in wb["考核表"].iter_rows(min_row=4, values_only=True) if r[0]]
    want = sorted(pq.read_table(province.runs["henan"] / "assessment.parquet").to_pylist(),
                  key=lambda r: (r["institution_code"], r["batch_code"], r["cycle_no"],
                                 r["variety_code"]))
    assert len(rows) == len(want) > 0
    for g, w in zip(rows, want, strict=True):
        assert g[0] == w["institution_code"] and g[4] == w["cycle_no"]
        assert g[6] == pytest.approx(w["completion"], rel=1e-13)
        assert g[9] == ("合格" if w["result"] == "qualified" else "不合格")
        assert (g[10] or None) == w["reasons"]
    assert any(r[9] == "不合格" for r in rows) and any(r[9] == "合格" for r in rows)
    ranked = sorted((r for r in province.figures("henan", "rankings")
                     if r["ranking"] == "ganzhou_completed" and r["period"] == "2025"),
                    key=lambda r: int(str(r["rank"])))
    sheet = [r for r in wb["赣州排名"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(sheet) if r[0] == "一、各批次均完成约定采购量的医疗机构") + 2
    got = [r for r in sheet[start:start + len(ranked)]]
    assert [r[1] for r in got] == [r["code"] for r in ranked]
    assert [r[0] for r in got] == list(range(1, len(ranked) + 1))
    # 网采率: verdicts against GANZHOU 附件1's 90 % (henan has no O1 of its own)
    online = [r for r in wb["网采率"].iter_rows(min_row=4, values_only=True) if r[1]]
    insts = _rows(province, "institution", "2025")
    checked = 0
    for r in online:
        if r[0] == "医疗机构" and r[3] is not None:
            assert r[3] == pytest.approx(insts[r[1]]["online_rate_drug"], rel=1e-13)
            assert r[4] == ("达标" if r[3] >= 0.9 else "未达标")
            checked += 1
    assert checked == sum(1 for r in insts.values() if r["online_rate_drug"] is not None)
    assert any(r[4] == "未达标" for r in online)
    wb.close()


def test_a_citys_circular_covers_its_counties_only(province: Province, tmp_path: Path) -> None:
    cities = _rows(province, "city", QUARTER)
    city = sorted(cities)[0]
    jobs.circular(province.home, None, "henan", tmp_path, quarter=QUARTER, region=city,
                  run_dir=province.runs["henan"])
    d = docx.Document(str(tmp_path / f"季度通报-{QUARTER}-{city}.docx"))
    paras = [p.text for p in d.paragraphs]
    name = cities[city]["name"]
    assert paras[0] == f"关于2025年第四季度{name}集中带量采购\n中选结果执行情况的通报"
    assert paras[1] == "各县（区）医疗保障局，各有关医疗机构、医药企业："
    counties = sorted((r for r in _rows(province, "county", QUARTER).values()
                       if r["region_code"] == city), key=lambda r: str(r["code"]))
    t1 = d.tables[0]
    assert [r.cells[1].text for r in t1.rows[1:]] == [c["name"] for c in counties]
    assert [r.cells[2].text for r in t1.rows[1:]] == [numbers.pct(c["completion"])
                                                      for c in counties]
    overall = next(p for p in paras if p.startswith("截至"))
    assert f"约定采购量完成率 {numbers.pct(cities[city]['completion'])}" in overall


def test_hospital_pdf_is_the_same_file(province: Province, tmp_path: Path) -> None:
    insts = _rows(province, "institution", "2025-11")
    code = sorted(insts)[0]
    paths = jobs.hospital_monthly(province.home, None, "henan", tmp_path, month="2025-11",
                                  institution=code, pdf=True, run_dir=province.runs["henan"])
    (pdf,) = [p for p in paths if p.suffix == ".pdf"]
    text = _pdf_text(pdf)
    own = insts[code]
    assert f"{own['name']}集中带量采购执行情况（一院一档）" in text
    assert "一、本月概况" in text and "五、月度趋势" in text
    rows = _pdf_text(pdf, layout=True)  # a table row reads across
    assert "约定采购量完成率" + numbers.pct(own["completion"]) + "≥序时进度" in rows
    assert "进院率" + numbers.pct(own["entry_rate"]) in rows
    _assert_cjk_embedded_and_visible(pdf, tmp_path, str(own["name"]))


def test_a_long_interview_list_goes_to_an_annex(province: Province, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from jicai.reports import circular

    monkeypatch.setattr(circular, "TALKS_SHOWN", 3)
    jobs.circular(province.home, None, "henan", tmp_path, quarter=QUARTER,
                  run_dir=province.runs["henan"])
    d = docx.Document(str(tmp_path / f"季度通报-{QUARTER}.docx"))
    body, annex = [t for t in d.tables if t.rows[0].cells[-1].text == "约谈事由"]
    assert len(body.rows) == 1 + 3
    assert len(annex.rows) > len(body.rows)
    assert [r.cells[1].text for r in body.rows[1:]] == [r.cells[1].text for r in annex.rows[1:4]]
    paras = [p.text for p in d.paragraphs]
    assert "附件：约谈名单" in paras
    assert paras.index("附件：约谈名单") > paras.index("四、工作要求")
