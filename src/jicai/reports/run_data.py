"""What a document reads: one monitor run's files, and the warehouse's names.

A document never recomputes a figure: it reads the run folder the monitor wrote
(``alerts.parquet``, ``progress.parquet``, ``assessment.parquet``, ``run.json`` and
``figures/*.parquet``) and takes display names (institutions, regions, varieties,
products, companies, batches) from the warehouse's reference tables. The run is
either given (``--run OUT``) or made here once, at the document's as-of day, and
written to ``OUT/run/`` beside the documents so that every number can be traced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jicai.errors import JicaiError
from jicai.policy.profiles import Profile, load_profile
from jicai.warehouse.store import Warehouse

FIGURE_FILES = ("figures", "cycles", "alerts", "rankings")

Step = Callable[[str], None]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str | None
    level: str  # province | city | county


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    region_code: str
    kind: str


@dataclass
class Names:
    """Display names from the warehouse's reference tables (small tables)."""

    regions: dict[str, Region] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    varieties: dict[str, str] = field(default_factory=dict)
    products: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # generic, spec, maker
    companies: dict[str, str] = field(default_factory=dict)
    batches: dict[str, str] = field(default_factory=dict)
    variety_products: dict[str, set[str]] = field(default_factory=dict)
    awarded: dict[str, set[str]] = field(default_factory=dict)  # batch → awarded products

    def nonwinning_listed(self, batch_code: str, variety_code: str) -> int:
        """Products of the variety in the catalogue that the batch did not award
        (Jiangsu's 对应非中选产品数)."""
        return len(self.variety_products.get(variety_code, set())
                   - self.awarded.get(batch_code, set()))

    def region(self, code: str | None) -> str:
        if code is None:
            return ""
        r = self.regions.get(code)
        return r.name if r else code

    def institution(self, code: str | None) -> str:
        if code is None:
            return ""
        i = self.institutions.get(code)
        return i.name if i else code

    def variety(self, code: str | None) -> str:
        return "" if code is None else self.varieties.get(code, code)

    def batch(self, code: str | None) -> str:
        return "" if code is None else self.batches.get(code, code)

    def product(self, code: str | None) -> str:
        if code is None:
            return ""
        p = self.products.get(code)
        return f"{p[0]} {p[1]}" if p else code

    def maker(self, code: str | None) -> str:
        if code is None:
            return ""
        p = self.products.get(code)
        return self.companies.get(p[2], p[2]) if p else ""

    def company(self, code: str | None) -> str:
        return "" if code is None else self.companies.get(code, code)

    def ancestors(self, region_code: str) -> list[str]:
        """``region_code`` and its parents up to the province, nearest first."""
        out: list[str] = []
        code: str | None = region_code
        while code is not None and code in self.regions and code not in out:
            out.append(code)
            code = self.regions[code].parent
        return out

    def within(self, region_code: str, scope: str | None) -> bool:
        """Whether ``region_code`` lies in the region ``scope`` (None: everywhere)."""
        return scope is None or scope in self.ancestors(region_code)

    def province(self) -> str | None:
        for r in self.regions.values():
            if r.level == "province":
                return r.code
        return None

    def chain(self, institution_code: str) -> dict[str, str]:
        """The county, city and province codes an institution lies in (by level)."""
        inst = self.institutions.get(institution_code)
        if inst is None:
            return {}
        return {self.regions[c].level: c for c in self.ancestors(inst.region_code)}


def load_names(warehouse: Warehouse) -> Names:
    def read(table: str, cols: Iterable[str]) -> list[dict[str, Any]]:
        t = warehouse.read(table)
        return [] if t is None else t.select(list(cols)).to_pylist()

    n = Names()
    for r in read("regions", ("region_code", "name", "parent_code", "level")):
        n.regions[r["region_code"]] = Region(r["region_code"], r["name"], r["parent_code"],
                                             r["level"])
    for r in read("institutions", ("institution_code", "name", "region_code", "kind")):
        n.institutions[r["institution_code"]] = Institution(
            r["institution_code"], r["name"], r["region_code"], r["kind"])
    for r in read("companies", ("company_code", "name")):
        n.companies[r["company_code"]] = r["name"]
    for r in sorted(read("products", ("product_code", "generic_name", "spec", "variety_code",
                                      "company_code")), key=lambda x: x["product_code"]):
        n.products[r["product_code"]] = (r["generic_name"], r["spec"], r["company_code"])
        n.varieties.setdefault(r["variety_code"], r["generic_name"])
        n.variety_products.setdefault(r["variety_code"], set()).add(r["product_code"])
    for r in read("awards", ("batch_code", "product_code")):
        n.awarded.setdefault(r["batch_code"], set()).add(r["product_code"])
    for r in read("batches", ("batch_code", "name")):
        n.batches[r["batch_code"]] = r["name"]
    return n


@dataclass
class RunData:
    """One monitor run, read back from its folder."""

    folder: Path
    as_of: date
    profile: Profile
    snapshot: str | None
    alerts: pa.Table
    progress: pa.Table
    assessment: pa.Table
    figures: pa.Table
    cycles: pa.Table
    alert_counts: pa.Table
    rankings: pa.Table
    names: Names
    rules: list[dict[str, Any]]

    def figure_rows(self, *, scope: str, period: str | None = None,
                    period_kind: str | None = None, codes: set[str] | None = None,
                    region_code: str | None = None) -> list[dict[str, Any]]:
        """Rows of ``figures.parquet`` for a scope and a period (optionally some codes)."""
        return _rows(self.figures, scope=scope, period=period, period_kind=period_kind,
                     codes=codes, region_code=region_code)

    def alerts_of(self, rule_id: str) -> list[dict[str, Any]]:
        """The run's alerts of one rule (filtered in Arrow: a province has millions)."""
        if self.alerts.num_rows == 0:
            return []
        rows: list[dict[str, Any]] = self.alerts.filter(
            pc.equal(self.alerts.column("rule_id"), rule_id)).to_pylist()
        return rows

    def ranked(self, ranking: str, period: str) -> list[dict[str, Any]]:
        """Rows of one ranking for one period (any scope), in rank order within a scope."""
        t = self.rankings
        if t.num_rows == 0:
            return []
        rows: list[dict[str, Any]] = t.filter(pc.and_(
            pc.equal(t.column("ranking"), ranking),
            pc.equal(t.column("period"), period))).to_pylist()
        return sorted(rows, key=lambda r: (r["scope"], r["rank"]))

    def figure(self, scope: str, code: str, period: str,
               region_code: str | None = None) -> dict[str, Any]:
        rows = self.figure_rows(scope=scope, period=period, codes={code},
                                region_code=region_code)
        return rows[0] if rows else {}


def _rows(t: pa.Table, *, scope: str, period: str | None = None,
          period_kind: str | None = None, codes: set[str] | None = None,
          region_code: str | None = None) -> list[dict[str, Any]]:
    if t.num_rows == 0:
        return []
    mask = pc.equal(t.column("scope"), scope)
    if period is not None:
        mask = pc.and_(mask, pc.equal(t.column("period"), period))
    if period_kind is not None:
        mask = pc.and_(mask, pc.equal(t.column("period_kind"), period_kind))
    if codes is not None:
        mask = pc.and_(mask, pc.is_in(t.column("code"), pa.array(sorted(codes), pa.string())))
    if region_code is not None:
        mask = pc.and_(mask, pc.equal(t.column("region_code"), region_code))
    rows: list[dict[str, Any]] = t.filter(mask).to_pylist()
    return rows


def _read(path: Path, required: bool = True) -> pa.Table:
    if not path.exists():
        if required:
            raise JicaiError(f"监测结果目录缺少文件：{path}（请用新版 jicai monitor 重新运行）",
                             f"the run folder lacks {path} (run jicai monitor again)")
        return pa.table({})
    return pq.read_table(path)


def load_run(folder: Path, warehouse: Warehouse, profile: str | None = None) -> RunData:
    """Read the run ``folder`` (written by ``jicai monitor``) and the warehouse's names."""
    info_path = folder / "run.json"
    if not info_path.exists():
        raise JicaiError(f"{folder} 不是监测结果目录（缺少 run.json）",
                         f"{folder} is not a monitor output folder (no run.json)")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    src = info.get("profile_source", "")
    prof = load_profile(profile or (src.removeprefix("builtin:") if src.startswith("builtin:")
                                    else src or info["profile"]))
    if prof.id != info["profile"]:
        raise JicaiError(f"监测结果按「{info['profile']}」配置生成，与 --profile {prof.id} 不符",
                         f"the run used profile {info['profile']!r}, not {prof.id!r}")
    figs = folder / "figures"
    return RunData(
        folder=folder, as_of=date.fromisoformat(info["as_of"]), profile=prof,
        snapshot=info.get("warehouse_snapshot"),
        alerts=_read(folder / "alerts.parquet"),
        progress=_read(folder / "progress.parquet"),
        assessment=_read(folder / "assessment.parquet", required=False),
        figures=_read(figs / "figures.parquet"),
        cycles=_read(figs / "cycles.parquet"),
        alert_counts=_read(figs / "alerts.parquet"),
        rankings=_read(figs / "rankings.parquet"),
        names=load_names(warehouse),
        rules=list(info.get("rules", [])),
    )


def make_run(warehouse: Warehouse, as_of: date, profile: Profile, out: Path,
             progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Run the monitor once at ``as_of`` and write its files (no workbook) to ``out``."""
    from jicai.engine.run import run_monitor
    from jicai.reports.monitor_files import write_outputs

    if warehouse.current_id is None:
        raise JicaiError(f"仓库 {warehouse.home} 为空：请先运行 jicai import",
                         f"the warehouse {warehouse.home} is empty: run jicai import first")
    result = run_monitor(warehouse, as_of, profile, progress=progress)
    write_outputs(result, out, xlsx=False)
    return out
