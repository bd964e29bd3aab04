"""Cases: the line-level alerts of a run grouped by rule × institution × counterparty × month.

A province's run raises millions of alerts about single order lines (late responses,
late deliveries, unpaid lines, prices above the listing or award, duplicated trace
codes). An officer handles them as *cases* (decision 0008): one row per rule ×
institution × counterparty × month, carrying the count, the worst figure and the total
amount. The lines themselves stay in a Parquet file of the run, sorted by the case's
fingerprint, and are read from it on demand (predicate pushdown on the sorted key).

Everything here runs in DuckDB over Arrow/Parquet: no Python loop over lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

# Rules whose ``ref`` holds one order line (or one trace code), and whom the case is
# about besides the institution: the order's distributor, or the product's maker
# (prices are the maker's; a trace code has no distributor).
DISTRIBUTOR, MAKER = "distributor", "maker"
LINE_RULES: dict[str, str] = {
    "order.unresponded_48h": DISTRIBUTOR,
    "order.escalation_24h": DISTRIBUTOR,
    "delivery.overdue": DISTRIBUTOR,
    "payment.overdue": DISTRIBUTOR,
    "price.above_listing": MAKER,
    "price.above_award": MAKER,
    "price.offline_above_listing": MAKER,
    "trace.duplicate_dispense": MAKER,
}
# Rules (of the above) whose ``ref`` is an order line: their month is that of the order.
ORDER_LINE_RULES = tuple(r for r in LINE_RULES if not r.startswith("trace."))
# Every line-level rule's figure is worse when larger (hours, days, a price, scans);
# a rule whose figure is worse when smaller would be listed here.
SMALLER_IS_WORSE: frozenset[str] = frozenset()

LINE_COLUMNS = ("rule_id", "severity", "institution_code", "batch_code", "cycle_no",
                "variety_code", "product_code", "ref", "value", "threshold", "clause",
                "message", "distributor_code", "ordered_at", "amount")
ROW_GROUP = 20_000

OrdersSource = Callable[[duckdb.DuckDBPyConnection], str | None]


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def is_line_rule(rule_id: str) -> bool:
    return rule_id in LINE_RULES


def warehouse_orders(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse's live orders as a DuckDB table expression (read where they lie)."""
    from jicai.web.monitoring import bridge

    if not bridge.has_data():
        return None
    return bridge.warehouse().relation_sql("orders")  # type: ignore[no-any-return]


def arrow_orders(read: Callable[[str], pa.Table | None]) -> OrdersSource:
    """Orders given by a table reader (``read("orders")``), for callers without a warehouse."""
    def source(con: duckdb.DuckDBPyConnection) -> str | None:
        orders = read("orders")
        if orders is None:
            return None
        con.register("given_orders", orders.select(
            ["order_line_id", "distributor_code", "ordered_at", "amount"]))
        return "given_orders"
    return source


def write_lines(alerts: pa.Table, path: Path, *, as_of: dt.date,
                makers: dict[str, str], orders: OrdersSource | None) -> pa.Table:
    """Write the line-level alerts of ``alerts`` to ``path`` keyed and sorted by case;
    return the cases (one row each, see :data:`CASE_SQL`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET enable_progress_bar = false")
        con.register("alerts_in", alerts)
        con.register("makers", pa.table({"code": list(makers), "company": list(makers.values())},
                                        schema=pa.schema([("code", pa.string()),
                                                          ("company", pa.string())])))
        relation = orders(con) if orders is not None else None
        if relation is None:
            order_join = ("NULL::VARCHAR AS distributor_code, NULL::TIMESTAMP AS ordered_at, "
                          "NULL::DOUBLE AS amount FROM alerts_in a")
        else:
            order_join = (
                "o.distributor_code, o.ordered_at, CAST(o.amount AS DOUBLE) AS amount "
                f"FROM alerts_in a LEFT JOIN (SELECT order_line_id, distributor_code, ordered_at,"
                f" amount FROM {relation}) o ON a.rule_id IN ({_quoted(ORDER_LINE_RULES)}) "
                "AND o.order_line_id = a.ref")
        distributor_rules = _quoted([r for r, k in LINE_RULES.items() if k == DISTRIBUTOR])
        month_of_run = as_of.strftime("%Y-%m")
        con.execute(f"""
            CREATE TEMP TABLE keyed AS
            WITH l AS (
                SELECT a.rule_id, a.severity, a.institution_code, a.batch_code, a.cycle_no,
                       a.variety_code, a.product_code, a.ref, a.value, a.threshold, a.clause,
                       a.message, {order_join}
                WHERE a.rule_id IN ({_quoted(list(LINE_RULES))})
            ), k AS (
                SELECT l.*, m.company AS maker,
                       CASE WHEN l.rule_id IN ({distributor_rules})
                            THEN coalesce(l.distributor_code, '')
                            ELSE coalesce(m.company, '') END AS party,
                       coalesce(strftime(l.ordered_at, '%Y-%m'), '{month_of_run}') AS month
                FROM l LEFT JOIN makers m ON m.code = l.product_code
            )
            SELECT sha1('case|' || rule_id || '|' || coalesce(institution_code, '') || '|'
                        || party || '|' || month) AS case_fp, *
            FROM k""")
        con.execute(f"""COPY (SELECT case_fp, {', '.join(LINE_COLUMNS)} FROM keyed
                               ORDER BY case_fp, ordered_at NULLS LAST, ref)
                        TO '{str(path).replace("'", "''")}'
                        (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})""")
        smaller = _quoted(sorted(SMALLER_IS_WORSE)) or "''"
        return con.sql(f"""
            SELECT case_fp, rule_id, institution_code, party, month,
                   CAST(count(*) AS BIGINT) AS lines,
                   CASE WHEN rule_id IN ({smaller}) THEN min(value) ELSE max(value) END AS worst,
                   CASE WHEN rule_id IN ({smaller}) THEN arg_min(threshold, value)
                        ELSE arg_max(threshold, value) END AS threshold,
                   sum(amount) AS amount,
                   CASE max(CASE severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)
                        WHEN 3 THEN 'critical' WHEN 2 THEN 'warning' ELSE 'info' END AS severity,
                   min(clause) AS clause,
                   CASE WHEN count(DISTINCT maker) = 1 THEN min(maker) END AS company,
                   CASE WHEN count(DISTINCT product_code) = 1 THEN min(product_code) END
                        AS product_code,
                   CASE WHEN count(DISTINCT variety_code) = 1 THEN min(variety_code) END
                        AS variety_code,
                   CASE WHEN count(DISTINCT batch_code) = 1 THEN min(batch_code) END AS batch_code,
                   CASE WHEN count(DISTINCT cycle_no) = 1 THEN min(cycle_no) END AS cycle_no,
                   CASE WHEN count(*) = 1 THEN min(ref) END AS ref,
                   CASE WHEN count(*) = 1 THEN min(message) END AS message
            FROM keyed GROUP BY case_fp, rule_id, institution_code, party, month
            ORDER BY rule_id, institution_code, party, month""").to_arrow_table()
    finally:
        con.close()


def _where(fingerprints: Sequence[str]) -> str:
    if len(fingerprints) <= 20:  # a few: compared with the sorted key's row-group bounds
        return f"case_fp IN ({_quoted(fingerprints)})"
    return "case_fp IN (SELECT fp FROM wanted)"  # many (a distributor's list): a hash join


def read_lines(path: str, fingerprints: Sequence[str], offset: int = 0,
               limit: int | None = None) -> list[dict[str, Any]]:
    """The lines of the cases ``fingerprints`` (in order of order time, then ref)."""
    if not fingerprints or not path or not Path(path).exists():
        return []
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    con = duckdb.connect()
    try:
        con.register("wanted", pa.table({"fp": pa.array(list(fingerprints), pa.string())}))
        sql = (f"SELECT {', '.join(LINE_COLUMNS)} FROM read_parquet('{path}') "
               f"WHERE {_where(fingerprints)} ORDER BY ordered_at NULLS LAST, ref{page}")
        rows: list[dict[str, Any]] = con.sql(sql).to_arrow_table().to_pylist()
        return rows
    finally:
        con.close()


class Lines:
    """The lines of some cases as a sequence a Django Paginator pages (count known)."""

    def __init__(self, path: str, fingerprints: Sequence[str], count: int) -> None:
        self.path, self.fingerprints, self._count = path, list(fingerprints), count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        start = key.start or 0
        stop = self._count if key.stop is None else key.stop
        return read_lines(self.path, self.fingerprints, start, max(0, stop - start))
