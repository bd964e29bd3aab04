"""Imports are atomic and idempotent; a killed import leaves the previous state whole."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import base_tables, order, write
from jicai.warehouse.store import Warehouse


def _state(home: Path) -> str:
    """A fingerprint of everything readers can see."""
    w = Warehouse(home)
    h = hashlib.sha256()
    for t in w.tables():
        for f in w.files(t):
            h.update(f.read_bytes())
    return f"{w.current_id}:{h.hexdigest()}"


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    d = write(base_tables(), tmp_path / "d")
    w = Warehouse(tmp_path / "home")
    first = w.import_folder(d)
    before = _state(w.home)
    again = w.import_folder(d)
    assert first.changed and not again.changed
    assert {t.status for t in again.tables} == {"unchanged"}
    assert _state(w.home) == before


def test_corrected_reimport_replaces_rows_with_the_same_key(tmp_path: Path) -> None:
    t = base_tables()
    t["orders"] = [order("H1", "PW", "2025-01-05 10:00", 2, order_line_id="A"),
                   order("H1", "PW", "2025-02-05 10:00", 3, order_line_id="B")]
    w = Warehouse(tmp_path / "home")
    w.import_folder(write(t, tmp_path / "d1"))
    fix = {"orders": [order("H1", "PW", "2025-03-05 10:00", 5, order_line_id="B"),
                      order("H1", "PW", "2025-03-06 10:00", 1, order_line_id="C")]}
    w.import_folder(write(fix, tmp_path / "d2"))
    rows = {r["order_line_id"]: r for r in w.read("orders").to_pylist()}
    assert sorted(rows) == ["A", "B", "C"]
    assert rows["B"]["qty_packs"] == 5
    # B moved from February to March: February's file is gone, January is untouched.
    assert sorted(f.name for f in w.files("orders")) == ["2025-01.parquet", "2025-03.parquet"]
    assert w.read("institutions").num_rows == 3  # untouched tables carried over


def test_refused_import_keeps_the_previous_state(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write(base_tables(), tmp_path / "d1"))
    before = _state(w.home)
    bad = {"orders": [order("H1", "PW", "not a date", 2)]}
    with pytest.raises(Exception, match="数据契约"):
        w.import_folder(write(bad, tmp_path / "d2"))
    assert _state(w.home) == before
    assert not (w.home / "staging").exists()  # the refused rows were written, then removed


def _big_folder(folder: Path, lines: int) -> Path:
    t = base_tables()
    t["orders"] = [order("H1", "PW", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00", 1 + i % 5,
                         order_line_id=f"K{i:07d}") for i in range(lines)]
    return write(t, folder)


def _whole(home: Path) -> int:
    """Rows of orders, after checking that every file the manifest names is readable."""
    w = Warehouse(home)
    for t in w.tables():
        assert all(f.exists() for f in w.files(t)), t
    orders = w.read("orders")
    return 0 if orders is None else orders.num_rows


@pytest.mark.slow
def test_killing_a_real_import_leaves_the_previous_state_whole(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Warehouse(home).import_folder(write(base_tables(), tmp_path / "small"))
    before = _state(home)
    big = _big_folder(tmp_path / "big", 150_000)
    code = ("from pathlib import Path; from jicai.warehouse.store import Warehouse;"
            f"Warehouse(Path({str(home)!r})).import_folder(Path({str(big)!r}))")
    killed_mid_import = 0
    for fraction in (0.0, 0.3, 0.6):
        proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
        # Wait until the import is writing its new snapshot, then kill it at some point in it.
        deadline = time.monotonic() + 60
        while not (home / "staging").exists() and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(fraction)
        if proc.poll() is not None:
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = _state(home)
        if now == before:
            killed_mid_import += 1
            assert _whole(home) == 0  # the old snapshot, every file of it readable
        else:
            # Killed after the atomic switch: then the new snapshot is the whole import.
            assert _whole(home) == 150_000
    assert killed_mid_import >= 1, "no kill landed mid-import; make the data bigger"
    result = Warehouse(home).import_folder(big)
    assert Warehouse(home).read("orders").num_rows == 150_000
    assert result.changed or {t.status for t in result.tables} == {"unchanged"}
    assert not (home / "staging").exists()
