"""Every figure of ``shared/spec/figures.md``, computed once per run for every scope and
period, as Ibis expressions over the contract tables (the same on DuckDB and Spark).

``compute(ctx, alerts)`` returns the four tables the monitor writes into
``OUT/figures/`` (see ``docs/figures-files.md``): ``figures``, ``cycles``, ``alerts``
and ``rankings``. ``COLUMNS`` holds the indicators' ids, labels, kinds and formats.
"""

from __future__ import annotations

import pyarrow as pa

from jicai.engine.context import Context
from jicai.engine.measures.columns import BY_ID, COLUMNS, Column, physical_columns
from jicai.engine.measures.rankings import RANKINGS

__all__ = ["BY_ID", "COLUMNS", "FILES", "RANKINGS", "Column", "compute", "physical_columns"]

FILES = ("figures", "cycles", "alerts", "rankings")


def compute(ctx: Context, alerts: pa.Table) -> dict[str, pa.Table]:
    """The figures tables of a run (``alerts``: the run's alerts, for their counts)."""
    from jicai.engine.measures import alerts as alert_counts
    from jicai.engine.measures import build, cycles, rankings, scopes
    from jicai.engine.progress import PROGRESS_NEEDS

    out: dict[str, pa.Table] = {}
    figures = build.figures_table(ctx)
    con = ctx.con
    membership = con.to_pyarrow(scopes.membership(ctx))
    inst = con.to_pyarrow(scopes.institutions(ctx))
    regions = con.to_pyarrow(scopes.region_names(ctx))
    prov = [c for s, c in zip(membership.column("scope").to_pylist(),
                              membership.column("code").to_pylist(), strict=True)
            if s == "province"]
    counts = alert_counts.alert_counts(alerts, membership, inst, regions,
                                       min(prov) if prov else None)
    figures = alert_counts.add_to_figures(figures, counts, str(ctx.as_of.year))
    out["figures"] = figures
    if ctx.has(*PROGRESS_NEEDS):
        out["cycles"] = cycles.cycles_table(ctx)
    out["alerts"] = counts
    out["rankings"] = rankings.rankings_table(ctx, figures)
    return out
