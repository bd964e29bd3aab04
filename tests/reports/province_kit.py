"""A small real province for the document tests: the demo generator at ``lines="tiny"``,
imported into a warehouse and monitored (figures included) once per profile used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jicai.demo.generate import generate
from jicai.engine.run import run_monitor
from jicai.policy.profiles import load_profile
from jicai.reports.monitor_files import write_outputs
from jicai.warehouse.store import Warehouse


@dataclass
class Province:
    home: Path
    warehouse: Warehouse
    as_of: date
    runs: dict[str, Path]  # profile → monitor output folder at as_of

    def figures(self, profile: str, name: str = "figures") -> list[dict[str, object]]:
        rows: list[dict[str, object]] = pq.read_table(
            self.runs[profile] / "figures" / f"{name}.parquet").to_pylist()
        return rows


def build_province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    root = tmp_path_factory.mktemp("documents")
    summary = generate(root / "data", lines="tiny", fmt="parquet")
    w = Warehouse(root / "home")
    w.import_folder(root / "data")
    runs = {}
    for name in ("henan",):
        out = root / "runs" / name
        write_outputs(run_monitor(w, summary.as_of, load_profile(name)), out, xlsx=False)
        runs[name] = out
    return Province(root / "home", w, summary.as_of, runs)
