"""Line facts the warehouse keeps beside the contract tables (decision 0012).

A fact here does not depend on the as-of date of a run: it is derived from the
contract tables alone, so the warehouse derives it once, when an import changes
its inputs, and every run reads it instead of joining millions of rows again.

``settlements`` — one row per received order line that is not cancelled: its due
day (the last day of the month after its receipt, JILIN 第八条 结清时间不得超过交货验收
合格后次月底; rule M1) and what its payments came to — by the due day, in all,
and the day of the last payment. A run at ``as_of`` reads them through
:func:`jicai.engine.context.settled_lines`, which makes them exact at ``as_of``.

The expressions are Ibis over the contract tables: the warehouse runs them on
DuckDB at import; a run over a home without the stored facts (a warehouse
written by an earlier jicai, or tables loaded into PostgreSQL) evaluates the same
expression inline, on whatever engine it runs.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jicai.contract.schemas import ibis_type
from jicai.engine.context import end_of_next_month

#: The derived tables, their columns and types (decision 0012; README, "Warehouse").
SETTLEMENTS = pa.schema([
    ("order_line_id", pa.string()),
    ("institution_code", pa.string()),
    ("product_code", pa.string()),
    ("distributor_code", pa.string()),
    ("amount", pa.decimal128(18, 4)),
    ("ordered_at", pa.timestamp("us")),
    ("recv_day", pa.date32()),
    ("due", pa.date32()),
    ("paid_by_due", pa.decimal128(18, 4)),  # Σ payments dated on or before the due day
    ("paid_total", pa.decimal128(18, 4)),  # Σ every payment of the line
    ("last_paid_at", pa.date32()),  # the latest payment's date (NULL: never paid)
])
DERIVED: dict[str, pa.Schema] = {"settlements": SETTLEMENTS}
#: The contract tables each derived table is made from: an import that changes one of
#: them derives it again.
INPUTS: dict[str, tuple[str, ...]] = {"settlements": ("orders", "payments")}
#: Bumped when a derivation changes: a stored table of another version is derived again.
VERSION = 2

MONEY = "decimal(18, 4)"


def settlements(orders: ir.Table, payments: ir.Table) -> ir.Table:
    """The ``settlements`` facts of ``orders`` and ``payments`` (contract columns).

    The payments meet only each line's key and due day, are summed per line, and the
    sums go back to the lines: no wide row goes through the join or the grouping.
    """
    o = orders.filter((orders.status != "cancelled") & orders.received_at.notnull())
    slim = o.select(s_line="order_line_id", s_due=end_of_next_month(o.received_at.date()))
    j = payments.join(slim, payments.order_line_id == slim.s_line)
    per = j.group_by(p_line=j.order_line_id).aggregate(
        paid_by_due=j.amount.sum(where=j.paid_at <= j.s_due),
        paid_total=j.amount.sum(), last_paid_at=j.paid_at.max())
    lines = o.select("order_line_id", "institution_code", "product_code", "distributor_code",
                     "amount", "ordered_at", recv_day=o.received_at.date())
    lines = lines.mutate(due=end_of_next_month(lines.recv_day))
    k = lines.left_join(per, lines.order_line_id == per.p_line).drop("p_line")
    zero = ibis.literal(0, type=MONEY)
    return k.select(
        "order_line_id", "institution_code", "product_code", "distributor_code",
        k.amount.cast(MONEY).name("amount"), "ordered_at", "recv_day", "due",
        paid_by_due=k.paid_by_due.fill_null(zero).cast(MONEY),
        paid_total=k.paid_total.fill_null(zero).cast(MONEY),
        last_paid_at=k.last_paid_at)


def derive(name: str, tables: dict[str, ir.Table]) -> ir.Table:
    """The expression of derived table ``name`` over the contract ``tables``."""
    if name == "settlements":
        return settlements(tables["orders"], tables["payments"])
    raise KeyError(name)


def cast_to_schema(t: ir.Table, name: str) -> ir.Table:
    """``t`` with the derived table's columns in their stored types (for a read back)."""
    return t.select(*[t[f.name].cast(ibis_type(f.type)).name(f.name) for f in DERIVED[name]])
