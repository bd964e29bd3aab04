"""Nothing stored wrong, no crash: malformed input of every format is refused, named.

Each case here was accepted silently, crashed with a traceback, or hung before.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from click.testing import CliRunner

from builders import M1, base_tables, order, write
from jicai.cli import main
from jicai.contract.limits import MAX_COLUMNS
from jicai.contract.workbooks import measure
from jicai.errors import ContractError
from jicai.warehouse.store import Warehouse

Found = list[tuple[str, int | None, str | None, str | None, str]]


def _problems(folder: Path) -> Found:
    with pytest.raises(ContractError) as err:
        Warehouse(folder.parent / "home").import_folder(folder)
    assert not (folder.parent / "home" / "CURRENT").exists()
    return [(p.file, p.row, p.column, p.value, p.code) for p in err.value.problems]


def _reference(tmp: Path) -> Path:
    """A folder with the tables orders refer to."""
    t = base_tables()
    return write(t, tmp)


_ORDER_HEADER = ["order_line_id", "institution_code", "product_code", "ordered_at",
                 "qty_packs", "unit_price"]
_ORDER_ROW = ["A1", "H1", "PW", "2025-01-05 10:00:00", "2", "10.00"]


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, header)
    for i, r in enumerate(rows, start=1):
        ws.write_row(i, 0, r)
    wb.close()
    return path


# --- duplicate headers, in every format ------------------------------------------------------

_DUPLICATES = {
    "same name": (["status", "status"], ["ordered", "cancelled"]),
    "same name, other case": (["status", "Status"], ["ordered", "cancelled"]),
    "two names of one column": (["status", "订单状态"], ["ordered", "已撤销"]),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
@pytest.mark.parametrize("case", list(_DUPLICATES))
def test_a_duplicate_header_is_refused(tmp_path: Path, fmt: str, case: str) -> None:
    d = _reference(tmp_path / "d")
    extra, values = _DUPLICATES[case]
    header = [*_ORDER_HEADER, *extra]
    row = [*_ORDER_ROW, *values]
    if fmt == "csv":
        (d / "orders.csv").write_text(",".join(header) + "\n" + ",".join(row) + "\n",
                                      encoding="utf-8")
    elif fmt == "xlsx":
        _xlsx(d / "orders.xlsx", header, [row])
    else:
        arrays = [pa.array([v]) for v in row]
        pq.write_table(pa.Table.from_arrays(arrays, names=header), d / "orders.parquet")
    got = _problems(d)
    assert [(f, r, c) for f, r, c, _v, code in got if code == "duplicate_column"] == [
        (f"orders.{fmt}", 1, extra[1] if case == "two names of one column" else extra[0])]
    assert len(got) == 1


# --- time zones ------------------------------------------------------------------------------


def test_zoned_parquet_times_are_read_in_beijing_time(tmp_path: Path) -> None:
    d = _reference(tmp_path / "d")
    utc = pa.array([dt.datetime(2025, 1, 5, 1, 0)], pa.timestamp("us", tz="UTC"))
    shanghai = pa.array([dt.datetime(2025, 1, 5, 1, 0)], pa.timestamp("us", tz="UTC")) \
        .cast(pa.timestamp("us", tz="Asia/Shanghai"))  # the same instant: 09:00+08:00
    naive = pa.array([dt.datetime(2025, 1, 5, 9, 0)], pa.timestamp("us"))
    for i, (ts, ordered) in enumerate([(utc, "Z"), (shanghai, "S"), (naive, "N")]):
        folder = tmp_path / f"o{i}"
        folder.mkdir()
        pq.write_table(pa.table({
            "order_line_id": [ordered], "institution_code": ["H1"], "product_code": ["PW"],
            "ordered_at": ts, "qty_packs": [1], "unit_price": [10.0],
            # 16:00 UTC on 19 February is the 20th in Beijing
            "received_at": pa.array([dt.datetime(2025, 2, 19, 16, 0)],
                                    pa.timestamp("us", tz="UTC")),
        }), folder / "orders.parquet")
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    for i in range(3):
        w.import_folder(tmp_path / f"o{i}")
    rows = {r["order_line_id"]: r for r in w.read("orders").to_pylist()}
    assert {k: r["ordered_at"] for k, r in rows.items()} == {
        k: dt.datetime(2025, 1, 5, 9, 0) for k in "ZSN"}
    assert rows["Z"]["received_at"] == dt.datetime(2025, 2, 20, 0, 0)


def test_a_zoned_parquet_date_is_the_beijing_day(tmp_path: Path) -> None:
    d = _reference(tmp_path / "d")
    write({"orders": [order("H1", "PW", "2025-01-05 10:00", 1, order_line_id="O1")]}, d)
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    p = tmp_path / "p"
    p.mkdir()
    pq.write_table(pa.table({
        "payment_id": ["P1"], "order_line_id": ["O1"], "amount": [10.0],
        "paid_at": pa.array([dt.datetime(2025, 2, 19, 16, 0)], pa.timestamp("us", tz="UTC")),
        "channel": ["hospital"]}), p / "payments.parquet")
    w.import_folder(p)
    assert w.read("payments").column("paid_at").to_pylist() == [dt.date(2025, 2, 20)]


# --- NaN, infinities and overflow in every number column --------------------------------------

_NUMBER_COLUMNS = {"orders": ("qty_packs", "unit_price", "amount", "delivered_packs"),
                   "filings": ("qty", "amount")}


def _filings_row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "filing_id": "F1", "institution_code": "H1", "product_code": None,
        "product_name": "某药", "category": "drug", "qty": 2.0, "amount": 20.0,
        "purchased_at": "2025-02-01", "filed_at": "2025-02-03"}
    row.update(kw)
    return row


def _orders_row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = dict(zip(_ORDER_HEADER, _ORDER_ROW, strict=True))
    row.update(qty_packs=2.0, unit_price=10.0, amount=20.0, delivered_packs=2.0)
    row.update(kw)
    return row


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), 1e30],
                         ids=["nan", "inf", "-inf", "1e30"])
@pytest.mark.parametrize("table", list(_NUMBER_COLUMNS))
def test_parquet_doubles_that_are_not_numbers_are_refused(
        tmp_path: Path, table: str, bad: float) -> None:
    """Row n holds the bad value in the n-th number column; every one is named."""
    d = _reference(tmp_path / "d")
    make = _orders_row if table == "orders" else _filings_row
    key = "order_line_id" if table == "orders" else "filing_id"
    # 1e30 is a finite double: a quantity of any size is a number (filings.qty), but no
    # whole number or amount of money the warehouse keeps.
    columns = [c for c in _NUMBER_COLUMNS[table] if bad != 1e30 or c != "qty"]
    rows = [make(**{c: bad, key: f"K{i}"}) for i, c in enumerate(columns)]
    t = pa.Table.from_pylist(rows)
    for name in _NUMBER_COLUMNS[table]:  # every number column a double, as pandas writes it
        t = t.set_column(t.column_names.index(name), name, t[name].cast(pa.float64()))
    pq.write_table(t, d / f"{table}.parquet")
    want = "nan" if bad != bad else {float("inf"): "inf", float("-inf"): "-inf"}.get(bad, "1e+30")
    assert _problems(d) == [(f"{table}.parquet", i + 1, c, want, "type")
                            for i, c in enumerate(columns)]


@pytest.mark.parametrize("bad", ["NaN", "nan", "inf", "-Infinity", "1e400"])
def test_csv_text_that_is_not_a_number_is_refused(tmp_path: Path, bad: str) -> None:
    d = _reference(tmp_path / "d")
    write({"filings": [_filings_row(qty=bad)]}, d)
    assert _problems(d) == [("filings.csv", 2, "qty", bad, "type")]


def test_a_formula_error_cell_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    d = _reference(tmp_path / "d")
    wb = xlsxwriter.Workbook(str(d / "orders.xlsx"))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, [*_ORDER_HEADER, "amount"])
    ws.write_row(1, 0, _ORDER_ROW)
    ws.write_formula(1, 6, "=1/0", None, "#DIV/0!")  # amount may be empty: must not be
    wb.close()
    assert _problems(d) == [("orders.xlsx", 2, "amount", "#DIV/0!", "formula_error")]


def test_a_long_code_typed_as_a_number_is_refused(tmp_path: Path) -> None:
    d = _reference(tmp_path / "d")
    _xlsx(d / "trace_scans.xlsx",
          ["scan_id", "trace_code", "institution_code", "product_code", "event", "scanned_at"],
          [["S1", 81234567890123456789, "H1", "PW", "receive", "2025-01-06 16:50:00"],
           ["S2", "00812345678901234567", "H1", "PW", "receive", "2025-01-06 16:51:00"],
           ["S3", "00812345678901234568", "H1", "PW", "return", "2025-01-06 16:52:00"]])
    # The cell's problem is named with the file's other problems.
    assert _problems(d) == [
        ("trace_scans.xlsx", 2, "trace_code", "8.12345678901235e+19", "precision"),
        ("trace_scans.xlsx", 4, "event", "return", "type")]


# --- damaged files -------------------------------------------------------------------------


def _valid_xlsx(path: Path) -> bytes:
    _xlsx(path, ["company_code", "name", "role"], [[M1, "甲", "manufacturer"]] * 50)
    return path.read_bytes()


def _valid_parquet(path: Path) -> bytes:
    pq.write_table(pa.table({"company_code": [M1] * 50, "name": ["甲"] * 50,
                             "role": ["manufacturer"] * 50}), path)
    return path.read_bytes()


_DAMAGED = {
    "not a zip.xlsx": lambda p: b"company_code,name,role\n",
    "truncated.xlsx": lambda p: _valid_xlsx(p)[: len(_valid_xlsx(p)) // 2],
    "zip without a workbook.xlsx": lambda p: _zip_of({"hello.txt": b"hi"}),
    "truncated.parquet": lambda p: _valid_parquet(p)[:-100],
    "not parquet.parquet": lambda p: b"PAR1 but not really" * 10,
    "binary.csv": lambda p: bytes(range(256)) * 4,
    "latin-1.csv": lambda p: "company_code,name,role\nX,Café\xa0\xff,both\n".encode("latin-1"),
    "utf-16.csv": lambda p: "company_code\tname\trole\n".encode("utf-16"),
    # GB18030 for its first 5 MB (what the encoding is recognised by), then a bad byte
    "broken gb18030.csv": lambda p: ("企业编码,企业名称,企业类型\n"
                                     + f"{M1},甲制药,生产企业\n" * 120_000).encode("gb18030")
    + b"X,\xff\xff,both\n",
}


def _zip_of(members: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


@pytest.mark.parametrize("case", list(_DAMAGED))
def test_a_damaged_file_is_refused_as_unreadable(tmp_path: Path, case: str) -> None:
    d = tmp_path / "d"
    d.mkdir()
    suffix = case.rsplit(".", 1)[1]
    scratch = tmp_path / f"scratch.{suffix}"
    (d / f"companies.{suffix}").write_bytes(_DAMAGED[case](scratch))
    assert _problems(d) == [(f"companies.{suffix}", None, None, None, "unreadable")]
    res = CliRunner().invoke(main, ["import", str(d), "--home", str(tmp_path / "h2"),
                                    "--problems", str(tmp_path / "p.csv")])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert f"companies.{suffix}" in res.output


# --- far too wide, far too sparse ---------------------------------------------------------------


def test_a_million_column_csv_header_is_refused_at_once(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (d / "companies.csv").write_text(header + "\n" + "," * 999_999 + "\n", encoding="utf-8")
    assert _problems(d) == [("companies.csv", None, None, None, "too_wide")]


def test_a_too_wide_parquet_and_workbook_are_refused(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    names = [f"c{i}" for i in range(MAX_COLUMNS + 1)]
    pq.write_table(pa.table({n: ["x"] for n in names}), d / "companies.parquet")
    _xlsx(d / "regions.xlsx", names, [["x"] * len(names)])
    got = _problems(d)
    assert sorted(got, key=str) == [("companies.parquet", None, None, None, "too_wide"),
                                    ("regions.xlsx", None, None, None, "too_wide")]


_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
       'ContentType="application/xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
       'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
       'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
       '</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _crafted(path: Path, sheet_data: str, dimension: str = "A1") -> Path:
    """A workbook written by hand, XML and all, as an attacker (or a broken tool) would."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
             f"<sheetData>{sheet_data}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WB_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)
    return path


def _s(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_COMPANY = ('<row r="1">' + _s("A1", "company_code") + _s("B1", "name") + _s("C1", "role")
            + '</row><row r="2">' + _s("A2", M1) + _s("B2", "甲") + _s("C2", "manufacturer")
            + "</row>")


def test_a_lying_dimension_is_harmless(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    _crafted(d / "companies.xlsx", _COMPANY, dimension="A1:XFD1048576")
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    assert w.read("companies").num_rows == 1


def test_the_last_cell_of_a_sheet_is_far_too_wide(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    _crafted(d / "companies.xlsx", _COMPANY + '<row r="1048576"><c r="XFD1048576"><v>1</v>'
             "</c></row>")
    assert _problems(d) == [("companies.xlsx", None, None, None, "too_wide")]


@pytest.mark.parametrize(("far", "cells"), [
    ('<row r="1048576"><c r="Z1048576"><v>1</v></c></row>', None),
    ('<row r="300000"><c r="AD300000"><v>1</v></c></row>', None),
    ("".join(f'<row r="{r}"><c r="C{r}" s="1"/></row>' for r in range(3, 20_000)), 20_000),
], ids=["the last row", "one stray cell", "styled empty cells below the table"])
def test_a_sheet_far_larger_than_its_cells_is_refused_before_loading(
        tmp_path: Path, far: str, cells: int | None) -> None:
    d = tmp_path / "d"
    d.mkdir()
    book = _crafted(d / "companies.xlsx", _COMPANY + far)
    if cells is None:
        # Refused by measuring the XML: the reader would hold every cell of the area.
        with pytest.raises(Exception, match="spans"):
            measure(book)
        assert _problems(d) == [("companies.xlsx", None, None, None, "too_large")]
    else:  # a table with formatted, empty cells below it spans little: it is read
        assert measure(book).cells >= cells
        Warehouse(tmp_path / "home").import_folder(d)


def test_a_zip_bomb_of_empty_cells_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    # Empty cells compress to almost nothing: 5 million of them to some 30 KB; the
    # 1 000-wide rows of the audit's workbook held 40 million in 357 KB.
    row = "<c/>" * 1000
    body = "".join(f'<row r="{r}">{row}</row>' for r in range(3, 5_003))
    book = _crafted(d / "companies.xlsx", _COMPANY + body)
    assert book.stat().st_size < 200_000
    got = _problems(d)
    assert [(f, code) for f, _r, _c, _v, code in got] == [("companies.xlsx", "too_large")]
