"""Snapshots readers can trust: pinned for a reader's whole life, across processes;
``--force`` re-applies an older file; a full disk is a refusal that changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from builders import base_tables, order, write
from jicai.cli import main
from jicai.engine.run import run_monitor
from jicai.errors import WarehouseError
from jicai.policy.profiles import load_profile
from jicai.warehouse.store import Warehouse


def _orders(qty: int, n: int = 3) -> dict[str, list[dict[str, object]]]:
    return {"orders": [order("H1", "PW", f"2025-0{1 + i}-05 10:00", qty, order_line_id=f"K{i}")
                       for i in range(n)]}


def _qty(w: Warehouse) -> dict[str, int]:
    t = w.read("orders")
    assert t is not None
    return dict(zip(t.column("order_line_id").to_pylist(), t.column("qty_packs").to_pylist(),
                    strict=True))


def test_import_force_reapplies_an_older_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Warehouse(home).import_folder(write(base_tables(), tmp_path / "base"))
    old = write(_orders(2), tmp_path / "old")
    new = write(_orders(5), tmp_path / "new")
    runner = CliRunner()
    for folder in (old, new):
        assert runner.invoke(main, ["import", str(folder), "--home", str(home)]).exit_code == 0
    assert set(_qty(Warehouse(home)).values()) == {5}
    # Without --force the older file was imported before: nothing changes.
    r = runner.invoke(main, ["import", str(old), "--home", str(home)])
    assert r.exit_code == 0 and "未变化" in r.output
    assert set(_qty(Warehouse(home)).values()) == {5}
    # With --force its rows replace the newer ones with the same keys.
    r = runner.invoke(main, ["import", str(old), "--home", str(home), "--force"])
    assert r.exit_code == 0, r.output
    assert "已导入 imported" in r.output
    assert _qty(Warehouse(home)) == {"K0": 2, "K1": 2, "K2": 2}


def test_a_pinned_view_reads_one_snapshot_and_is_never_pruned(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write({**base_tables(), **_orders(1)}, tmp_path / "d0"))
    with w.pinned() as pinned:
        sid = pinned.current_id
        for qty in (2, 3, 4):  # three commits: without the pin, sid is pruned at the second
            w.import_folder(write(_orders(qty), tmp_path / f"d{qty}"))
        assert w.current_id != sid
        assert pinned.current_id == sid
        assert (w.home / "snapshots" / str(sid)).is_dir()
        assert set(_qty(pinned).values()) == {1}  # every read is of the pinned snapshot
        assert set(_qty(w).values()) == {4}
        with pytest.raises(WarehouseError, match="只读"):
            pinned.import_folder(tmp_path / "d2")
    w.import_folder(write(_orders(6), tmp_path / "d6"))  # unpinned now: pruned by this one
    assert not (w.home / "snapshots" / str(sid)).exists()
    assert sorted(p.name for p in (w.home / "snapshots").iterdir()) == sorted(
        {str(w.current_id), json.loads((w.snapshot_dir / "manifest.json").read_text())["parent"]})


_HOLD = """
import sys, time
from pathlib import Path
from jicai.warehouse.store import Warehouse
w = Warehouse(Path(sys.argv[1]))
with w.pinned() as p:
    Path(sys.argv[2]).write_text(str(p.current_id))
    while not Path(sys.argv[3]).exists():
        time.sleep(0.02)
    t = p.read("orders")
    print(sorted(set(t.column("qty_packs").to_pylist())))
"""


def test_a_pin_holds_across_processes(tmp_path: Path) -> None:
    w = Warehouse(tmp_path / "home")
    w.import_folder(write({**base_tables(), **_orders(1)}, tmp_path / "d0"))
    pinned, release = tmp_path / "pinned", tmp_path / "release"
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(w.home), str(pinned), str(release)],
                            stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not pinned.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        sid = pinned.read_text()
        for qty in (2, 3, 4):
            w.import_folder(write(_orders(qty), tmp_path / f"d{qty}"))
        assert (w.home / "snapshots" / sid).is_dir()
        release.touch()
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert out.strip() == "[1]"  # the other process read its own snapshot, whole
    w.import_folder(write(_orders(7), tmp_path / "d7"))
    assert not (w.home / "snapshots" / sid).exists()


_IMPORT_LOOP = """
import sys
from pathlib import Path
from jicai.warehouse.store import Warehouse
home, a, b, log, n = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
w = Warehouse(home)
with log.open("a") as fh:
    for i in range(n):
        variant, folder = ("a", a) if i % 2 else ("b", b)
        r = w.import_folder(folder, force=True)
        fh.write(f"{r.snapshot} {variant}\\n")
        fh.flush()
"""


def _progress_of(tables: dict[str, list[dict[str, object]]], tmp: Path) -> pa.Table:
    w = Warehouse(tmp / "home")
    w.import_folder(write(tables, tmp / "data"))
    return run_monitor(w, date(2025, 6, 30), load_profile("national"), figures=False).progress


def test_monitors_racing_imports_are_whole_and_name_their_snapshot(tmp_path: Path) -> None:
    """Imports commit in a loop in another process while monitors run here: every monitor
    finishes, and its progress is exactly that of the snapshot its result names."""
    a, b = _orders(2, n=6), _orders(9, n=6)
    expected = {"a": _progress_of({**base_tables(), **a}, tmp_path / "xa"),
                "b": _progress_of({**base_tables(), **b}, tmp_path / "xb")}
    assert not expected["a"].equals(expected["b"])
    home = tmp_path / "home"
    w = Warehouse(home)
    w.import_folder(write(base_tables(), tmp_path / "base"))
    log = tmp_path / "log"
    w.import_folder(write(a, tmp_path / "a"))
    log.write_text(f"{w.current_id} a\n")
    write(b, tmp_path / "b")
    proc = subprocess.Popen([sys.executable, "-c", _IMPORT_LOOP, str(home), str(tmp_path / "a"),
                             str(tmp_path / "b"), str(log), "24"])
    try:
        runs = 0
        while proc.poll() is None or runs < 3:
            result = run_monitor(w, date(2025, 6, 30), load_profile("national"), figures=False)
            runs += 1
            variants = dict(line.split() for line in log.read_text().splitlines())
            assert result.snapshot in variants, "the result names a snapshot no import made"
            variant = variants[str(result.snapshot)]
            assert result.progress.equals(expected[variant]), (runs, variant)
            if runs >= 12:
                break
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.mark.skipif(not _can_mount(), reason="mounting a small tmpfs (a disk that fills) "
                    "needs root")
def test_a_full_disk_is_a_refusal_that_changes_nothing(tmp_path: Path) -> None:
    """A real full disk (a 6 MB tmpfs), with the free space left before the import stepped
    through the import's writes: every attempt ends in a bilingual refusal (exit 1, no
    traceback) with the previous snapshot whole; once there is room the import succeeds."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)],
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc.stderr!r}")
    try:
        home = mnt / "home"
        Warehouse(home).import_folder(write(base_tables(), tmp_path / "small"))
        before = Warehouse(home).current_id
        big = write({"orders": [order("H1", "PW", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00",
                                      1 + i % 5, order_line_id=f"K{i:06d}")
                                for i in range(20_000)]}, tmp_path / "big")
        jicai = str(Path(sys.executable).parent / "jicai")
        refused = 0
        for free in range(0, 400_000, 20_000):
            filler = mnt / "filler"
            avail = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
            with filler.open("wb") as fh:
                fh.write(b"\0" * max(avail - free, 0))
            r = subprocess.run([jicai, "import", str(big), "--home", str(home)],
                               capture_output=True, text=True, timeout=120)
            filler.unlink()
            assert "Traceback" not in r.stderr, r.stderr
            if r.returncode == 0:
                break
            refused += 1
            assert r.returncode == 1, r.stderr
            assert "磁盘空间不足" in r.stderr and "disk is full" in r.stderr, r.stderr
            w = Warehouse(home)
            assert w.current_id == before
            assert w.read("orders") is None or w.read("orders").num_rows == 0
            assert not (home / "staging").exists()
        assert refused >= 3, "the disk never filled; make the import bigger"
        r = subprocess.run([jicai, "import", str(big), "--home", str(home)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert Warehouse(home).read("orders").num_rows == 20_000
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_the_manifest_records_each_csv_files_encoding(tmp_path: Path) -> None:
    d = write(base_tables(), tmp_path / "d")
    inst = d / "institutions.csv"
    inst.write_bytes(inst.read_text(encoding="utf-8").encode("gb18030"))  # Excel, Chinese Windows
    w = Warehouse(tmp_path / "home")
    w.import_folder(d)
    tables = w.manifest()["tables"]
    assert tables["institutions"]["imports"][-1]["encoding"] == "gb18030"
    assert tables["regions"]["imports"][-1]["encoding"] in ("utf-8", "utf-8-sig")
    assert w.manifest()["contract_version"] == "1.1"
    names = w.read("institutions").column("name").to_pylist()
    assert any("医院" in n for n in names)  # the Chinese came through whole


def test_every_output_names_the_snapshot_the_run_read(tmp_path: Path) -> None:
    import openpyxl
    import pyarrow.parquet as pq

    from jicai.reports.monitor_files import write_outputs

    w = Warehouse(tmp_path / "home")
    w.import_folder(write({**base_tables(), **_orders(2)}, tmp_path / "d"))
    with w.pinned() as pinned:
        result = run_monitor(pinned, date(2025, 6, 30), load_profile("national"))
        sid = str(pinned.current_id)
        w.import_folder(write(_orders(5), tmp_path / "d2"))  # a later commit changes nothing
    assert result.snapshot == sid != w.current_id
    out = tmp_path / "out"
    write_outputs(result, out)
    assert json.loads((out / "run.json").read_text())["warehouse_snapshot"] == sid
    for f in [*out.glob("*.parquet"), *(out / "figures").glob("*.parquet")]:
        meta = pq.read_schema(f).metadata
        assert meta[b"jicai.warehouse_snapshot"].decode() == sid, f.name
    book = openpyxl.load_workbook(out / "monitor.xlsx", read_only=True)
    assert [c.value for c in next(book["汇总"].iter_rows(min_row=4, max_row=4))][:2] == [
        "数据快照", sid]
