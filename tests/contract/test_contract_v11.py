"""Contract v1.1: substitutes, trace_scans and prescriptions, checked like every v1 table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from builders import base_tables, order, write
from jicai.contract.schemas import CONTRACT_VERSION, TABLES, Kind
from jicai.errors import ContractError
from jicai.warehouse.store import Warehouse


def _scan(scan_id: str, code: str, event: str = "receive", **kw: Any) -> dict[str, Any]:
    row = {"scan_id": scan_id, "trace_code": code, "institution_code": "H1",
           "product_code": "PW", "event": event, "scanned_at": "2025-02-03 09:15:00",
           "split": None, "order_line_id": None}
    row.update(kw)
    return row


def _prescription(line: str, units: object = 10, **kw: Any) -> dict[str, Any]:
    row = {"prescription_line_id": line, "institution_code": "H1", "department": "心内科",
           "doctor_code": "D001", "product_code": "PN", "prescribed_at": "2025-02-03 10:00",
           "units": units}
    row.update(kw)
    return row


def _v11_tables() -> dict[str, list[dict[str, Any]]]:
    t = base_tables()
    t["orders"] = [order("H1", "PW", "2025-01-05 10:00", 2, order_line_id="O1")]
    t["substitutes"] = [{"variety_code": "V1", "product_code": "CW", "note": "指南推荐"}]
    t["trace_scans"] = [
        _scan("S1", "00812345678901234567", order_line_id="O1"),
        _scan("S2", "00812345678901234567", "dispense", split="true",
              scanned_at="2025-03-01 08:00"),
    ]
    t["prescriptions"] = [_prescription("R1"), _prescription("R2", 3, prescribed_at="2025-03-04 11:00")]
    return t


def _problems(folder: Path, home: Path) -> list[tuple[str, int | None, str | None, str | None, str]]:
    with pytest.raises(ContractError) as err:
        Warehouse(home).import_folder(folder)
    return [(p.file, p.row, p.column, p.value, p.code) for p in err.value.problems]


def test_the_contract_says_version_1_1_and_marks_the_new_tables() -> None:
    assert CONTRACT_VERSION == "1.1"
    new = {n for n, t in TABLES.items() if t.since == "1.1"}
    assert new == {"substitutes", "trace_scans", "prescriptions"}
    assert TABLES["trace_scans"].column("trace_code").kind is Kind.TEXT
    assert TABLES["trace_scans"].column("split").default is False
    assert TABLES["trace_scans"].column("order_line_id").nullable
    assert TABLES["prescriptions"].partition_by == "prescribed_at"
    assert TABLES["trace_scans"].partition_by == "scanned_at"
    # referenced tables come first in the import order
    order_ = list(TABLES)
    assert order_.index("orders") < order_.index("trace_scans")
    assert order_.index("products") < order_.index("substitutes")


def test_v11_tables_import_with_codes_kept_exactly(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write(_v11_tables(), tmp_path / "d"))
    scans = sorted(w.read("trace_scans").to_pylist(), key=lambda r: r["scan_id"])
    assert [s["trace_code"] for s in scans] == ["00812345678901234567"] * 2
    assert [(s["event"], s["split"], s["order_line_id"]) for s in scans] == [
        ("receive", False, "O1"), ("dispense", True, None)]
    assert w.read("trace_scans").schema.field("trace_code").type == pa.string()
    rx = sorted(w.read("prescriptions").to_pylist(), key=lambda r: r["prescription_line_id"])
    assert [(r["units"], r["department"]) for r in rx] == [(10, "心内科"), (3, "心内科")]
    subs = w.read("substitutes").to_pylist()
    assert subs == [{"variety_code": "V1", "product_code": "CW", "note": "指南推荐"}]
    # partitioned by month like orders
    files = w.manifest()["tables"]["prescriptions"]["files"]
    assert files == ["prescriptions/2025-02.parquet", "prescriptions/2025-03.parquet"]


def test_chinese_headers_and_event_labels(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write(base_tables(), d)
    (d / "药品追溯码扫码记录.csv").write_text(
        "扫码流水号,追溯码,机构编码,产品编码,扫码环节,扫码时间,拆零\n"
        "S1,00000000000000000001,H1,PW,入库,2025-02-03 09:15,否\n"
        "S2,00000000000000000001,H1,PW,发药,2025-02-04 09:15,是\n"
        "S3,(01)06901234567892(21)ABC,H1,PW,销售,2025-02-04 10:15,\n",
        encoding="utf-8")
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    rows = sorted(w.read("trace_scans").to_pylist(), key=lambda r: r["scan_id"])
    assert [(r["trace_code"], r["event"], r["split"]) for r in rows] == [
        ("00000000000000000001", "receive", False),
        ("00000000000000000001", "dispense", True),
        ("(01)06901234567892(21)ABC", "dispense", False)]


def test_every_v11_problem_is_named(tmp_path: Path) -> None:
    t = _v11_tables()
    t["substitutes"] = [
        {"variety_code": "V1", "product_code": "CW", "note": None},
        {"variety_code": "V1", "product_code": "PN", "note": None},  # its own variety
        {"variety_code": "V9", "product_code": "PW", "note": None},  # unknown variety
        {"variety_code": "V1", "product_code": "CW", "note": None},  # duplicate key
    ]
    t["trace_scans"] = [
        _scan("S1", "0" * 101),
        _scan("S2", "0001", "return"),
        _scan("S3", "0002", order_line_id="O404", product_code="PX"),
        _scan("S4", "0003", split="maybe"),
    ]
    t["prescriptions"] = [_prescription("R1", 0), _prescription("R2", "2.5"),
                          _prescription("R3", 1, institution_code="H9", doctor_code=None)]
    got = _problems(write(t, tmp_path / "d"), tmp_path / "home")
    assert sorted(got, key=str) == sorted([
        ("substitutes.csv", 3, "product_code", "PN", "exclusion"),
        ("substitutes.csv", 4, "variety_code", "V9", "reference"),
        ("substitutes.csv", 5, "variety_code+product_code", "V1/CW", "duplicate_key"),
        ("trace_scans.csv", 2, "trace_code", "0" * 101, "pattern"),
        ("trace_scans.csv", 3, "event", "return", "type"),
        ("trace_scans.csv", 4, "product_code", "PX", "reference"),
        ("trace_scans.csv", 4, "order_line_id", "O404", "reference"),
        ("trace_scans.csv", 5, "split", "maybe", "type"),
        ("prescriptions.csv", 2, "units", "0", "range"),
        ("prescriptions.csv", 3, "units", "2.5", "type"),
        ("prescriptions.csv", 4, "institution_code", "H9", "reference"),
        ("prescriptions.csv", 4, "doctor_code", None, "required"),
    ], key=str)
    assert not (tmp_path / "home" / "CURRENT").exists()


def test_own_variety_substitute_message(tmp_path: Path) -> None:
    t = _v11_tables()
    t["substitutes"] = [{"variety_code": "V1", "product_code": "PQ", "note": None}]
    with pytest.raises(ContractError) as err:
        Warehouse(tmp_path / "home").import_folder(write(t, tmp_path / "d"))
    [p] = err.value.problems
    assert p.zh() == ("substitutes.csv，第 2 行，列 product_code，值「PQ」："
                      "该产品本身属于此品种，不能作为它的可替代产品")
    assert "its own substitute" in p.en()


def test_own_variety_substitute_is_checked_against_the_warehouse(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write(base_tables(), tmp_path / "d1"))
    later = {"substitutes": [{"variety_code": "V2", "product_code": "PW", "note": None},
                             {"variety_code": "V2", "product_code": "CW", "note": None}]}
    assert _problems(write(later, tmp_path / "d2"), tmp_path / "home") == [
        ("substitutes.csv", 3, "product_code", "CW", "exclusion")]


def test_a_v1_folder_imports_as_before(tmp_path: Path) -> None:
    t = base_tables()
    t["orders"] = [order("H1", "PW", "2025-01-05 10:00", 2, order_line_id="O1")]
    w = Warehouse(tmp_path / "home")
    result = w.import_folder(write(t, tmp_path / "d"))
    assert sorted(x.table for x in result.tables) == sorted(t)
    assert set(w.tables()) == set(t)
    assert not result.notices
