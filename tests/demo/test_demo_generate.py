"""The synthetic province: deterministic, contract-shaped, and saying what it planted."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from demo_recheck import recheck

import jicai.demo.generate as demo
from jicai.contract.schemas import TABLES, Kind
from jicai.demo.days import WorkDays, day_no, from_day_no
from jicai.demo.generate import DEMO_AS_OF, RATES, SIZES, generate, resolve_lines
from jicai.demo.province import uscc
from jicai.demo.rand import stream
from jicai.errors import JicaiError
from jicai.policy.calendar import WorkCalendar


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read(folder: Path, name: str) -> pa.Table:
    parts = sorted((folder / name).glob("*.parquet")) or [folder / f"{name}.parquet"]
    return pa.concat_tables(pq.read_table(p) for p in parts)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoSummary]:
    out = tmp_path_factory.mktemp("tiny")
    return out, generate(out, lines="tiny")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoSummary]:
    out = tmp_path_factory.mktemp("small")
    return out, generate(out, lines="small")


# -- determinism ----------------------------------------------------------------------------


def test_same_seed_and_size_give_the_same_bytes(tiny, tmp_path) -> None:
    folder, _ = tiny
    again = generate(tmp_path / "again", lines="tiny")
    assert digests(tmp_path / "again") == digests(folder)
    assert again.rows["orders"] == SIZES["tiny"]
    other = generate(tmp_path / "other", lines="tiny", seed=7)
    assert digests(tmp_path / "other")["orders.parquet"] != digests(folder)["orders.parquet"]
    assert other.planted != again.planted


def test_the_files_do_not_depend_on_chunks_being_made_in_parallel(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(demo, "CHUNK_LINES", 4_000)
    for fmt in ("parquet", "csv"):
        one = generate(tmp_path / f"one-{fmt}", lines=20_000, fmt=fmt, workers=1)
        two = generate(tmp_path / f"two-{fmt}", lines=20_000, fmt=fmt, workers=2)
        assert digests(tmp_path / f"one-{fmt}") == digests(tmp_path / f"two-{fmt}")
        assert one.planted == two.planted
    assert len(list((tmp_path / "one-parquet" / "orders").glob("part-*.parquet"))) >= 4
    assert not list((tmp_path / "two-csv").glob(".*"))  # staged parts are gone


# -- the contract ---------------------------------------------------------------------------


def test_every_table_is_written_with_the_contract_schema(tiny) -> None:
    folder, summary = tiny
    for name, table in TABLES.items():
        got = read(folder, name)
        assert got.schema.names == list(table.names), name
        assert [f.type for f in got.schema] == [f.type for f in table.arrow_schema()], name
        assert got.num_rows == summary.rows[name] > 0, name
        for column in table.columns:
            if column.required:
                assert got.column(column.name).null_count == 0, (name, column.name)


def test_values_keep_to_the_contract(tiny) -> None:
    folder, _ = tiny
    for name, table in TABLES.items():
        got = read(folder, name)
        for column in table.columns:
            values = [v for v in got.column(column.name).to_pylist() if v is not None]
            if column.enum:
                assert set(values) <= set(column.enum), (name, column.name)
            if column.pattern:
                bad = [v for v in values if not re.fullmatch(column.pattern, v)]
                assert not bad, (name, column.name, bad[:3])
            if column.minimum is not None:
                low = [v for v in values if v < column.minimum
                       or (column.exclusive_minimum and v == column.minimum)]
                assert not low, (name, column.name, low[:3])
            if column.kind is Kind.MONEY:
                assert all(v.as_tuple().exponent >= -4 for v in values), (name, column.name)
    orders = read(folder, "orders").to_pydict()
    for qty, price, amount in zip(orders["qty_packs"], orders["unit_price"], orders["amount"],
                                  strict=True):
        assert qty * price == amount


def test_codes_look_national(tiny) -> None:
    folder, _ = tiny
    institutions = read(folder, "institutions").to_pylist()
    assert all(re.fullmatch(r"[HP][0-9]{11}", i["institution_code"]) for i in institutions)
    assert {i["kind"] for i in institutions} >= {"public_hospital", "primary_care",
                                                  "village_clinic", "retail_pharmacy", "military"}
    assert {i["grade"] for i in institutions} == {0, 1, 2, 3}
    by_code = {i["institution_code"]: i for i in institutions}
    members = [i for i in institutions if i["consortium_code"]]
    assert members
    for member in members:
        lead = by_code[member["consortium_code"]]
        assert lead["region_code"] == member["region_code"] and lead["consortium_code"] is None
    products = read(folder, "products").to_pylist()
    for p in products:
        length = 23 if p["category"] == "drug" else 20
        assert len(p["product_code"]) == length, p
        assert p["product_code"].startswith(p["variety_code"])
    companies = read(folder, "companies").column("company_code").to_pylist()
    assert all(uscc_valid(code) for code in companies)
    assert {r["level"] for r in read(folder, "regions").to_pylist()} == {
        "province", "city", "county"}


def uscc_valid(code: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(w * alphabet.index(c) for w, c in zip(weights, code[:17], strict=True))
    return alphabet[(31 - total % 31) % 31] == code[17]


def test_a_company_code_carries_its_check_digits() -> None:
    code = uscc(stream(1, "test"), "390100")
    assert code.startswith("91390100") and uscc_valid(code)


def test_keys_are_unique_and_references_resolve(tiny) -> None:
    folder, _ = tiny
    data = {name: read(folder, name) for name in TABLES}
    for name, table in TABLES.items():
        rows = list(zip(*(data[name].column(k).to_pylist() for k in table.key), strict=True))
        assert len(rows) == len(set(rows)), name
        for ref in table.references:
            have = set(zip(*(data[ref.table].column(c).to_pylist() for c in ref.target_columns),
                           strict=True))
            used = zip(*(data[name].column(c).to_pylist() for c in ref.columns), strict=True)
            missing = {u for u in used if None not in u and u not in have}
            assert not missing, (name, ref.columns, list(missing)[:3])


def test_the_province_is_extracted_at_the_end_of_as_of(tiny) -> None:
    folder, _ = tiny
    orders = read(folder, "orders")
    for column in ("ordered_at", "responded_at", "delivered_at", "received_at"):
        assert pc.max(orders.column(column)).as_py().date() <= DEMO_AS_OF, column
    assert pc.max(read(folder, "payments").column("paid_at")).as_py() <= DEMO_AS_OF
    assert pc.max(read(folder, "filings").column("filed_at")).as_py() <= DEMO_AS_OF
    batches = read(folder, "batches").to_pylist()
    running = [b for b in batches if b["start_date"] <= DEMO_AS_OF < b["end_date"]]
    assert any(b["end_date"] < DEMO_AS_OF for b in batches)
    assert any(b["start_date"] <= date(2025, 9, 30) for b in running)  # entry check due
    assert {b["level"] for b in batches} == {"national", "alliance", "provincial"}
    assert {b["category"] for b in batches} == {"drug", "consumable"}
    assert {b["cycle_no"] for b in batches} == {1, 2}


def test_csv_and_xlsx_write_the_same_tables(tmp_path) -> None:
    generate(tmp_path / "csv", lines=1_000, fmt="csv")
    generate(tmp_path / "xlsx", lines=1_000, fmt="xlsx")
    generate(tmp_path / "parquet", lines=1_000)
    for name, table in TABLES.items():
        text = (tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0] == ",".join(f'"{n}"' for n in table.names)
        assert (tmp_path / "xlsx" / f"{name}.xlsx").stat().st_size > 0
    orders = pacsv.read_csv(tmp_path / "csv" / "orders.csv").to_pylist()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
                        (tmp_path / "csv" / "orders.csv").read_text().splitlines()[1].split(",")[4])
    assert {str(o["on_platform"]).lower() for o in orders} <= {"true", "false"}
    assert len(orders) == read(tmp_path / "parquet", "orders").num_rows
    with pytest.raises(JicaiError, match="xlsx"):
        generate(tmp_path / "big", lines="1m", fmt="xlsx")


def test_named_and_spelled_sizes() -> None:
    assert resolve_lines("tiny") == 5_000
    assert resolve_lines("10m") == 10_000_000
    assert resolve_lines("250k") == 250_000
    assert resolve_lines(123_456) == 123_456
    for bad in ("lots", 10):
        with pytest.raises(JicaiError):
            resolve_lines(bad)


def test_working_days_follow_the_official_calendar() -> None:
    cal = WorkCalendar.load()
    wd = WorkDays(cal, 2024, 2026)
    days = np.arange(day_no(date(2024, 9, 1)), day_no(date(2025, 12, 31)), dtype=np.int64)
    for n in (1, 2, 5, 7):
        got = wd.add(days, n)
        assert [from_day_no(g) for g in got] == [
            cal.add_working_days(from_day_no(d), n) for d in days]


# -- what was planted -----------------------------------------------------------------------


def test_the_planted_cases_are_what_the_files_say(tiny) -> None:
    folder, summary = tiny
    again = recheck(folder, DEMO_AS_OF)
    for rule, keys in again.items():
        assert summary.planted[rule].keys() == keys, rule


def test_planted_rates_are_as_configured(small) -> None:
    folder, summary = small
    assert summary.rows["orders"] == SIZES["small"]
    for rule, rate in RATES.items():
        planted = summary.planted[rule]
        assert planted.designed >= 1, rule
        if planted.population >= 500:
            assert planted.planted_rate == pytest.approx(rate, rel=0.35), rule
        assert planted.count >= planted.designed
    assert summary.planted["order.unresponded_48h"].critical > 0
    assert summary.planted["order.escalation_24h"].count > 0
    ratios = summary.planted["demand.below_history"].cases.values()
    assert min(ratios) < 0.8 <= max(ratios) < 1.0  # below 80 % and between 80 and 100 %
    assert summary.planted["filing.items_over_limit"].count == 0
    assert summary.exempted["progress.behind_schedule"].count > 0
    assert json.dumps(summary.to_dict(), ensure_ascii=False)
    again = recheck(folder, DEMO_AS_OF)
    for rule, keys in again.items():
        assert summary.planted[rule].keys() == keys, rule
