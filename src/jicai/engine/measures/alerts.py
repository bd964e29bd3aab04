"""``alerts.parquet``: the run's alerts counted per scope, rule and severity, and the
``alerts`` / ``alerts_critical`` columns of the year-to-date rows of figures.parquet."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

SCHEMA = pa.schema([("scope", pa.string()), ("code", pa.string()), ("name", pa.string()),
                    ("region_code", pa.string()), ("rule_id", pa.string()),
                    ("severity", pa.string()), ("alerts", pa.int64())])


def alert_counts(alerts: pa.Table, membership: pa.Table, institutions: pa.Table,
                 regions: pa.Table, province: str | None) -> pa.Table:
    """Counts per (scope, code, rule, severity). ``membership`` = (institution_code, scope,
    code, region_code); ``institutions`` = (institution_code, name, region_code);
    ``regions`` = (code, name)."""
    if alerts.num_rows == 0:
        return SCHEMA.empty_table()
    by_inst = alerts.select(["institution_code", "rule_id", "severity"]).group_by(
        ["institution_code", "rule_id", "severity"]).aggregate([([], "count_all")])
    by_inst = by_inst.rename_columns(["institution_code", "rule_id", "severity", "alerts"])
    parts = []
    known = by_inst.filter(pc.is_valid(by_inst.column("institution_code")))
    inst = known.join(institutions, "institution_code", join_type="inner")
    parts.append(pa.table({
        "scope": pa.array(["institution"] * inst.num_rows, pa.string()),
        "code": inst.column("institution_code"), "name": inst.column("name"),
        "region_code": inst.column("region_code"), "rule_id": inst.column("rule_id"),
        "severity": inst.column("severity"), "alerts": inst.column("alerts")}))
    m = membership.filter(pc.not_equal(membership.column("scope"), "province"))
    reg = known.join(m, "institution_code", join_type="inner")
    if reg.num_rows:
        reg = reg.group_by(["scope", "code", "region_code", "rule_id", "severity"]).aggregate(
            [("alerts", "sum")]).rename_columns(
            ["scope", "code", "region_code", "rule_id", "severity", "alerts"])
        reg = reg.join(regions, "code", join_type="left outer")
        parts.append(reg.select(SCHEMA.names))
    prov = by_inst.group_by(["rule_id", "severity"]).aggregate([("alerts", "sum")])
    n = prov.num_rows
    parts.append(pa.table({
        "scope": pa.array(["province"] * n, pa.string()),
        "code": pa.array([province] * n, pa.string()),
        "name": pa.array([_name(regions, province)] * n, pa.string()),
        "region_code": pa.array([None] * n, pa.string()),
        "rule_id": prov.column("rule_id"), "severity": prov.column("severity"),
        "alerts": prov.column("alerts_sum")}))
    t = pa.concat_tables([p.select(SCHEMA.names).cast(SCHEMA) for p in parts])
    return t.sort_by([(k, "ascending", "at_start") for k in
                      ("scope", "code", "region_code", "rule_id", "severity")])


def _name(regions: pa.Table, code: str | None) -> str | None:
    if code is None:
        return None
    for c, n in zip(regions.column("code").to_pylist(), regions.column("name").to_pylist(),
                    strict=True):
        if c == code:
            return str(n)
    return None


def add_to_figures(figures: pa.Table, counts: pa.Table, ytd: str) -> pa.Table:
    """Fill ``alerts`` and ``alerts_critical`` of the ytd rows of the area scopes (0 where
    the scope has none); other rows keep NULL."""
    tot: dict[tuple[str, str | None], int] = {}
    crit: dict[tuple[str, str | None], int] = {}
    for s, c, sev, n in zip(*(counts.column(k).to_pylist() for k in
                              ("scope", "code", "severity", "alerts")), strict=True):
        tot[(s, c)] = tot.get((s, c), 0) + n
        if sev == "critical":
            crit[(s, c)] = crit.get((s, c), 0) + n
    area = {"province", "city", "county", "institution"}
    a: list[int | None] = []
    b: list[int | None] = []
    for p, s, c in zip(*(figures.column(k).to_pylist() for k in ("period", "scope", "code")),
                       strict=True):
        if p == ytd and s in area:
            a.append(tot.get((s, c), 0))
            b.append(crit.get((s, c), 0))
        else:
            a.append(None)
            b.append(None)
    i = figures.schema.get_field_index("alerts")
    figures = figures.set_column(i, "alerts", pa.array(a, pa.int64()))
    j = figures.schema.get_field_index("alerts_critical")
    return figures.set_column(j, "alerts_critical", pa.array(b, pa.int64()))
