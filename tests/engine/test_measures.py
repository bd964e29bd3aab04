"""The figures of every scope and period, worked out by hand (shared/spec/figures.md).

The tiny province of tests/builders.py (410000 河南省 → 411300 南阳市 → 411302 宛城区 with
H1 and H3, 411303 卧龙区 with H2), as_of 2025-06-30, backup not credited:

- agreed: B1/V1 H1 1 000 units (base), H2 3 650, H3 100; B2/V2 H2 100 (base; B2 starts
  2025-03-01).
- schedule of B1 (365 days) as of Jan 31 = 31/365, Feb 28 = 59/365, Mar 31 = 90/365,
  Jun 30 = 181/365; of B2 as of Jun 30 = 122/365.
- H1 (V1, 10 units a pack, lowest winning price 1.00 a unit):
  L1 PW 10 packs 2025-01-31 23:59:59 (answered after 10 h, delivered after 34 h,
  received 02-02, paid 100 on 03-31 = its due day); L2 PW 20 packs 02-01 00:00:00
  (answered after 72 h); L3 PW 20 packs 05-10; L4 PN 20 packs at 15.00 on 03-15 inside
  a supply-problem exemption (excluded); L5 PN 10 packs at 15.00 on 04-10; L6 PQ
  (quality-equivalent) 10 packs at 10.00 = 1.00 a unit on 04-20 (excluded: not above
  the lowest winning price); L7 PB (backup) 5 packs at 12.00 on 06-01.
- H2: M1 PW 31 packs 01-10 (310 units = 31/365 of 3 650: exactly on schedule at the end
  of January), received 01-20, due 02-28, paid 310 on 03-05 (late, 44 days);
  M2 CW 1 pack at 700 off the platform on 02-10 (before B2's window).
- H3: N1, N2 PW 5 packs each on 03-03 and 03-04 (100 units: completion exactly 1 from
  March), paid on time (56 and 40 days); N3 PW 1 pack on 06-10 (110 %: over).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from engine_kit import Engine, agreed, exemption, line, make_profile, payment, province

from jicai.engine.measures import COLUMNS
from jicai.engine.measures.columns import physical_columns
from jicai.engine.run import MonitorResult, run_monitor
from jicai.reports.monitor_files import write_outputs

AS_OF = date(2025, 6, 30)


def _tables() -> dict[str, list[dict[str, Any]]]:
    t = province(
        agreed_volumes=[agreed("B1", "H2", "V1", 3650), agreed("B1", "H3", "V1", 100)],
        exemptions=[exemption("H1", "V1", "2025-03-01", "2025-03-31", "supply_problem")],
        orders=[
            line("L1", "H1", "PW", "2025-01-31 23:59:59", 10,
                 responded_at="2025-02-01 09:59:59", delivered_at="2025-02-02 09:59:59",
                 delivered_packs=10, received_at="2025-02-02 12:00:00"),
            line("L2", "H1", "PW", "2025-02-01 00:00:00", 20,
                 responded_at="2025-02-04 00:00:00"),
            line("L3", "H1", "PW", "2025-05-10 09:00:00", 20),
            line("L4", "H1", "PN", "2025-03-15 09:00:00", 20, "15.00"),
            line("L5", "H1", "PN", "2025-04-10 09:00:00", 10, "15.00"),
            line("L6", "H1", "PQ", "2025-04-20 09:00:00", 10, "10.00"),
            line("L7", "H1", "PB", "2025-06-01 09:00:00", 5, "12.00"),
            line("M1", "H2", "PW", "2025-01-10 09:00:00", 31,
                 received_at="2025-01-20 10:00:00"),
            line("M2", "H2", "CW", "2025-02-10 09:00:00", 1, "700.00", on_platform=False),
            line("N1", "H3", "PW", "2025-03-03 09:00:00", 5, received_at="2025-03-05 10:00:00"),
            line("N2", "H3", "PW", "2025-03-04 09:00:00", 5, received_at="2025-03-06 10:00:00"),
            line("N3", "H3", "PW", "2025-06-10 09:00:00", 1),
        ],
        payments=[payment("P1", "L1", "100.00", "2025-03-31"),
                  payment("P2", "M1", "310.00", "2025-03-05"),
                  payment("P3", "N1", "50.00", "2025-04-30"),
                  payment("P4", "N2", "50.00", "2025-04-15")],
    )
    return t


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> MonitorResult:
    engine = Engine(tmp_path_factory.mktemp("measures"))
    wh = engine.load(_tables())
    return run_monitor(wh, AS_OF, make_profile(["progress.behind_schedule",
                                                "share.nonwinning_high"]))


def row(result: MonitorResult, scope: str, code: str, period: str,
        region_code: str | None = "*") -> dict[str, Any]:
    rows = [r for r in result.figures["figures"].to_pylist()
            if r["scope"] == scope and r["code"] == code and r["period"] == period
            and (region_code == "*" or r["region_code"] == region_code)]
    assert len(rows) == 1, (scope, code, period, len(rows))
    return rows[0]


def test_region_completion_is_a_ratio_of_sums(result: MonitorResult) -> None:
    h1 = row(result, "institution", "H1", "2025")
    h3 = row(result, "institution", "H3", "2025")
    assert h1["completion"] == pytest.approx(500 / 1000)
    assert h3["completion"] == pytest.approx(110 / 100)
    county = row(result, "county", "411302", "2025")
    assert (county["completion_num"], county["completion_den"]) == (610, 1100)
    assert county["completion"] == pytest.approx(610 / 1100)  # not (0.5 + 1.1) / 2 = 0.8
    assert county["completion"] != pytest.approx((h1["completion"] + h3["completion"]) / 2)
    city = row(result, "city", "411300", "2025")
    assert (city["completion_num"], city["completion_den"]) == (920, 4850)
    assert city["region_code"] == "410000" and county["region_code"] == "411300"
    assert row(result, "province", "410000", "2025")["region_code"] is None
    # schedule of a scope over two cycles: weighted by agreed units
    expected = (4750 * 181 / 365 + 100 * 122 / 365) / 4850
    assert city["schedule"] == pytest.approx(expected)
    assert city["gap"] == pytest.approx(920 / 4850 - expected)
    assert h1["name"] == "宛城区人民医院" and county["name"] == "宛城区"


def test_month_boundary(result: MonitorResult) -> None:
    jan = row(result, "institution", "H1", "2025-01")
    feb = row(result, "institution", "H1", "2025-02")
    # L1 at 23:59:59 on 31 January is January's; L2 at 00:00 on 1 February is February's
    assert (jan["lines"], jan["winning_unit_share_num"]) == (1, 100)
    assert (feb["lines"], feb["winning_unit_share_num"]) == (1, 200)
    # progress as of each month's end: credited units run on
    assert jan["credited_units"] == 100 and jan["completion"] == pytest.approx(0.1)
    assert feb["credited_units"] == 300 and feb["completion"] == pytest.approx(0.3)
    assert jan["schedule"] == pytest.approx(31 / 365)
    assert feb["schedule"] == pytest.approx(59 / 365)
    # L1 is within 48 h of January's end: not judged in January, judged in the quarter
    assert (jan["response_48h_rate_num"], jan["response_48h_rate_den"]) == (0, 0)
    assert jan["response_48h_rate"] is None
    assert (feb["response_48h_rate_num"], feb["response_48h_rate_den"]) == (0, 1)  # 72 h
    q1 = row(result, "institution", "H1", "2025Q1")
    assert (q1["response_48h_rate_num"], q1["response_48h_rate_den"]) == (1, 3)
    # delivery: L1, L2, L4 (50 packs) in Q1, L1's 10 delivered after 34 h
    assert (q1["delivery_rate_num"], q1["delivery_rate_den"]) == (10, 50)
    assert (q1["timely_delivery_rate_num"], q1["timely_delivery_rate_den"]) == (1, 3)
    assert (jan["delivery_rate_num"], jan["delivery_rate_den"]) == (0, 0)


def test_excluded_purchases_left_out_of_the_nonwinning_share(result: MonitorResult) -> None:
    ytd = row(result, "institution", "H1", "2025")
    # all units 500 winning + 50 backup + 400 non-winning; excluded L4 200 + L6 100
    assert (ytd["nonwinning_share_num"], ytd["nonwinning_share_den"]) == (100, 650)
    assert ytd["nonwinning_share"] == pytest.approx(100 / 650)
    assert ytd["excluded_units"] == 300 and ytd["nonwinning_units"] == 400
    assert ytd["winning_unit_share"] == pytest.approx(500 / 950)  # backup not credited
    # yuan: winning 500, backup 60, non-winning 300 + 150 + 100; excluded 300 + 100
    assert ytd["winning_amount_share"] == pytest.approx(500 / 1110)
    assert ytd["nonwinning_amount_share"] == pytest.approx(150 / 710)
    q2 = row(result, "institution", "H1", "2025Q2")
    assert (q2["nonwinning_share_num"], q2["nonwinning_share_den"]) == (100, 350)
    county = row(result, "county", "411302", "2025")
    assert (county["nonwinning_share_num"], county["nonwinning_share_den"]) == (100, 760)
    # April: L5 100 of L5 + L6 (excluded) → 100 / 100 > 0.5: one variety over the limit
    assert row(result, "institution", "H1", "2025-04")["nonwinning_over"] == 1
    assert ytd["nonwinning_over"] == 0


def test_empty_denominator_is_null(result: MonitorResult) -> None:
    mar = row(result, "institution", "H1", "2025-03")  # only L4, excluded
    assert (mar["nonwinning_share_num"], mar["nonwinning_share_den"]) == (0, 0)
    assert mar["nonwinning_share"] is None
    ytd = row(result, "institution", "H1", "2025")
    assert ytd["online_rate_hv_den"] == 0 and ytd["online_rate_hv"] is None
    assert row(result, "institution", "H2", "2025")["online_rate_hv"] == 0.0  # 0 of 700
    # entry rate counts from the first day of the 3rd month (B1: 1 March)
    assert row(result, "city", "411300", "2025-02")["entry_rate"] is None
    assert row(result, "city", "411300", "2025")["entry_rate"] == pytest.approx(3 / 4)


def test_status_counts(result: MonitorResult) -> None:
    city = row(result, "city", "411300", "2025")
    # H1 0.5 ≥ 181/365 normal; H2/V1 310/3650 behind; H2/V2 0 zero; H3 1.1 over
    counts = [city[f"status_{s}_share_num"] for s in ("zero", "behind", "normal", "over")]
    assert counts == [1, 1, 1, 1] and city["status_zero_share_den"] == 4
    assert city["status_over_share"] == pytest.approx(0.25)
    jan = row(result, "city", "411300", "2025-01")
    # H2 exactly on schedule (310/3650 = 31/365) is normal; H3 zero; B2 not yet started
    counts = [jan[f"status_{s}_share_num"] for s in ("zero", "behind", "normal", "over")]
    assert counts == [1, 0, 2, 0] and jan["status_zero_share_den"] == 3
    mar = [r for r in result.figures["cycles"].to_pylist()
           if r["scope"] == "institution" and r["code"] == "H3" and r["period"] == "2025-03"
           and r["variety_code"] == "V1"]
    assert [(r["completion"], r["status"]) for r in mar] == [(1.0, "normal")]  # exactly 1
    h1 = [r for r in result.figures["cycles"].to_pylist()
          if r["scope"] == "institution" and r["code"] == "H1" and r["period"] == "2025"
          and r["variety_code"] == "V1"]
    assert [(r["status"], r["exemption"], r["excluded_units"]) for r in h1] == [
        ("normal", "supply_problem", 300)]


def test_payment_figures(result: MonitorResult) -> None:
    h2 = row(result, "institution", "H2", "2025")
    assert (h2["payment_on_time_rate_num"], h2["payment_on_time_rate_den"]) == (0, 1)
    assert h2["overdue_amount"] == pytest.approx(310.0) and h2["payment_days"] == 44.0
    county = row(result, "county", "411302", "2025")
    assert county["payment_on_time_rate"] == 1.0
    assert county["payment_days"] == pytest.approx((57 + 56 + 40) / 3)
    # L1 is due on 31 March: March's, not February's
    assert row(result, "institution", "H1", "2025-03")["payment_on_time_rate_den"] == 1
    assert row(result, "institution", "H1", "2025-02")["payment_on_time_rate"] is None


def test_rankings_ties_broken_by_code(result: MonitorResult) -> None:
    rk = [r for r in result.figures["rankings"].to_pylist() if r["period"] == "2025"]

    def ranking(rid: str) -> list[tuple[int, str, float | None]]:
        return [(r["rank"], r["code"], r["value"]) for r in rk if r["ranking"] == rid]

    # H1 1/1 and H3 2/2 tie at 100 %: H1 first by code although H3 has more lines
    assert ranking("payment_institutions") == [(1, "H1", 1.0), (2, "H3", 1.0), (3, "H2", 0.0)]
    assert ranking("ganzhou_completed") == [(1, "H3", 1.0)]
    assert ranking("ganzhou_not_completed") == [(1, "H2", 1.0), (2, "H1", 500 / 950)]
    gap = [(r["rank"], r["scope"], r["code"]) for r in rk if r["ranking"] == "regions_gap"]
    assert gap == [(1, "city", "411300"), (1, "county", "411302"), (2, "county", "411303")]


def test_alert_counts(result: MonitorResult) -> None:
    # P1: H2/V1 310/3650 and H2/V2 0 are behind schedule; nothing else fires
    assert result.alerts.num_rows == 2
    counts = {(r["scope"], r["code"]): r["alerts"] for r in result.figures["alerts"].to_pylist()}
    assert counts == {("institution", "H2"): 2, ("county", "411303"): 2,
                      ("city", "411300"): 2, ("province", "410000"): 2}
    assert row(result, "institution", "H2", "2025")["alerts"] == 2
    assert row(result, "institution", "H1", "2025")["alerts"] == 0
    assert row(result, "institution", "H1", "2025-06")["alerts"] is None


def test_variety_and_company_rows(result: MonitorResult) -> None:
    v1 = row(result, "variety", "V1", "2025", region_code="411302")
    assert (v1["completion_num"], v1["completion_den"]) == (610, 1100)
    assert v1["name"] == "阿托伐他汀钙片"
    ds = [r for r in result.figures["figures"].to_pylist()
          if r["scope"] == "company" and r["period"] == "2025Q1" and r["role"] == "distributor"]
    assert len(ds) == 1 and ds[0]["name"] == "丙医药配送有限公司"
    # Q1 on-platform lines judged for 48 h: L1, L2, L4, M1, N1, N2; answered in time: L1
    assert (ds[0]["response_48h_rate_num"], ds[0]["response_48h_rate_den"]) == (1, 6)


def test_columns_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "figures-files.md").read_text(
        encoding="utf-8")
    for c in COLUMNS:
        assert f"| `{c.id}` |" in doc, c.id
    names = [n for n, _z, _t in physical_columns()]
    assert len(names) == len(set(names))


def test_files_written(result: MonitorResult, tmp_path: Path) -> None:
    written = write_outputs(result, tmp_path / "out")
    for name in ("figures", "cycles", "alerts", "rankings"):
        path = tmp_path / "out" / "figures" / f"{name}.parquet"
        assert path in written
        assert pq.read_table(path).equals(result.figures[name])
    import json

    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["figures_files"] == [f"figures/{n}.parquet" for n in
                                    ("figures", "cycles", "alerts", "rankings")]
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "out" / "monitor.xlsx", read_only=True)
    ws = wb["指标（本年累计）"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:4] == ["层级", "编码", "名称", "所属区划"]
    assert "约定采购量完成率" in head and "非中选产品采购量占比" in head
    county = next(r for r in rows if r[1] == "411302")
    assert county[head.index("约定采购量完成率")] == pytest.approx(610 / 1100)
    assert "排名" in wb.sheetnames
    wb.close()
    wb = openpyxl.load_workbook(tmp_path / "out" / "monitor.xlsx")
    cell = wb["指标（本年累计）"].cell(row=2, column=head.index("约定采购量完成率") + 1)
    assert cell.number_format == "0.0%"


def test_alerts_and_progress_files_unchanged_by_the_figures(
        result: MonitorResult, tmp_path: Path) -> None:
    bare = MonitorResult(result.as_of, result.profile, result.alerts, result.progress,
                         result.prepayment, result.assessment, result.rules, result.snapshot,
                         result.engine)
    write_outputs(result, tmp_path / "with", xlsx=False)
    write_outputs(bare, tmp_path / "without", xlsx=False)
    for name in ("alerts.csv", "progress.csv", "alerts.parquet", "progress.parquet"):
        assert (tmp_path / "with" / name).read_bytes() == \
            (tmp_path / "without" / name).read_bytes(), name
    assert not (tmp_path / "without" / "figures").exists()
    assert isinstance(result.figures["figures"], pa.Table)
