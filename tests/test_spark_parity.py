"""The same rule definitions give the same files on DuckDB and on Spark (local mode)."""

from datetime import date
from pathlib import Path

import pytest

from builders import write
from jicai.engine.registry import load_all
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
    assert set(p.rules) == set(load_all())  # every registered rule is in some profile
    as_of = date(2025, 10, 31)
    # the rules' files here (the figures have their own comparison below): no figures
    duck = run_monitor(warehouse, as_of, p, engine="duckdb", figures=False)
    spark = run_monitor(warehouse, as_of, p, engine="spark", figures=False)
    fired = {r.rule_id for r in duck.rules if r.alerts}
    assert fired == set(p.rules)  # every rule fires on this data, the v1.1 ones included
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
    remote = run_monitor(warehouse, as_of, p, engine="spark", warehouse_url=copy.as_uri(),
                         figures=False)
    assert remote.alerts.equals(spark.alerts)
    assert remote.progress.equals(spark.progress)
    with pytest.raises(Exception, match=r"PATH_NOT_FOUND|does not exist"):  # files come from the URL
        run_monitor(warehouse, as_of, p, engine="spark", figures=False,
                    warehouse_url=(tmp_path / "nowhere").as_uri())


@pytest.mark.spark
def test_duckdb_and_spark_compute_the_same_figures(warehouse: Warehouse) -> None:
    """Every figures table (docs/figures-files.md) is the same on both engines: same rows,
    same order, integers equal, floats equal to 9 decimals (sums of floats may differ in
    the last bits with the order of addition)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    every = every_rule_profile()
    # a few rules (Spark is slow per query): the alert counts need some alerts
    wanted = ("progress.behind_schedule", "share.nonwinning_high", "online.rate_low",
              "delivery.overdue")
    p = parse_profile({"profile": {"id": "figures"}, "calculation": every.calculation,
                       "rules": {r: {"clause": every.rules[r].clause,
                                     **every.rules[r].settings} for r in wanted}},
                      "test:figures")
    as_of = date(2025, 10, 31)
    duck = run_monitor(warehouse, as_of, p, engine="duckdb")
    spark = run_monitor(warehouse, as_of, p, engine="spark")
    assert set(duck.figures) == {"figures", "cycles", "alerts", "rankings"}

    def rounded(t: pa.Table) -> pa.Table:
        cols = [pc.round(c, 9) if pa.types.is_floating(c.type) else c for c in t.columns]
        return pa.table(cols, names=t.column_names)

    for name, a in duck.figures.items():
        b = spark.figures[name]
        assert a.schema == b.schema, name
        assert a.num_rows == b.num_rows and a.num_rows > 0, name
        ra, rb = rounded(a), rounded(b)
        for col in a.column_names:
            assert ra.column(col).equals(rb.column(col)), (name, col)
