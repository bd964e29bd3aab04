"""The web app's only doors to the warehouse and the engine.

The engine never imports the web app; the web app reaches the engine through
these few functions, so a change in the engine's signatures touches one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings

from jicai.web import clock


def home() -> Path:
    return Path(settings.HOME)


def warehouse() -> Any:
    from jicai.warehouse.store import Warehouse

    return Warehouse(home())


@contextlib.contextmanager
def pinned() -> Iterator[Any]:
    """The warehouse pinned on its live snapshot for the block: several tables read
    through it come from one snapshot, and no import prunes it meanwhile."""
    with warehouse().pinned() as w:
        yield w


def read_table(name: str) -> pa.Table | None:
    """The live contract table ``name`` of the home's warehouse, or None."""
    return warehouse().read(name)  # type: ignore[no-any-return]


def count_rows(name: str, **equal: Any) -> int:
    """Rows of the live contract table ``name`` whose columns equal ``equal`` (0 if absent)."""
    import duckdb

    with pinned() as w:
        relation = w.relation_sql(name)
        if relation is None:
            return 0
        where = " AND ".join(f'"{k}" = ?' for k in equal) or "true"
        con = duckdb.connect()
        try:
            row = con.execute(f"SELECT count(*) FROM {relation} WHERE {where}",
                              list(equal.values())).fetchone()
        finally:
            con.close()
    return int(row[0]) if row else 0


def has_data() -> bool:
    return bool(warehouse().current_id)


def import_tables(tables: dict[str, pa.Table], user: str) -> Any:
    """Validate and store ``tables``; ContractError (with every problem) if they break it."""
    return warehouse().import_tables(tables, source="web", user=user)


def run_monitor(as_of: dt.date, profile: str, progress: Any = None) -> Any:
    """A monitor run over the home's warehouse; returns the engine's MonitorResult.
    ``progress(what, i, n)`` hears the engine's steps (rule i of n)."""
    from jicai.engine.run import run_monitor as engine_run
    from jicai.policy.profiles import load_profile

    with warnings.catch_warnings():
        # Ibis 12 on DuckDB 2 emits the libraries' own deprecation notices
        # (fetch_arrow_table); they say nothing about the run (as in the engine's tests).
        warnings.simplefilter("ignore", DeprecationWarning)
        return engine_run(warehouse(), as_of, load_profile(profile), calendar=clock.calendar(),
                          progress=progress)


def demand_ratio(profile: str) -> float | None:
    """The ``demand.below_history`` ratio of the profile, or None when the rule is off."""
    from jicai.policy.profiles import load_profile

    rule = load_profile(profile).rules.get("demand.below_history")
    return None if rule is None else float(rule.settings["ratio"])


def rule_codes() -> dict[str, str]:
    """Rule id → its short code in rules.md (P1, R1 …), from the engine's registry."""
    from jicai.engine.registry import RULES, load_all

    load_all()
    return {rid: r.code for rid, r in RULES.items()}


def rule_titles() -> dict[str, tuple[str, str]]:
    """Rule id → (Chinese title, English title), from the engine's registry."""
    from jicai.engine.registry import RULES, load_all

    load_all()
    return {rid: (r.title_zh, r.title_en) for rid, r in RULES.items()}
