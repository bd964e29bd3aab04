"""Every valid file is accepted, and gives the same warehouse rows whatever its form.

One small province with a row or more in every contract table is written as CSV
(UTF-8, UTF-8 with a BOM, GB18030), as XLSX (typed cells, text cells, formula cells
whose cached values carry binary noise, Excel date cells), as Parquet and as a
Parquet folder, with English and with Chinese headers (and Chinese file names and
enum labels); imported as one folder and table by table, and monitored from the
data folder. Every way must store exactly the rows the plain UTF-8 CSV stores, and
those rows are checked against values written out by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from click.testing import CliRunner

from builders import DS, M1, M2
from jicai.cli import main
from jicai.contract.readers import discover
from jicai.contract.schemas import TABLES, Column, Kind
from jicai.errors import ContractError
from jicai.warehouse.store import Warehouse

D = dt.date
T = dt.datetime
M = Decimal


def _product(code: str, variety: str, company: str, name: str = "阿托伐他汀钙片",
             category: str = "drug", units: int = 10, qe: bool = False) -> dict[str, Any]:
    return {"product_code": code, "generic_name": name, "variety_code": variety,
            "category": category, "dosage_form": "片剂" if category == "drug" else None,
            "spec": "20mg", "pack": "10片/盒", "units_per_pack": units, "company_code": company,
            "quality_equivalent": qe, "is_negotiated": False, "is_hk_macau": False}


def province() -> dict[str, list[dict[str, Any]]]:
    """A row or more in every table, with values each format must keep exactly."""
    return {
        "regions": [
            {"region_code": "410000", "name": "河南省", "parent_code": None, "level": "province"},
            {"region_code": "411300", "name": "南阳市", "parent_code": "410000", "level": "city"},
            {"region_code": "411302", "name": "宛城区", "parent_code": "411300", "level": "county"},
        ],
        "institutions": [
            {"institution_code": "H41130200017", "name": "宛城区人民医院", "region_code": "411302",
             "kind": "public_hospital", "grade": 2, "consortium_code": None},
            {"institution_code": "H2", "name": "宛城区某乡镇卫生院", "region_code": "411302",
             "kind": "primary_care", "grade": 0, "consortium_code": "H41130200017"},
        ],
        "companies": [
            {"company_code": M1, "name": "甲制药有限公司", "role": "manufacturer"},
            {"company_code": M2, "name": "乙制药有限公司", "role": "both"},
            {"company_code": DS, "name": "丙医药配送有限公司", "role": "distributor"},
        ],
        "products": [
            _product("PW", "V1", M1),
            _product("PN", "V1", M2, qe=True),
            _product("CW", "V2", M1, "冠脉支架", "hv_consumable", 1),
        ],
        "listing_prices": [
            {"product_code": "PW", "effective_date": D(2025, 1, 1), "price": M("3.3000"),
             "status": "listed", "price_cap": None},
            {"product_code": "PN", "effective_date": D(2025, 1, 1), "price": M("8049.7200"),
             "status": "suspended", "price_cap": M("8100.0000")},
        ],
        "batches": [
            {"batch_code": "B1", "cycle_no": 1, "name": "第十批国家集采", "level": "national",
             "category": "drug", "start_date": D(2025, 1, 1), "end_date": D(2025, 12, 31)},
        ],
        "awards": [
            {"batch_code": "B1", "product_code": "PW", "role": "winning",
             "award_price": M("3.3000")},
        ],
        "agreed_volumes": [
            {"batch_code": "B1", "cycle_no": 1, "institution_code": "H41130200017",
             "variety_code": "V1", "company_code": M1, "agreed_units": 1000},
        ],
        "demand_filings": [
            {"batch_code": "B1", "cycle_no": 1, "institution_code": "H41130200017",
             "variety_code": "V1", "reported_units": 1200, "filed_at": T(2024, 11, 30, 9, 30),
             "explanation": "含医共体成员"},
        ],
        "historical_volumes": [
            {"institution_code": "H41130200017", "variety_code": "V1", "year": 2024,
             "units": 1100},
        ],
        "agreements": [
            {"batch_code": "B1", "cycle_no": 1, "institution_code": "H41130200017",
             "company_code": M1, "distributor_code": DS, "signed_at": D(2025, 1, 10)},
        ],
        "exemptions": [
            {"institution_code": None, "variety_code": "V1", "start_date": D(2025, 6, 1),
             "end_date": D(2025, 6, 30), "kind": "supply_problem"},
        ],
        "orders": [
            {"order_line_id": "O1", "institution_code": "H41130200017", "product_code": "PW",
             "distributor_code": DS, "ordered_at": T(2025, 1, 5, 9, 0), "qty_packs": 3,
             "unit_price": M("3.3000"), "amount": M("9.9000"), "on_platform": True,
             "status": "ordered", "responded_at": T(2025, 1, 5, 15, 20, 5),
             "delivered_packs": 3, "delivered_at": T(2025, 1, 6, 10, 0),
             "received_at": T(2025, 1, 6, 16, 45)},
            {"order_line_id": "O2", "institution_code": "H2", "product_code": "PN",
             "distributor_code": None, "ordered_at": T(2025, 2, 10, 14, 0), "qty_packs": 1,
             "unit_price": M("8049.7200"), "amount": None, "on_platform": False,
             "status": "cancelled", "responded_at": None, "delivered_packs": None,
             "delivered_at": None, "received_at": None},
        ],
        "payments": [
            {"payment_id": "P1", "order_line_id": "O1", "amount": M("9.9000"),
             "paid_at": D(2025, 2, 20), "channel": "fund_direct"},
        ],
        "filings": [
            {"filing_id": "F1", "institution_code": "H2", "product_code": None,
             "product_name": "某进口耗材", "category": "consumable", "qty": 2.5,
             "amount": M("33.3000"), "purchased_at": D(2025, 2, 1), "filed_at": D(2025, 2, 3),
             "is_negotiated": False, "is_hk_macau": True, "reason": "临床急需"},
        ],
        "tickets": [
            {"ticket_id": "T1", "institution_code": "H41130200017", "product_code": "PW",
             "company_code": M1, "reported_at": T(2025, 3, 3, 8, 0),
             "replied_at": T(2025, 3, 3, 17, 30), "committed_by": D(2025, 3, 10),
             "resolved_at": None},
        ],
        "substitutes": [
            {"variety_code": "V1", "product_code": "CW", "note": "指南推荐"},
        ],
        "trace_scans": [
            {"scan_id": "S1", "trace_code": "00812345678901234567",
             "institution_code": "H41130200017", "product_code": "PW", "event": "receive",
             "scanned_at": T(2025, 1, 6, 16, 50), "split": False, "order_line_id": "O1"},
            {"scan_id": "S2", "trace_code": "00812345678901234567",
             "institution_code": "H41130200017", "product_code": "PW", "event": "dispense",
             "scanned_at": T(2025, 2, 1, 0, 0), "split": True, "order_line_id": None},
        ],
        "prescriptions": [
            {"prescription_line_id": "R1", "institution_code": "H41130200017",
             "department": "心内科", "doctor_code": "D0001", "product_code": "PW",
             "prescribed_at": T(2025, 2, 1, 9, 40), "units": 7},
        ],
    }


# --- writing one table in one form ------------------------------------------------------


def _label(col: Column, value: Any, chinese: bool) -> Any:
    """An enum value as its first Chinese label, a flag as 是/否 (Chinese files only)."""
    if not chinese:
        return value
    if col.kind is Kind.ENUM:
        return next((a for a, v in col.enum_aliases if v == value), value)
    if col.kind is Kind.BOOL and value is not None:
        return "是" if value else "否"
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _header(col: Column, chinese: bool) -> str:
    return col.zh if chinese else col.name


def _csv(path: Path, name: str, rows: list[dict[str, Any]], chinese: bool,
         encoding: str) -> list[Path]:
    cols = TABLES[name].columns
    out = path.with_suffix(".csv")
    with out.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([_header(c, chinese) for c in cols])
        for r in rows:
            w.writerow([_text(_label(c, r[c.name], chinese)) for c in cols])
    return [out]


def _noisy(x: float) -> float:
    """The next float above x: what a formula leaves in the cell (3.3000000000000003)."""
    import math

    return math.nextafter(x, math.inf)


def _xlsx(path: Path, name: str, rows: list[dict[str, Any]], chinese: bool,
          style: str) -> list[Path]:
    """style: typed (numbers, Excel dates), text (every cell a string), formula (every
    number a formula whose cached value carries binary noise)."""
    cols = TABLES[name].columns
    out = path.with_suffix(".xlsx")
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False,
                                        "strings_to_formulas": False})
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, [_header(c, chinese) for c in cols])
    for i, r in enumerate(rows, start=1):
        for j, c in enumerate(cols):
            v = _label(c, r[c.name], chinese)
            if v is None:
                continue
            if style == "text" or (isinstance(v, str) and not _number_like(v)):
                ws.write_string(i, j, _text(v))
            elif isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(i, j, v, time_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                # Numbers, and codes of digits only (410000) as a clerk types them.
                x = float(v)
                if style == "formula":
                    ws.write_formula(i, j, f"={_text(v)}*1", None, _noisy(x))
                else:
                    ws.write_number(i, j, x)
    wb.close()
    return [out]


def _number_like(code: str) -> bool:
    """A code that Excel would keep as a number when typed (410000, not 0081…)."""
    return code.isdigit() and not code.startswith("0") and len(code) <= 15


def _arrow(name: str, rows: list[dict[str, Any]], chinese: bool) -> pa.Table:
    t = TABLES[name]
    schema = t.arrow_schema()
    table = pa.Table.from_pylist(rows, schema=pa.schema([f.with_nullable(True) for f in schema]))
    if chinese:
        table = table.rename_columns([c.zh for c in t.columns])
    return table


def _parquet(path: Path, name: str, rows: list[dict[str, Any]], chinese: bool) -> list[Path]:
    out = path.with_suffix(".parquet")
    pq.write_table(_arrow(name, rows, chinese), out)
    return [out]


def _parquet_folder(path: Path, name: str, rows: list[dict[str, Any]], chinese: bool
                    ) -> list[Path]:
    path.mkdir()
    table = _arrow(name, rows, chinese)
    half = (table.num_rows + 1) // 2
    pq.write_table(table.slice(0, half), path / "part-0.parquet")
    if table.num_rows > half:
        pq.write_table(table.slice(half), path / "part-1.parquet")
    return [path]


Writer = Callable[[Path, str, list[dict[str, Any]], bool], list[Path]]
FORMS: dict[str, Writer] = {
    "csv-utf8": lambda p, n, r, zh: _csv(p, n, r, zh, "utf-8"),
    "csv-utf8-bom": lambda p, n, r, zh: _csv(p, n, r, zh, "utf-8-sig"),
    "csv-gb18030": lambda p, n, r, zh: _csv(p, n, r, zh, "gb18030"),
    "xlsx-typed": lambda p, n, r, zh: _xlsx(p, n, r, zh, "typed"),
    "xlsx-text": lambda p, n, r, zh: _xlsx(p, n, r, zh, "text"),
    "xlsx-formula": lambda p, n, r, zh: _xlsx(p, n, r, zh, "formula"),
    "parquet": _parquet,
    "parquet-folder": _parquet_folder,
}


def write_folder(folder: Path, form: str, chinese: bool,
                 tables: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or province()).items():
        stem = TABLES[name].zh if chinese else name
        FORMS[form](folder / stem, name, rows, chinese)
    return folder


def stored(w: Warehouse) -> dict[str, list[dict[str, Any]]]:
    return {t: sorted(w.read(t).to_pylist(), key=repr) for t in w.tables()}


# --- the reference, checked by hand ------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    base = tmp_path_factory.mktemp("reference")
    w = Warehouse(base / "home")
    w.import_folder(write_folder(base / "d", "csv-utf8", chinese=False))
    return stored(w)


def test_the_reference_holds_the_values_written(
        reference: dict[str, list[dict[str, Any]]]) -> None:
    assert set(reference) == set(TABLES)
    expected = province()
    for name, rows in expected.items():
        want = sorted(({k: (v if v is not None or TABLES[name].column(k).default is None
                            else TABLES[name].column(k).default) for k, v in r.items()}
                       for r in rows), key=repr)
        if name == "orders":  # the contract fills an empty amount with qty × price
            for r in want:
                r["amount"] = r["amount"] or r["qty_packs"] * r["unit_price"]
        assert reference[name] == want, name
    assert reference["trace_scans"][0]["trace_code"] == "00812345678901234567"
    assert [r["amount"] for r in reference["orders"]] == [M("9.9000"), M("8049.7200")]


# --- one folder, every form ----------------------------------------------------------------


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh"])
@pytest.mark.parametrize("form", list(FORMS))
def test_one_folder_in_every_form(tmp_path: Path, form: str, chinese: bool,
                                  reference: dict[str, list[dict[str, Any]]]) -> None:
    data = write_folder(tmp_path / "d", form, chinese)
    w = Warehouse(tmp_path / "home")
    result = w.import_folder(data)
    assert not result.ignored
    assert stored(w) == reference
    if form.startswith("csv"):
        want = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-gb18030": "gb18030"}
        sources, _p, _i = discover(data)
        # A file of plain ASCII reads the same in every encoding: it is UTF-8.
        assert {s.encoding for s in sources if not s.path.read_bytes().isascii()} \
            == {want[form]}
        assert {s.encoding for s in sources if s.path.read_bytes().isascii()} <= {"utf-8"}


# --- table by table (one import per file, referenced tables first) --------------------------

_BY_TABLE = [("csv-gb18030", True), ("xlsx-typed", True), ("xlsx-formula", False),
             ("parquet-folder", False)]


@pytest.mark.parametrize(("form", "chinese"), _BY_TABLE,
                         ids=[f"{f}-{'zh' if z else 'en'}" for f, z in _BY_TABLE])
def test_table_by_table(tmp_path: Path, form: str, chinese: bool,
                        reference: dict[str, list[dict[str, Any]]]) -> None:
    w = Warehouse(tmp_path / "home")
    for name, rows in province().items():
        folder = tmp_path / name
        write_folder(folder, form, chinese, {name: rows})
        result = w.import_folder(folder)
        assert [t.status for t in result.tables] == ["imported"], name
    assert stored(w) == reference


# --- a mixed folder: one table per form, as bureaus hand them over --------------------------


def write_mixed(data: Path) -> Path:
    """Each table in the next form, every other one with Chinese names and labels."""
    forms = list(FORMS)
    data.mkdir(parents=True)
    for i, (name, rows) in enumerate(province().items()):
        chinese = i % 2 == 1
        stem = TABLES[name].zh if chinese else name
        FORMS[forms[i % len(forms)]](data / stem, name, rows, chinese)
    return data


def test_a_folder_mixing_every_form(tmp_path: Path,
                                    reference: dict[str, list[dict[str, Any]]]) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write_mixed(tmp_path / "d"))
    assert stored(w) == reference


# --- jicai import and jicai monitor DATA_DIR -----------------------------------------------


def test_jicai_import_command(tmp_path: Path,
                              reference: dict[str, list[dict[str, Any]]]) -> None:
    data = write_folder(tmp_path / "d", "xlsx-formula", chinese=True)
    res = CliRunner().invoke(main, ["import", str(data), "--home", str(tmp_path / "home")])
    assert res.exit_code == 0, res.output
    assert stored(Warehouse(tmp_path / "home")) == reference


def _monitor(data: Path, out: Path) -> dict[str, bytes]:
    res = CliRunner().invoke(main, ["monitor", str(data), "--as-of", "2025-06-30",
                                    "--profile", "national", "--out", str(out), "--no-xlsx",
                                    "--problems", str(out.parent / "problems.csv")])
    assert res.exit_code == 0, res.output
    return {f: (out / f).read_bytes() for f in ("alerts.csv", "progress.csv")}


def test_jicai_monitor_data_dir(tmp_path: Path) -> None:
    ref = _monitor(write_folder(tmp_path / "ref", "csv-utf8", chinese=False), tmp_path / "o1")
    assert ref["progress.csv"].count(b"\n") == 2  # the header and B1/1/H41130200017/V1
    assert _monitor(write_mixed(tmp_path / "d"), tmp_path / "o2") == ref


def test_a_workbook_whose_table_starts_below_and_right_of_a1(tmp_path: Path) -> None:
    """Blank rows above the header and blank columns left of it are not the table; rows
    are still named as the sheet numbers them."""
    d = tmp_path / "d"
    d.mkdir()
    wb = xlsxwriter.Workbook(str(d / "companies.xlsx"))
    ws = wb.add_worksheet()
    ws.write_row(2, 1, ["企业编码", "企业名称", "企业类型"])
    ws.write_row(3, 1, [M1, "甲制药有限公司", "生产企业"])
    ws.write_row(5, 1, [M2, "乙制药有限公司", "代理商"])  # row 6 as the sheet shows it
    wb.close()
    with pytest.raises(ContractError) as err:
        Warehouse(tmp_path / "home").import_folder(d)
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(6, "role", "代理商")]


def test_formula_noise_is_read_as_the_number_excel_shows(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write_folder(d, "csv-utf8", chinese=False,
                 tables={k: v for k, v in province().items() if k not in (
                     "orders", "payments", "trace_scans")})
    wb = xlsxwriter.Workbook(str(d / "orders.xlsx"))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["order_line_id", "institution_code", "product_code", "ordered_at",
                        "qty_packs", "unit_price", "amount"])
    cells = [("O1", 2.9999999999, 3.3000000000000003, 9.899999999999999),
             ("O2", 1.0000000000000002, 8049.719999999999, 8049.719999999999)]
    for i, (line, qty, price, amount) in enumerate(cells, start=1):
        ws.write_row(i, 0, [line, "H2", "PW", "2025-01-05 09:00:00"])
        ws.write_formula(i, 4, "=3", None, qty)
        ws.write_formula(i, 5, "=1.1*3", None, price)
        ws.write_formula(i, 6, f"=E{i + 1}*F{i + 1}", None, amount)
    wb.close()
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    got = sorted((r["order_line_id"], r["qty_packs"], r["unit_price"], r["amount"])
                 for r in w.read("orders").to_pylist())
    assert got == [("O1", 3, M("3.3000"), M("9.9000")),
                   ("O2", 1, M("8049.7200"), M("8049.7200"))]
