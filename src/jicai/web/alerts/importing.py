"""Alerts of a monitor run into the inbox: parties resolved, history carried over."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import transaction
from django.utils import timezone

from jicai.contract.schemas import ALERT_COLUMNS
from jicai.spreadsheet import restore_text
from jicai.web.alerts.models import Alert, MonitorRun
from jicai.web.reference.models import Company, Institution, Product

ORDER_RULES = ("order.unresponded_48h", "order.escalation_24h", "delivery.overdue")
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


def _orders(ids: list[str], read: Any) -> dict[str, tuple[str | None, dt.datetime | None]]:
    """order_line_id → (distributor_code, ordered_at) for the alerts about orders."""
    if not ids or read is None:
        return {}
    orders = read("orders")
    if orders is None:
        return {}
    mask = pc.is_in(orders.column("order_line_id"), value_set=pa.array(ids, pa.string()))
    hit = orders.filter(mask).select(["order_line_id", "distributor_code", "ordered_at"])
    return {r["order_line_id"]: (r["distributor_code"], r["ordered_at"]) for r in hit.to_pylist()}


def import_alerts(run: MonitorRun, table: pa.Table, read: Any = None) -> int:
    """Store ``table`` (the monitor's alerts) as the alerts of ``run``; returns the count.

    ``read`` (a table reader, normally the warehouse's) resolves the distributor
    of order alerts for the delayed-response lists.
    """
    rows = table.to_pylist()
    institutions = set(Institution.objects.values_list("code", flat=True))
    companies = set(Company.objects.values_list("code", flat=True))
    product_company = dict(Product.objects.values_list("code", "company_id"))
    orders = _orders(sorted({r["ref"] for r in rows if r["rule_id"] in ORDER_RULES and r["ref"]}),
                     read)
    previous = {a.fingerprint: a for a in Alert.objects.filter(
        run=MonitorRun.objects.exclude(pk=run.pk).filter(status="succeeded")
        .order_by("-started_at", "-id").first())}
    alerts = []
    for r in rows:
        fp = fingerprint(r)
        inst = r.get("institution_code") or ""
        ref = r.get("ref") or ""
        distributor, ordered_at = orders.get(ref, (None, None))
        company = product_company.get(r.get("product_code") or "")
        if company is None and ref in companies:
            company = ref  # agreement.unsigned names the company in ref
        before = previous.get(fp)
        alerts.append(Alert(
            run=run, fingerprint=fp, rule_id=r["rule_id"], severity=r["severity"],
            institution_id=inst if inst in institutions else None, institution_code=inst,
            batch_code=r.get("batch_code") or "", cycle_no=r.get("cycle_no"),
            variety_code=r.get("variety_code") or "", product_code=r.get("product_code") or "",
            ref=ref, value=r.get("value"), threshold=r.get("threshold"),
            clause=r.get("clause") or "", message=r.get("message") or "",
            company_id=company, distributor_id=distributor if distributor in companies else None,
            ordered_at=timezone.make_aware(ordered_at) if ordered_at else None,
            status=before.status if before else "new",
            assigned_to_id=before.assigned_to_id if before else None,
            escalated_to_id=before.escalated_to_id if before else None))
    with transaction.atomic():
        Alert.objects.bulk_create(alerts, batch_size=1000)
        run.alert_count = len(alerts)
        run.save(update_fields=["alert_count"])
    return len(alerts)
