"""The same rule definitions give the same files on DuckDB and on Spark (local mode)."""

from datetime import date
from pathlib import Path

import pytest

from builders import write
from jicai.engine.run import run_monitor
from jicai.policy.profiles import BUILTIN, Profile, load_profile, parse_profile
from jicai.reports.monitor_files import write_outputs
from jicai.warehouse.store import Warehouse
from parity_data import lapse_tables

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (pip install '.[spark]')")



def every_rule_profile() -> Profile:
    """Every rule any built-in profile switches on, in one run (Spark is slow per query)."""
    rules: dict[str, dict[str, object]] = {}
    for name in BUILTIN:
        for rid, cfg in load_profile(name).rules.items():
            rules.setdefault(rid, {"clause": cfg.clause, **cfg.settings})
    return parse_profile({"profile": {"id": "all"}, "rules": rules,
                          "calculation": {"backup_counts_as_winning": True}}, "test:all")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("parity")
    w = Warehouse(root / "home")
    w.import_folder(write(lapse_tables(), root / "data"))
    return w


@pytest.mark.spark
def test_duckdb_and_spark_write_identical_files(warehouse: Warehouse, tmp_path: Path) -> None:
    p = every_rule_profile()
    assert len(p.rules) == 22
    as_of = date(2025, 10, 31)
    duck = run_monitor(warehouse, as_of, p, engine="duckdb")
    spark = run_monitor(warehouse, as_of, p, engine="spark")
    fired = {r.rule_id for r in duck.rules if r.alerts}
    assert len(fired) == 20  # every rule of contract v1 fires on this data
    write_outputs(duck, tmp_path / "duckdb", xlsx=False)
    write_outputs(spark, tmp_path / "spark", xlsx=False)
    for name in ("alerts.csv", "progress.csv", "prepayment.csv", "assessment.csv"):
        a = (tmp_path / "duckdb" / name).read_text(encoding="utf-8")
        b = (tmp_path / "spark" / name).read_text(encoding="utf-8")
        assert a == b, name
    # A cluster reads a copy of the home from its own storage (here a file:// URL of a copy).
    import shutil

    copy = tmp_path / "synced-home"
    shutil.copytree(warehouse.home, copy)
    remote = run_monitor(warehouse, as_of, p, engine="spark", warehouse_url=copy.as_uri())
    assert remote.alerts.equals(spark.alerts)
    assert remote.progress.equals(spark.progress)
    with pytest.raises(Exception, match=r"PATH_NOT_FOUND|does not exist"):  # files come from the URL
        run_monitor(warehouse, as_of, p, engine="spark",
                    warehouse_url=(tmp_path / "nowhere").as_uri())
