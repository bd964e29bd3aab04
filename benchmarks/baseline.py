"""The hand-written baseline: the five core figures as plain DuckDB SQL over the warehouse Parquet.

Same definitions as ``jicai.engine.indicators`` (the suite checks the results are
equal), written the way one would by hand: one pass over the order lines per
figure, no abstraction, no casts the data does not need.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

# Order columns some rule reads (delivered_packs is the only one none does).
ORDER_COLUMNS = ("order_line_id", "institution_code", "product_code", "distributor_code",
                 "ordered_at", "qty_packs", "unit_price", "amount", "on_platform", "status",
                 "responded_at", "delivered_at", "received_at")

KEY = "batch_code, cycle_no, institution_code, variety_code"


def _lit_ts(t: datetime) -> str:
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


def floor_sql() -> str:
    """The scan floor: read every order column the rules need, once."""
    counts = ", ".join(f"count({c})" for c in ORDER_COLUMNS)
    return f"SELECT count(*), {counts} FROM orders"


def figures_sql(as_of: date, backup_counts: bool = True, has_exemptions: bool = True
                ) -> dict[str, str]:
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    as_of_lit = f"DATE '{as_of:%Y-%m-%d}'"
    end_lit = _lit_ts(end)
    due_lit = _lit_ts(end - timedelta(hours=48))
    year_start = f"DATE '{as_of.year}-01-01'"

    lines = f"""
        SELECT o.order_line_id, o.institution_code, o.product_code, o.distributor_code,
               o.ordered_at, CAST(o.ordered_at AS DATE) AS order_date,
               o.qty_packs * p.units_per_pack AS units, o.unit_price, o.amount, o.on_platform,
               o.responded_at, p.variety_code, p.category, p.units_per_pack,
               p.quality_equivalent
        FROM orders o JOIN products p USING (product_code)
        WHERE o.status <> 'cancelled' AND o.ordered_at < {end_lit}"""

    base = f"""
        SELECT a.batch_code, a.cycle_no, a.institution_code, a.variety_code, a.agreed_units,
               b.start_date, b.end_date, least(b.end_date, {as_of_lit}) AS window_end
        FROM (SELECT {KEY}, sum(agreed_units) AS agreed_units
              FROM agreed_volumes GROUP BY ALL) a
        JOIN batches b USING (batch_code, cycle_no)
        WHERE b.start_date <= {as_of_lit}"""

    # Lines inside their cycle window, with the batch role of their product.
    window = f"""
        SELECT b.batch_code, b.cycle_no, l.institution_code, l.variety_code, l.order_date,
               l.units, l.unit_price, l.units_per_pack, l.quality_equivalent,
               coalesce(aw.role, 'nonwinning') AS role
        FROM ({lines}) l
        JOIN base b ON b.institution_code = l.institution_code
                   AND b.variety_code = l.variety_code
                   AND l.order_date BETWEEN b.start_date AND b.window_end
        LEFT JOIN awards aw ON aw.batch_code = b.batch_code AND aw.product_code = l.product_code"""

    credited = "winning_units + backup_units" if backup_counts else "winning_units"
    progress = f"""
        WITH base AS ({base}),
        w AS ({window}),
        agg AS (SELECT {KEY},
                       sum(units) FILTER (WHERE role = 'winning') AS winning_units,
                       sum(units) FILTER (WHERE role = 'backup') AS backup_units
                FROM w GROUP BY ALL)
        SELECT {KEY}, agreed_units, credited_units,
               CASE WHEN agreed_units > 0 THEN credited_units / agreed_units END AS completion,
               (window_end - start_date + 1) / (end_date - start_date + 1) AS schedule
        FROM (SELECT b.batch_code, b.cycle_no, b.institution_code, b.variety_code,
                     CAST(b.agreed_units AS BIGINT) AS agreed_units,
                     CAST(coalesce(g.winning_units, 0) AS BIGINT) AS winning_units,
                     CAST(coalesce(g.backup_units, 0) AS BIGINT) AS backup_units,
                     b.start_date, b.end_date, b.window_end
              FROM base b LEFT JOIN agg g USING ({KEY}))
        CROSS JOIN LATERAL (SELECT {credited} AS credited_units)"""

    supply = ("EXISTS (SELECT 1 FROM exemptions e WHERE e.kind = 'supply_problem' "
              f"AND e.start_date <= {as_of_lit} AND e.variety_code = w.variety_code "
              "AND (e.institution_code IS NULL OR e.institution_code = w.institution_code) "
              "AND w.order_date BETWEEN e.start_date AND e.end_date)"
              if has_exemptions else "false")
    nonwinning = f"""
        WITH base AS ({base}),
        w AS ({window}),
        lowest AS (SELECT a.batch_code, p.variety_code,
                          min(CAST(a.award_price AS DOUBLE) / p.units_per_pack) AS lowest_ppu
                   FROM awards a JOIN products p USING (product_code)
                   WHERE a.role = 'winning' GROUP BY ALL),
        flagged AS (
            SELECT w.*, (w.role <> 'winning' AND {supply})
                        OR (w.role = 'nonwinning' AND w.quality_equivalent
                            AND CAST(w.unit_price AS DOUBLE) / w.units_per_pack
                                <= l.lowest_ppu + 1e-9) AS excluded
            FROM w LEFT JOIN lowest l USING (batch_code, variety_code)),
        agg AS (SELECT {KEY},
                       sum(units) AS all_units,
                       sum(units) FILTER (WHERE role = 'nonwinning') AS nonwinning_units,
                       sum(units) FILTER (WHERE role <> 'winning' AND excluded) AS excluded_units,
                       sum(units) FILTER (WHERE role = 'nonwinning' AND excluded)
                           AS excluded_nonwinning
                FROM flagged GROUP BY ALL)
        SELECT {KEY}, nonwinning_units, excluded_nonwinning,
               CASE WHEN all_units - excluded_units > 0
                    THEN (nonwinning_units - excluded_nonwinning) / (all_units - excluded_units)
               END AS nonwinning_share
        FROM (SELECT b.batch_code, b.cycle_no, b.institution_code, b.variety_code,
                     CAST(coalesce(g.nonwinning_units, 0) AS BIGINT) AS nonwinning_units,
                     CAST(coalesce(g.excluded_nonwinning, 0) AS BIGINT) AS excluded_nonwinning,
                     CAST(coalesce(g.all_units, 0) AS BIGINT) AS all_units,
                     CAST(coalesce(g.excluded_units, 0) AS BIGINT) AS excluded_units
              FROM base b LEFT JOIN agg g USING ({KEY}))"""

    online = f"""
        SELECT institution_code, category,
               coalesce(CAST(sum(amount) FILTER (WHERE on_platform) AS DOUBLE), 0)
                   AS online_amount,
               CAST(sum(amount) AS DOUBLE) AS total_amount,
               CASE WHEN sum(amount) > 0 THEN coalesce(CAST(sum(amount) FILTER
                   (WHERE on_platform) AS DOUBLE), 0) / CAST(sum(amount) AS DOUBLE) END
                   AS online_rate
        FROM ({lines}) l
        WHERE order_date >= {year_start}
        GROUP BY institution_code, category"""

    response = f"""
        SELECT distributor_code, count(*) AS lines_due,
               count(*) FILTER (WHERE responded_at < {end_lit}
                   AND epoch(responded_at) - epoch(ordered_at) <= 48 * 3600) AS answered_48h,
               answered_48h / lines_due AS response_48h_share
        FROM orders
        WHERE status <> 'cancelled' AND on_platform AND ordered_at <= {due_lit}
        GROUP BY distributor_code"""

    trend = f"""
        SELECT date_trunc('month', order_date) AS month, variety_code,
               count(*) AS lines, sum(units) AS units, CAST(sum(amount) AS DOUBLE) AS amount
        FROM ({lines}) l
        GROUP BY ALL"""

    return {"progress": progress, "nonwinning_share": nonwinning, "online_rate": online,
            "response_48h": response, "monthly_trend": trend}
