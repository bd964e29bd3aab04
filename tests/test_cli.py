"""`jicai import` and `jicai monitor` as a user runs them (a real subprocess)."""

import csv
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from builders import base_tables, order, write

JICAI = [sys.executable, "-m", "jicai.cli"]


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JICAI, *map(str, args)], capture_output=True, text=True, check=False)


def _data(tmp: Path) -> Path:
    t = base_tables()
    t["orders"] = [
        order("H1", "PW", "2025-02-03 09:00", 20, responded_at="2025-02-06 10:00"),
        order("H1", "PN", "2025-03-03 09:00", 30, price="15.00", responded_at="2025-03-03 10:00"),
        order("H1", "PN", "2025-03-04 09:00", 30, price="15.00", status="cancelled"),
    ]
    return write(t, tmp / "data")


def test_monitor_writes_the_contract_outputs_byte_identical_on_rerun(tmp_path: Path) -> None:
    data = _data(tmp_path)
    home = tmp_path / "home"
    r = _run("import", data, "--home", home)
    assert r.returncode == 0, r.stderr
    outs = []
    for i in (1, 2):
        out = tmp_path / f"out{i}"
        r = _run("monitor", "--home", home, "--as-of", "2025-10-31", "--profile", "national",
                 "--out", out)
        assert r.returncode == 0, r.stderr
        outs.append(out)
    for name in ("alerts.csv", "progress.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    with (outs[0] / "alerts.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["rule_id", "severity", "institution_code", "batch_code", "cycle_no",
                             "variety_code", "product_code", "ref", "value", "threshold",
                             "clause", "message"]
    got = [(r["rule_id"], r["institution_code"], r["ref"], r["value"], r["threshold"])
           for r in rows]
    # By hand, as of 2025-10-31 (304 of 365 days = 0.832877):
    # H1/V1 credited 20 packs × 10 = 200 of 1 000 agreed → 0.2; H2/V2 bought nothing → 0;
    # H1/V1 non-winning 300 / (200 + 300) = 0.6 (the cancelled line counts nowhere);
    # H2/V2 started 2025-03-01, due to have entered by 2025-05-01: nothing bought;
    # L1 answered after 73 h (> 48 h).
    assert ("entry.not_entered", "H2", "", "0", "2") in got
    assert ("progress.behind_schedule", "H1", "", "0.2", "0.832877") in got
    assert ("progress.behind_schedule", "H2", "", "0", "0.671233") in got
    assert ("share.nonwinning_high", "H1", "", "0.6", "0.5") in got
    assert sum(1 for g in got if g[0] == "order.unresponded_48h") == 1
    assert len(got) == 5
    assert (outs[0] / "monitor.xlsx").stat().st_size > 0
    assert (outs[0] / "alerts.parquet").exists() and (outs[0] / "progress.parquet").exists()
    assert "demand.below_history" in r.stdout  # the summary names rules switched off


def test_monitor_straight_from_a_folder(tmp_path: Path) -> None:
    r = _run("monitor", _data(tmp_path), "--as-of", "2025-10-31", "--profile", "jilin",
             "--out", tmp_path / "o", "--no-xlsx")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "alerts.csv").exists()


def test_a_broken_file_is_refused_with_exit_code_2(tmp_path: Path) -> None:
    t = base_tables()
    t["orders"] = [order("H1", "PW", "2025-02-30 09:00", 0)]
    data = write(t, tmp_path / "data")
    r = _run("import", data, "--home", tmp_path / "home", "--problems", tmp_path / "p.csv")
    assert r.returncode == 2
    assert "orders.csv，第 2 行，列 ordered_at" in r.stderr
    assert "orders.csv, row 2, column qty_packs, value '0': must be greater than 0" in r.stderr
    assert not (tmp_path / "home" / "CURRENT").exists()
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").count("\n") == 3


def test_an_unknown_profile_exits_1(tmp_path: Path) -> None:
    r = _run("monitor", _data(tmp_path), "--profile", "hunan", "--out", tmp_path / "o")
    assert r.returncode == 1 and "hunan" in r.stderr


def test_a_deadline_in_an_unknown_year_is_an_error_not_a_guess(tmp_path: Path) -> None:
    t = base_tables()
    t["tickets"] = [{"ticket_id": "T9", "institution_code": "H1", "product_code": "PW",
                     "company_code": "91410000MA0000001A", "reported_at": "2026-12-28 09:00",
                     "replied_at": "2026-12-29 09:00", "committed_by": "2027-01-08",
                     "resolved_at": None}]
    data = write(t, tmp_path / "data")
    r = _run("monitor", data, "--as-of", "2026-12-31", "--profile", "henan",
             "--out", tmp_path / "o", "--no-xlsx")
    assert r.returncode == 1
    assert "2027" in r.stderr and "--calendar" in r.stderr
    # With the year supplied (here: Monday–Friday, 1 January off) the run completes, and the
    # promise of 8 January is 7 working days after the reply of 29 December (> 5): T2.
    days = ["date,is_workday"]
    d = date(2027, 1, 1)
    while d.year == 2027:
        days.append(f"{d},{1 if d.weekday() < 5 and d.day + d.month > 2 else 0}")
        d += timedelta(days=1)
    (tmp_path / "2027.csv").write_text("\n".join(days) + "\n", encoding="utf-8")
    r = _run("monitor", data, "--as-of", "2026-12-31", "--profile", "henan",
             "--out", tmp_path / "o", "--no-xlsx", "--calendar", tmp_path / "2027.csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((tmp_path / "o" / "alerts.csv").open(encoding="utf-8")))
    t2 = [(x["ref"], x["value"]) for x in rows if x["rule_id"] == "ticket.commitment_too_long"]
    assert t2 == [("T9", "7")]


def test_a_profile_without_working_day_rules_needs_no_calendar_year(tmp_path: Path) -> None:
    # national counts nothing in working days: monitoring in a year chinesecalendar does not
    # know yet must still work (2027 here), while henan (tickets: T1, T2) must refuse.
    t = base_tables()
    t["tickets"] = [{"ticket_id": "T1", "institution_code": "H1", "product_code": "PW",
                     "company_code": "91410000MA0000001A", "reported_at": "2026-12-28 09:00",
                     "replied_at": None, "committed_by": None, "resolved_at": None}]
    data = write(t, tmp_path / "data")
    r = _run("monitor", data, "--as-of", "2027-01-05", "--profile", "national",
             "--out", tmp_path / "o", "--no-xlsx")
    assert r.returncode == 0, r.stderr
    r = _run("monitor", data, "--as-of", "2027-01-05", "--profile", "henan",
             "--out", tmp_path / "o2", "--no-xlsx")
    assert r.returncode == 1 and "2027" in r.stderr
