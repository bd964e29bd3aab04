"""The warehouse: validated contract tables as Parquet, changed only atomically.

Layout of a home folder::

    HOME/
      CURRENT                   the id of the live snapshot (replaced by an atomic rename)
      snapshots/<id>/
        manifest.json           every table's files and rows, and every import so far
        <table>.parquet         a reference table
        orders/2025-01.parquet  transaction tables, one file per month
        extras/<table>/<sha>.parquet   columns the contract does not know, kept aside
        derived/settlements.parquet    line facts derived from the tables (decision 0012)
      staging/                  work in progress; anything here is garbage after a crash
      pins/<id>.lock            readers of snapshot <id> hold a shared lock on it
      .lock                     one import at a time

An import builds a whole new snapshot beside the live one — tables it does not
touch are hard links, so this costs nothing — and only then points ``CURRENT``
at it. A process killed at any moment leaves ``CURRENT`` on the previous
snapshot, whole. Rows replace earlier rows with the same key (a corrected
re-import); a file whose SHA-256 was imported before for its table is skipped,
so importing the same file twice changes nothing.

A reader (a monitor run, a report, a web page, a Spark job) **pins** the
snapshot it opened for its whole life: ``with warehouse.pinned() as w:`` gives
a view that reads that snapshot only, however many imports commit meanwhile,
and holds a shared ``flock`` on ``pins/<id>.lock``. Pruning old snapshots takes
that lock exclusively, without waiting, and skips a snapshot it cannot take: a
pinned snapshot is never removed under its reader, across processes. A reader
that dies releases its lock with its file descriptors.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from jicai import duck
from jicai.contract.readers import SourceFile, discover
from jicai.contract.schemas import CONTRACT_VERSION, Table, ibis_type
from jicai.contract.schemas import STORED_TABLES as TABLES  # jicai's own tables too
from jicai.contract.sql import count, lit, q
from jicai.contract.validate import (
    PARQUET,
    Checked,
    RowFault,
    empty_relation,
    key_and_reference_faults,
    stage,
    write_checked,
)
from jicai.errors import ContractError, WarehouseError

Progress = Callable[[str], None]


def default_home() -> Path:
    return Path(os.environ.get("JICAI_HOME") or "jicai-data")


@dataclass
class TableResult:
    table: str
    file: str
    status: str  # imported | unchanged
    rows_in_file: int
    rows_total: int


@dataclass
class ImportResult:
    snapshot: str | None
    tables: list[TableResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(t.status == "imported" for t in self.tables)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            fd = os.open(os.path.join(dirpath, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class Warehouse:
    """A jicai home folder."""

    def __init__(self, home: Path | str | None = None, *, snapshot: str | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        # A pinned view reads this snapshot only (see ``pinned``); None follows CURRENT.
        self._snapshot = snapshot
        self._manifest: dict[str, Any] | None = None

    # -- reading --------------------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        if self._snapshot is not None:
            return self._snapshot
        try:
            return (self.home / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    @property
    def is_pinned(self) -> bool:
        return self._snapshot is not None

    @contextlib.contextmanager
    def pinned(self) -> Iterator[Warehouse]:
        """A view of the live snapshot that stays on it until the block ends.

        Every read through the view (tables, files, manifest) sees that one snapshot,
        and no import prunes it meanwhile, in this process or any other. An empty home
        gives an unpinned view with no tables.
        """
        if self.is_pinned:
            yield self
            return
        for _attempt in range(100):
            sid = self.current_id
            if sid is None:
                yield self
                return
            pins = self.home / "pins"
            pins.mkdir(parents=True, exist_ok=True)
            with (pins / f"{sid}.lock").open("a") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH)
                # Pruned between reading CURRENT and taking the lock: read CURRENT again.
                if not (self.home / "snapshots" / sid / "manifest.json").exists():
                    continue
                yield Warehouse(self.home, snapshot=sid)
                return
        raise WarehouseError(f"仓库 {self.home} 的快照不断变化，无法打开",  # pragma: no cover
                             f"the snapshots of {self.home} keep changing; cannot open one")

    @property
    def snapshot_dir(self) -> Path | None:
        cid = self.current_id
        return self.home / "snapshots" / cid if cid else None

    def manifest(self) -> dict[str, Any]:
        if self._manifest is not None:
            return self._manifest
        d = self.snapshot_dir
        if d is None:
            return {"contract_version": CONTRACT_VERSION, "tables": {}, "imports": []}
        try:
            data: dict[str, Any] = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WarehouseError(f"仓库清单损坏：{d / 'manifest.json'}（{exc}）",
                                 f"The warehouse manifest is damaged: {d / 'manifest.json'} ({exc})"
                                 ) from exc
        if self.is_pinned:  # a pinned snapshot never changes: read its manifest once
            self._manifest = data
        return data

    def tables(self) -> list[str]:
        return [t for t in TABLES if t in self.manifest()["tables"]]

    def files(self, table: str) -> list[Path]:
        """The live Parquet files of ``table`` (empty when it was never imported)."""
        m = self.manifest()  # read once: the folder and the file list of one snapshot
        info = m["tables"].get(table)
        d = self.home / "snapshots" / m["snapshot"] if "snapshot" in m else self.snapshot_dir
        if d is None or info is None:
            return []
        return [d / f for f in info["files"]]

    def relation_sql(self, table: str) -> str | None:
        """A DuckDB table expression reading the live ``table``, or None."""
        files = self.files(table)
        if not files:
            return None
        return f"read_parquet([{', '.join(lit(str(f)) for f in files)}], hive_partitioning=false)"

    def read(self, table: str) -> pa.Table | None:
        """The live ``table`` in memory (pinned while it is read), or None."""
        with self.pinned() as w:
            files = w.files(table)
            if not files:
                return None
            return pa.concat_tables([pq.read_table(f) for f in files]).cast(
                TABLES[table].arrow_schema())

    # -- importing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / ".lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WarehouseError(f"另一个导入正在写入 {self.home}，请稍后再试",
                                     f"another import is writing to {self.home}; try again later"
                                     ) from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def import_folder(self, data_dir: Path, *, user: str | None = None, force: bool = False,
                      progress: Progress | None = None) -> ImportResult:
        """Validate every table file in ``data_dir`` and store them all, or nothing."""
        if self.is_pinned:
            raise WarehouseError("固定快照的只读视图不能导入数据",
                                 "a pinned (read-only) view of the warehouse cannot import")
        started = time.perf_counter()
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            raise WarehouseError(f"找不到数据文件夹：{data_dir}", f"no such data folder: {data_dir}")
        sources, problems, ignored = discover(data_dir)
        if problems:
            raise ContractError(problems)
        if not sources:
            raise WarehouseError(
                f"{data_dir} 中没有数据契约的表文件（如 orders.csv、institutions.xlsx）",
                f"no contract table files (e.g. orders.csv, institutions.xlsx) in {data_dir}")
        with self._locked():
            try:
                result = self._import(sources, user=user or getpass.getuser(), force=force,
                                      progress=progress or (lambda _m: None))
            except (OSError, duckdb.IOException, duckdb.OutOfMemoryException) as exc:
                raise _write_failed(self.home, str(exc)) from exc
        result.ignored = ignored
        result.seconds = time.perf_counter() - started
        return result

    def import_tables(self, tables: dict[str, pa.Table], *, source: str = "web",
                      user: str | None = None) -> ImportResult:
        """Validate and store in-memory tables (column names as in the contract)."""
        with tempfile.TemporaryDirectory(prefix="jicai-import-") as tmp:
            for name, t in tables.items():
                if name not in TABLES:
                    raise WarehouseError(f"未知的表：{name}", f"unknown table: {name}")
                pq.write_table(t, Path(tmp) / f"{name}.parquet")
            return self.import_folder(Path(tmp), user=user or source)

    def _import(self, sources: list[SourceFile], *, user: str, force: bool,
                progress: Progress) -> ImportResult:
        manifest = self.manifest()
        old_tables: dict[str, Any] = manifest["tables"]
        seen = {t: {i["sha256"] for i in info.get("imports", [])}
                for t, info in old_tables.items()}
        result = ImportResult(snapshot=self.current_id)
        progress(f"计算 {len(sources)} 个文件的校验和 / hashing {len(sources)} file(s)")
        # hashlib releases the GIL on large blocks: the files are hashed side by side.
        with ThreadPoolExecutor(max_workers=min(4, len(sources))) as pool:
            shas = dict(zip((s.table for s in sources), pool.map(SourceFile.sha256, sources),
                            strict=True))
        todo: list[SourceFile] = []
        for src in sources:
            if not force and shas[src.table] in seen.get(src.table, set()):
                rows = int(old_tables[src.table]["rows"])
                result.tables.append(TableResult(src.table, src.label, "unchanged", 0, rows))
            else:
                todo.append(src)
        if not todo:
            return result

        staging_root = self.home / "staging"
        shutil.rmtree(staging_root, ignore_errors=True)  # leftovers of a killed import
        staging_root.mkdir(parents=True)
        new_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        new_dir = staging_root / new_id
        new_dir.mkdir()
        scratch = staging_root / "checked"
        scratch.mkdir()
        # Row order inside the warehouse files carries no meaning; not keeping it lets
        # DuckDB stream every file through both cores without buffering.
        con = duckdb.connect(config=duck.config(staging_root / "duckdb-tmp"))
        con.execute("SET enable_progress_bar = false")  # jicai reports its own progress
        try:
            checked = self._check(con, todo, shas, scratch, result, progress)
            tables_info = {t: dict(v) for t, v in old_tables.items()}
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for name in TABLES:
                if name in checked:
                    c = checked[name]
                    progress(f"写入 {name} / writing {name}")
                    info = self._write_table(con, c, new_dir)
                    info["imports"] = [*old_tables.get(name, {}).get("imports", []), {
                        "file": c.source.label,
                        "path": str(c.source.path.resolve()),
                        "format": c.source.fmt,
                        # utf-8, utf-8-sig or gb18030 for CSV (recognised per file)
                        "encoding": c.source.encoding,
                        "sha256": c.sha256,
                        "rows": c.rows,
                        "extra_columns": c.extras,
                        "imported_at": now,
                        "user": user,
                        "snapshot": new_id,
                    }]
                    tables_info[name] = info
                    result.tables.append(TableResult(name, c.source.label, "imported",
                                                     c.rows, info["rows"]))
                elif name in old_tables:
                    for f in old_tables[name]["files"]:
                        _link(self.snapshot_dir / f, new_dir / f)  # type: ignore[operator]
                    for f in old_tables[name].get("extra_files", []):
                        _link(self.snapshot_dir / f, new_dir / f)  # type: ignore[operator]
            derived = self._derive(con, tables_info, set(checked), new_dir, progress)
            con.close()
            shutil.rmtree(scratch, ignore_errors=True)
            new_manifest = {
                "contract_version": CONTRACT_VERSION,
                "snapshot": new_id,
                "parent": self.current_id,
                "tables": tables_info,
                "derived": derived,
                "imports": [*manifest.get("imports", []), {
                    "snapshot": new_id, "at": now, "user": user,
                    "files": [c.source.label for c in checked.values()],
                }],
            }
            (new_dir / "manifest.json").write_text(
                json.dumps(new_manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            self._commit(new_dir, new_id)
        except BaseException:
            con.close()
            # A refused or failed import leaves nothing behind (a killed one leaves
            # staging/, which the next import clears).
            shutil.rmtree(staging_root, ignore_errors=True)
            raise
        result.snapshot = new_id
        return result

    def _check(self, con: duckdb.DuckDBPyConnection, todo: list[SourceFile],
               shas: dict[str, str], scratch: Path, result: ImportResult,
               progress: Progress) -> dict[str, Checked]:
        """Every source checked and written to ``scratch`` — or a ContractError naming
        every problem of every file."""
        checked: dict[str, Checked] = {}
        failure = ""
        for src in todo:
            progress(f"校验 {src.label} / validating {src.label}")
            try:
                checked[src.table] = write_checked(con, src, scratch, shas[src.table])
            except RowFault as exc:
                failure = str(exc)
                break
        notices: list[str] = []
        if not failure:
            progress("检查主键与引用 / checking keys and references")
            if not key_and_reference_faults(con, checked, self.relation_sql, notices):
                result.notices = notices
                return checked
        # Something is wrong: go through every file again, keeping row numbers, to name
        # every problem at once. This costs a copy of the data, but only for a bad import.
        progress("列出全部问题 / listing every problem")
        # Row numbers come from insertion order here: it is kept.
        diag = duckdb.connect(config={**duck.config(scratch.parent / "duckdb-tmp"),
                                      "preserve_insertion_order": True})
        try:
            _staged, problems, _notices = stage(diag, todo, self.relation_sql)
        finally:
            diag.close()
        if problems:
            raise ContractError(problems)
        if failure and _NO_SPACE in failure:
            raise _write_failed(self.home, failure)
        raise WarehouseError(f"导入失败：{failure or '主键或引用检查出错'}",
                             f"the import failed: {failure or 'key or reference check failed'}")

    def _write_table(self, con: duckdb.DuckDBPyConnection, c: Checked, new_dir: Path
                     ) -> dict[str, Any]:
        table = c.table
        info: dict[str, Any] = {"files": [], "extra_files": []}
        if table.partition_by:
            files = self._write_partitioned(con, c, new_dir)
        else:
            old = self.relation_sql(table.name)
            merged = c.relation
            if old is not None:
                merged = f"({_keep_old(table, old, c.relation)} UNION ALL " \
                         f"SELECT * FROM {c.relation})"
            rel = f"{table.name}.parquet"
            con.execute(f"COPY (SELECT * FROM {merged} ORDER BY {_key_order(table)}) "
                        f"TO {lit(str(new_dir / rel))} ({PARQUET})")
            files = [rel]
        info["files"] = files
        parts = ", ".join(lit(str(new_dir / f)) for f in files)
        info["rows"] = count(con, f"SELECT count(*) FROM read_parquet([{parts}], "
                                  "hive_partitioning=false)")
        old_extras = self.manifest()["tables"].get(table.name, {}).get("extra_files", [])
        for f in old_extras:
            _link(self.snapshot_dir / f, new_dir / f)  # type: ignore[operator]
        info["extra_files"] = list(old_extras)
        if c.extras_file is not None:
            rel = f"extras/{table.name}/{c.sha256[:16]}.parquet"
            (new_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(c.extras_file, new_dir / rel)
            info["extra_files"].append(rel)
        return info

    def _derive(self, con: duckdb.DuckDBPyConnection, tables_info: dict[str, Any],
                changed: set[str], new_dir: Path, progress: Progress) -> dict[str, Any]:
        """The derived facts of the new snapshot (``jicai.engine.facts``): derived again
        when the import changed one of their inputs (or the stored one is of another
        version), else the previous snapshot's file, hard-linked."""
        import ibis

        from jicai.engine import facts

        old = self.manifest().get("derived", {})
        out: dict[str, Any] = {}
        for name, inputs in facts.INPUTS.items():
            if not all(t in tables_info for t in inputs):
                continue
            prev = old.get(name)
            if prev is not None and prev.get("version") == facts.VERSION \
                    and not changed & set(inputs):
                for f in prev["files"]:
                    _link(self.snapshot_dir / f, new_dir / f)  # type: ignore[operator]
                out[name] = prev
                continue
            progress(f"推导 {name} / deriving {name}")
            icon = ibis.duckdb.from_connection(con)
            tables = {}
            for t in inputs:
                files = [str(new_dir / f) for f in tables_info[t]["files"]]
                r = icon.read_parquet(files, table_name=f"derive_{t}",
                                      hive_partitioning=False)
                tables[t] = r.select(*[r[c.name].cast(ibis_type(c.arrow_type)).name(c.name)
                                       for c in TABLES[t].columns])
            rel = f"derived/{name}.parquet"
            (new_dir / "derived").mkdir(exist_ok=True)
            sql = ibis.to_sql(facts.derive(name, tables), dialect="duckdb")
            con.execute(f"COPY ({sql}) TO {lit(str(new_dir / rel))} ({PARQUET})")
            rows = count(con, f"SELECT count(*) FROM read_parquet({lit(str(new_dir / rel))})")
            out[name] = {"files": [rel], "rows": rows, "version": facts.VERSION,
                         "inputs": list(inputs)}
        return out

    def derived_files(self, name: str) -> list[Path]:
        """The files of derived table ``name`` in the live snapshot (empty when the
        snapshot has none, or one of another version)."""
        from jicai.engine import facts

        m = self.manifest()
        info = m.get("derived", {}).get(name)
        d = self.home / "snapshots" / m["snapshot"] if "snapshot" in m else self.snapshot_dir
        if d is None or info is None or info.get("version") != facts.VERSION:
            return []
        return [d / f for f in info["files"]]

    def _write_partitioned(self, con: duckdb.DuckDBPyConnection, c: Checked,
                           new_dir: Path) -> list[str]:
        """One file per month of ``partition_by``. Months only the new rows have are the
        checked files themselves, moved; months only the old snapshot has (with no row
        replaced) are hard-linked; a month both have is written again, merged."""
        table = c.table
        col = q(table.partition_by or "")
        month = f"strftime({col}, '%Y-%m')"
        old_files: dict[str, list[str]] = {}
        for f in self.manifest()["tables"].get(table.name, {}).get("files", []):
            if Path(f).stem != "empty":
                old_files.setdefault(Path(f).stem[:7], []).append(f)
        rewrite: set[str] = set()
        old = self.relation_sql(table.name)
        if old is not None and old_files:
            keys = ", ".join(q(k) for k in table.key)
            replaced = {r[0] for r in con.execute(
                f"SELECT DISTINCT strftime(o.{col}, '%Y-%m') FROM {old} o "
                f"WHERE EXISTS (SELECT 1 FROM (SELECT {keys} FROM {c.relation}) n "
                f"WHERE {_same_key(table)})").fetchall()}
            rewrite = (replaced | set(c.parts)) & set(old_files)
        out = new_dir / table.name
        out.mkdir(parents=True, exist_ok=True)
        files: list[str] = []

        def place(m: str, pieces: list[Path]) -> None:
            for i, piece in enumerate(sorted(pieces)):
                rel = f"{table.name}/{m}.parquet" if len(pieces) == 1 \
                    else f"{table.name}/{m}_{i}.parquet"
                os.rename(piece, new_dir / rel)
                files.append(rel)

        if rewrite:
            months = ", ".join(lit(m) for m in sorted(rewrite))
            merged = (f"SELECT * FROM ({_keep_old(table, old or '', c.relation)}) "
                      f"WHERE {month} IN ({months}) UNION ALL "
                      f"SELECT * FROM {c.relation} WHERE {month} IN ({months})")
            scratch = new_dir / f".{table.name}-merged"
            con.execute(f"COPY (SELECT *, {month} AS __month FROM ({merged})) "
                        f"TO {lit(str(scratch))} ({PARQUET}, "
                        f"PARTITION_BY (__month), OVERWRITE_OR_IGNORE)")
            if scratch.exists():
                for part in sorted(scratch.iterdir()):  # __month=2025-01/data_0.parquet …
                    place(part.name.split("=", 1)[1], list(part.glob("*.parquet")))
                shutil.rmtree(scratch)
        # Moved only now: the merge above reads every new row to find replaced keys.
        for m, pieces in c.parts.items():
            if m not in rewrite:
                place(m, pieces)
        for m, rels in old_files.items():
            if m not in rewrite:
                for rel in rels:
                    _link(self.snapshot_dir / rel, new_dir / rel)  # type: ignore[operator]
                    files.append(rel)
        if not files:  # no rows at all: keep the schema in one empty file
            rel = f"{table.name}/empty.parquet"
            con.execute(f"COPY {empty_relation(table)} TO {lit(str(new_dir / rel))} "
                        "(FORMAT parquet)")
            files.append(rel)
        return sorted(files)

    def _commit(self, new_dir: Path, new_id: str) -> None:
        """Make ``new_dir`` the live snapshot: the only step that changes what readers see."""
        _fsync_tree(new_dir)
        snapshots = self.home / "snapshots"
        snapshots.mkdir(exist_ok=True)
        previous = self.current_id
        os.rename(new_dir, snapshots / new_id)
        _fsync_dir(snapshots)
        tmp = self.home / "CURRENT.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(new_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.home / "CURRENT")
        # The import is done. What follows only tidies up: a full disk or a busy file
        # here must not report a committed import as failed.
        with contextlib.suppress(OSError):
            _fsync_dir(self.home)
            shutil.rmtree(self.home / "staging", ignore_errors=True)
            # Keep the previous snapshot for an unpinned reader that may still be on it,
            # and every snapshot a reader has pinned; drop the others.
            self._prune(keep={new_id, previous})

    def _prune(self, keep: set[str | None]) -> None:
        """Remove every snapshot not in ``keep`` that no reader has pinned.

        The exclusive lock is always taken (the lock file created if need be): a reader
        that read CURRENT but has not pinned yet then waits, finds the snapshot gone and
        reads CURRENT again. A snapshot is renamed away before it is deleted, so a reader
        never sees half of one.
        """
        pins = self.home / "pins"
        pins.mkdir(exist_ok=True)
        for d in sorted((self.home / "snapshots").iterdir()):
            if d.name in keep or not d.is_dir():
                continue
            if d.name.startswith(".pruned-"):  # left by a prune that was killed
                shutil.rmtree(d, ignore_errors=True)
                continue
            lock = pins / f"{d.name}.lock"
            with lock.open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # pinned by a reader: a later import prunes it
                trash = self.home / "snapshots" / f".pruned-{d.name}"
                os.rename(d, trash)
                shutil.rmtree(trash, ignore_errors=True)
                lock.unlink(missing_ok=True)
        # Locks left by readers of snapshots pruned long ago.
        live = {d.name for d in (self.home / "snapshots").iterdir()}
        for lock in pins.glob("*.lock"):
            if lock.stem in live:
                continue
            with lock.open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                lock.unlink(missing_ok=True)


_NO_SPACE = "No space left on device"


def _write_failed(home: Path, detail: str) -> WarehouseError:
    """The import could not write (a full disk, a read-only folder …): nothing changed."""
    first = detail.strip().splitlines()[0] if detail.strip() else detail
    if _NO_SPACE in detail or "errno 28" in detail.lower() or '"errno":"28"' in detail:
        return WarehouseError(
            f"磁盘空间不足，导入未完成；仓库 {home} 保持导入前的状态。请释放空间后重新导入。",
            f"The disk is full: the import did not complete and the warehouse {home} is "
            f"as it was before. Free some space and import again.")
    return WarehouseError(
        f"无法写入仓库 {home}，导入未完成，仓库保持导入前的状态：{first}",
        f"Cannot write to the warehouse {home}: the import did not complete and the "
        f"warehouse is as it was before: {first}")


def _same_key(table: Table) -> str:
    """Rows ``n`` (new) and ``o`` (old) have the same key."""
    return " AND ".join(f"n.{q(k)} IS NOT DISTINCT FROM o.{q(k)}" for k in table.key)


def _keep_old(table: Table, old: str, new: str) -> str:
    """The rows of ``old`` whose key is not among ``new``'s."""
    return (f"SELECT * FROM {old} o WHERE NOT EXISTS "
            f"(SELECT 1 FROM {new} n WHERE {_same_key(table)})")


def _key_order(table: Table) -> str:
    return ", ".join(f"{q(k)} NULLS FIRST" for k in table.key)
