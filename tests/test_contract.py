"""Bad input is refused whole, with every problem named; good input in any format passes."""

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from builders import base_tables, order, write
from jicai.contract.readers import discover
from jicai.contract.validate import stage
from jicai.errors import ContractError
from jicai.warehouse.store import Warehouse


def _problems(folder: Path) -> list[tuple[str, int | None, str | None, str | None, str]]:
    with pytest.raises(ContractError) as err:
        Warehouse(folder.parent / "home").import_folder(folder)
    return [(p.file, p.row, p.column, p.value, p.code) for p in err.value.problems]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    t = base_tables()
    t["orders"] = [
        order("H1", "PW", "2025-01-05 10:00", 2, order_line_id="A"),
        order("H9", "PW", "2025-13-05 10:00", -1, price="3.55555", order_line_id="B"),
        order("H1", "PW", "2025-01-05 10:00", 3, amount="99", order_line_id="A"),
    ]
    t["products"][0]["units_per_pack"] = 0
    got = _problems(write(t, tmp_path / "data"))
    assert ("products.csv", 2, "units_per_pack", "0", "range") in got
    assert ("orders.csv", 3, "institution_code", "H9", "reference") in got
    assert ("orders.csv", 3, "ordered_at", "2025-13-05 10:00", "type") in got
    assert ("orders.csv", 3, "qty_packs", "-1", "range") in got
    assert ("orders.csv", 3, "unit_price", "3.55555", "type") in got
    assert ("orders.csv", 4, "order_line_id", "A", "duplicate_key") in got
    assert ("orders.csv", 4, "amount", "99.0000", "row_rule") in got
    assert len(got) == 7
    assert not (tmp_path / "home" / "CURRENT").exists()


def test_messages_are_in_chinese_and_english(tmp_path: Path) -> None:
    t = base_tables()
    t["batches"][0]["start_date"] = "2025/02/30"
    with pytest.raises(ContractError) as err:
        Warehouse(tmp_path / "home").import_folder(write(t, tmp_path / "d"))
    p = err.value.problems[0]
    assert p.zh() == "batches.csv，第 2 行，列 start_date，值「2025/02/30」：应为日期 YYYY-MM-DD"
    assert p.en() == ("batches.csv, row 2, column start_date, value '2025/02/30': "
                      "expected a date YYYY-MM-DD")
    assert "未导入任何数据" in err.value.zh and "nothing was imported" in err.value.en


def test_missing_required_column_is_one_problem_per_column(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "companies.csv").write_text("企业名称,企业类型\n甲,manufacturer\n", encoding="utf-8")
    got = _problems(d)
    assert got == [("companies.csv", 1, "company_code", None, "missing_column")]


def test_chinese_headers_labels_bom_and_extra_columns(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "regions.csv").write_text(
        "\ufeff区划代码 , 名称,上级区划代码,级别,备注\n410000,河南省,,省,x\n411300,南阳市,410000,市,y\n",
        encoding="utf-8")
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    rows = w.read("regions").to_pylist()
    assert [r["level"] for r in rows] == ["province", "city"]
    assert w.manifest()["tables"]["regions"]["imports"][0]["extra_columns"] == ["备注"]


def test_xlsx_with_excel_dates_and_float_integers(tmp_path: Path) -> None:
    import datetime as dt

    d = tmp_path / "d"
    d.mkdir()
    wb = xlsxwriter.Workbook(str(d / "batches.xlsx"))
    ws = wb.add_worksheet()
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["批次编码", "采购年度", "批次名称", "组织层级", "类别", "执行开始日期", "执行结束日期"])
    ws.write_row(1, 0, ["B1", 1.0, "第十批", "国家", "药品"])
    ws.write_datetime(1, 5, dt.datetime(2025, 1, 1), datefmt)
    ws.write_datetime(1, 6, dt.datetime(2025, 12, 31), datefmt)
    # row 3 left blank on purpose; row 4 is bad and must be reported as row 4
    ws.write_row(3, 0, ["B2", 1.5, "x", "国家", "药品", "2025-01-01", "2024-01-01"])
    wb.close()
    got = _problems(d)
    assert ("batches.xlsx", 4, "cycle_no", "1.5", "type") in got
    assert ("batches.xlsx", 4, "end_date", "2024-01-01", "row_rule") in got


def test_typed_parquet_is_accepted(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    t = pa.table({"company_code": ["91410000MA0000001A"], "name": ["甲"],
                  "role": ["manufacturer"]})
    pq.write_table(t, d / "companies.parquet")
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    assert w.read("companies").num_rows == 1


def test_two_files_for_one_table_is_a_problem(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "regions.csv").write_text("region_code\n", encoding="utf-8")
    (d / "行政区划.csv").write_text("region_code\n", encoding="utf-8")
    _sources, problems, _ignored = discover(d)
    assert [p.code for p in problems] == ["duplicate_file"]


def test_unknown_enum_value(tmp_path: Path) -> None:
    t = {"companies": [{"company_code": "91410000MA0000001A", "name": "甲", "role": "broker"}]}
    d = write(t, tmp_path / "d")
    sources, _p, _i = discover(d)
    _staged, problems, _n = stage(duckdb.connect(), sources)
    assert [(p.column, p.value, p.code) for p in problems] == [("role", "broker", "type")]
    assert "manufacturer" in problems[0].expected_zh


# The import checks rows while writing and keys and references afterwards; whichever of
# them trips, the problems are then named by the full path, and nothing is stored.


def test_a_duplicate_key_alone_is_named(tmp_path: Path) -> None:
    t = base_tables()
    t["orders"] = [order("H1", "PW", "2025-01-05 10:00", 2, order_line_id="A"),
                   order("H1", "PW", "2025-01-06 10:00", 2, order_line_id="B"),
                   order("H1", "PW", "2025-01-07 10:00", 2, order_line_id="A")]
    assert _problems(write(t, tmp_path / "d")) == [
        ("orders.csv", 4, "order_line_id", "A", "duplicate_key")]
    assert not (tmp_path / "home" / "CURRENT").exists()


def test_a_duplicate_composite_key_alone_is_named(tmp_path: Path) -> None:
    t = base_tables()
    t["agreed_volumes"].append(dict(t["agreed_volumes"][0]))
    got = _problems(write(t, tmp_path / "d"))
    assert [(f, c) for f, _r, c, _v, c2 in got if c2 == "duplicate_key"] == [
        ("agreed_volumes.csv", "batch_code+cycle_no+institution_code+variety_code+company_code")]
    assert len(got) == 1


def test_a_reference_to_the_warehouse_alone_is_named(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write(base_tables(), tmp_path / "d1"))
    snapshot = w.current_id
    later = {"orders": [order("H1", "PW", "2025-02-05 10:00", 2, order_line_id="N1"),
                        order("H1", "PX", "2025-02-06 10:00", 2, order_line_id="N2")]}
    with pytest.raises(ContractError) as err:
        w.import_folder(write(later, tmp_path / "d2"))
    assert [(p.file, p.row, p.column, p.value, p.code) for p in err.value.problems] == [
        ("orders.csv", 3, "product_code", "PX", "reference")]
    assert w.current_id == snapshot


def test_a_ragged_csv_row_is_named_as_unreadable(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    good = "".join(f"91410000MA000000{i}A,甲{i},manufacturer\n" for i in range(1, 4))
    (d / "companies.csv").write_text(
        "company_code,name,role\n" + good + "91410000MA0000009A,乙,manufacturer,extra\n",
        encoding="utf-8")
    got = _problems(d)
    assert [(f, c) for f, _r, _c, _v, c in got] == [("companies.csv", "unreadable")]
