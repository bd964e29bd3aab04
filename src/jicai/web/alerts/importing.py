"""Alerts of a monitor run into the inbox: parties resolved, history carried over."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.db import connection, transaction

from jicai.contract.schemas import ALERT_COLUMNS
from jicai.spreadsheet import restore_text
from jicai.web.alerts import cases
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.reference.models import Company, Institution, Product

_KEY = ("rule_id", "institution_code", "batch_code", "cycle_no", "variety_code",
        "product_code", "ref")


def fingerprint(row: dict[str, Any]) -> str:
    text = "|".join("" if row.get(k) is None else str(row[k]) for k in _KEY)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_alerts_csv(path: Path) -> pa.Table:
    """``alerts.csv`` as the monitor writes it (UTF-8, contract column names)."""
    types = {name: dtype for name, _zh, dtype in ALERT_COLUMNS}
    opts = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    table = pacsv.read_csv(path, convert_options=opts)
    # The monitor quoted formula-like text (jicai.spreadsheet); take the text back as it was.
    for i, field in enumerate(table.schema):
        column = table.column(i)
        if pa.types.is_string(field.type) and pc.any(pc.starts_with(column, "'")).as_py():
            values = [None if v is None else restore_text(v) for v in column.to_pylist()]
            table = table.set_column(i, field, pa.array(values, pa.string()))
    return table


def _carried(run: MonitorRun) -> dict[str, tuple[str, int | None, str | None]]:
    """fingerprint → (status, assigned_to, escalated_to) of the previous run's handled rows."""
    previous = MonitorRun.objects.exclude(pk=run.pk).filter(status="succeeded") \
        .order_by("-started_at", "-id").first()
    if previous is None:
        return {}
    rows = Alert.objects.filter(run=previous).exclude(
        status="new", assigned_to__isnull=True, escalated_to__isnull=True).values_list(
        "fingerprint", "status", "assigned_to_id", "escalated_to_id")
    return {fp: (st, who, where) for fp, st, who, where in rows}


def lines_path(run: MonitorRun) -> Path:
    """Where the run's line-level alerts are kept, keyed by case (``HOME/cases/``)."""
    return Path(settings.HOME) / "cases" / f"run-{run.pk}-lines.parquet"


def _orders_source(read: Any) -> cases.OrdersSource | None:
    if read is None:
        return None
    from jicai.web.monitoring import bridge

    if read is bridge.read_table:  # the home's warehouse: DuckDB reads its files in place
        return cases.warehouse_orders
    return cases.arrow_orders(read)


def _case_message(title: str, inst: str, month: str, party: str, n: int, worst: Any) -> str:
    shown = "—" if worst is None else f"{worst:g}"
    who = f"（{party}）" if party else ""
    return f"{inst or '—'} {month}：{n} 条明细{title}{who}，最严重 {shown}。"


def import_alerts(run: MonitorRun, table: pa.Table, read: Any = None) -> int:
    """Store ``table`` (the monitor's alerts) as the alerts and cases of ``run``; returns the
    count of alerts.

    Line-level alerts (``cases.LINE_RULES``) become cases, grouped by DuckDB; their lines
    go to ``lines_path(run)``. ``read`` (a table reader, normally the warehouse's) gives the
    orders behind them: distributor, order time (the case's month) and amount.
    """
    from jicai.web.monitoring.bridge import rule_titles

    line_mask = pc.is_in(table.column("rule_id"), value_set=pa.array(list(cases.LINE_RULES)))
    singles = table.filter(pc.invert(line_mask)).to_pylist()
    lined = table.filter(line_mask)
    institutions = dict(Institution.objects.values_list("code", "name"))
    companies = dict(Company.objects.values_list("code", "name"))
    product_company = dict(Product.objects.values_list("code", "company_id"))
    before = _carried(run)
    fields = [f for f in Alert._meta.concrete_fields if not f.primary_key]
    rows = []
    for r in singles:
        fp = fingerprint(r)
        inst = r.get("institution_code") or ""
        ref = r.get("ref") or ""
        company = product_company.get(r.get("product_code") or "")
        if company is None and ref in companies:
            company = ref  # agreement.unsigned names the company in ref
        status, who, where = before.get(fp, ("new", None, None))
        rows.append(_values(fields, {
            "run_id": run.pk, "fingerprint": fp, "rule_id": r["rule_id"],
            "severity": r["severity"], "institution_id": inst if inst in institutions else None,
            "institution_code": inst, "batch_code": r.get("batch_code") or "",
            "cycle_no": r.get("cycle_no"), "variety_code": r.get("variety_code") or "",
            "product_code": r.get("product_code") or "", "ref": ref, "value": r.get("value"),
            "threshold": r.get("threshold"), "clause": r.get("clause") or "",
            "message": r.get("message") or "", "company_id": company, "distributor_id": None,
            "ordered_at": None, "status": status, "assigned_to_id": who,
            "escalated_to_id": where, "is_case": False, "lines": 1, "amount": None,
            "month": "", "counterparty_code": ""}))
    grouped = None
    if lined.num_rows:
        path = lines_path(run)
        grouped = cases.write_lines(lined, path, as_of=run.as_of, makers=product_company,
                                    orders=_orders_source(read))
        run.lines_file = str(path)
    titles = rule_titles() if grouped is not None else {}
    with transaction.atomic():
        for i in range(0, len(rows), BATCH):
            _write_rows(Alert._meta.db_table, [str(f.column) for f in fields], rows[i:i + BATCH])
        if grouped is not None:
            _insert_cases(run, grouped, before, institutions, companies, titles)
        run.alert_count = int(table.num_rows)
        run.save(update_fields=["alert_count", "lines_file"])
        if connection.vendor == "postgresql":  # fresh statistics for the inbox's plans
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Alert._meta.db_table)}")
    return int(table.num_rows)


BATCH = 5000


def _insert_cases(run: MonitorRun, grouped: pa.Table,
                  before: dict[str, tuple[str, int | None, str | None]],
                  institutions: dict[str, str], companies: dict[str, str],
                  titles: dict[str, tuple[str, str]]) -> None:
    """The cases into the database in batches (the rows come grouped from DuckDB), as plain
    rows: COPY on PostgreSQL, one prepared INSERT for many rows elsewhere."""
    fields = [f for f in Alert._meta.concrete_fields if not f.primary_key]
    for batch in grouped.to_batches(BATCH):
        rows = []
        for r in batch.to_pylist():
            fp, inst, party = r["case_fp"], r["institution_code"] or "", r["party"] or ""
            kind = cases.LINE_RULES[r["rule_id"]]
            status, who, where = before.get(fp, ("new", None, None))
            message = r["message"] or _case_message(
                titles.get(r["rule_id"], (r["rule_id"], ""))[0], institutions.get(inst, inst),
                r["month"], companies.get(party, party), r["lines"], r["worst"])
            values = {
                "run_id": run.pk, "fingerprint": fp, "rule_id": r["rule_id"],
                "severity": r["severity"],
                "institution_id": inst if inst in institutions else None,
                "institution_code": inst, "batch_code": r["batch_code"] or "",
                "cycle_no": r["cycle_no"], "variety_code": r["variety_code"] or "",
                "product_code": r["product_code"] or "", "ref": r["ref"] or "",
                "value": r["worst"], "threshold": r["threshold"], "clause": r["clause"] or "",
                "message": message,
                "company_id": r["company"] if r["company"] in companies else None,
                "distributor_id": party if kind == cases.DISTRIBUTOR and party in companies
                else None,
                "ordered_at": None, "status": status, "assigned_to_id": who,
                "escalated_to_id": where, "is_case": True, "lines": r["lines"],
                "amount": r["amount"], "month": r["month"], "counterparty_code": party}
            rows.append(_values(fields, values))
        _write_rows(Alert._meta.db_table, [str(f.column) for f in fields], rows)


def _values(fields: list[Any], values: dict[str, Any]) -> tuple[Any, ...]:
    """A row in the table's column order (every column named: a missing one is a bug)."""
    return tuple(values[f.attname] for f in fields)


def _write_rows(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                               f"VALUES ({marks})", rows)
