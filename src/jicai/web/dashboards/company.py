"""The company page: what a company user must answer, and how its supply figures stand.

- orders waiting for an answer, with the clock: the live on-platform order lines
  it distributes (or of its products) with no response yet, read from the
  warehouse's Parquet with the company as the filter, oldest first, the hours
  since ordering against the 48 h of the notices (HENAN 二(六));
- its delivery, 48 h response and payment figures of the latest run
  (``figures.parquet``, its own company rows), with the monthly trend;
- money owed to it and overdue: the run's overdue amount, and the payment alerts
  on its lines (the alert inbox's rows, with their handling);
- its supply problems (tickets).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jicai.web import clock
from jicai.web.accounts.permissions import current, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.alerts.scoping import scoped_alerts
from jicai.web.dashboards import runfiles
from jicai.web.dashboards.execution import _cards, _notes, _periods, _trend
from jicai.web.dashboards.runfiles import FIGURES, eq
from jicai.web.dashboards.scoping import figure_rows
from jicai.web.dashboards.tables import (
    PAGE_SIZE,
    Column,
    page_number,
    wants_xlsx,
    xlsx_response,
)
from jicai.web.monitoring import bridge
from jicai.web.reference.models import Institution, Product
from jicai.web.reference.scoping import scoped_companies, scoped_products
from jicai.web.tickets.scoping import scoped_tickets

RESPONSE_HOURS = 48
PAYMENT_RULES = ("payment.overdue",)


def waiting_orders(company: str, products: list[str], *, limit: int | None = PAGE_SIZE,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Live on-platform lines of ``company`` (as distributor, or of its ``products``) with no
    response, oldest first, and how many there are."""
    where = ("on_platform AND status = 'ordered' AND responded_at IS NULL "
             "AND (distributor_code = ? OR list_contains(?, product_code))")
    params: list[Any] = [company, products]
    # Pinned: the snapshot's files stay while they are read, whatever an import does.
    with bridge.pinned() as w:
        rel = w.relation_sql("orders")
        if rel is None:
            return [], 0
        con = runfiles.cursor()
        counted = con.execute(f"SELECT count(*) FROM {rel} WHERE {where}", params).fetchall()
        sql = (f"SELECT order_line_id, institution_code, product_code, ordered_at, qty_packs, "
               f"amount FROM {rel} WHERE {where} ORDER BY ordered_at, order_line_id")
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        rows = con.sql(sql, params=params).to_arrow_table().to_pylist()
    return rows, int(counted[0][0]) if counted else 0


def _clock(rows: list[dict[str, Any]]) -> None:
    """Hours since ordering (Beijing time, as the contract's timestamps are), against 48 h."""
    now = timezone.localtime(clock.now(), timezone.get_fixed_timezone(8 * 60)).replace(tzinfo=None)
    # The rows are the company's own order lines: the names of their institutions and
    # products are part of them (a distributor's own catalogue is not the products it ships).
    names = dict(Institution.objects.filter(
        code__in={r["institution_code"] for r in rows}).values_list("code", "name"))
    products = {p.code: str(p) for p in Product.objects.filter(
        code__in={r["product_code"] for r in rows})}
    for r in rows:
        r["product_name"] = products.get(r["product_code"], r["product_code"])
        ordered: dt.datetime = r["ordered_at"]
        hours = (now - ordered).total_seconds() / 3600
        r["hours"] = hours
        r["institution_name"] = names.get(r["institution_code"], r["institution_code"])
        r["overdue"] = hours > RESPONSE_HOURS
        r["left"] = RESPONSE_HOURS - hours


ORDER_COLUMNS = [
    Column("order_line_id", "订单明细编号", "Order line", sortable=False),
    Column("institution_name", "医疗机构", "Institution", sortable=False),
    Column("product_name", "产品", "Product", sortable=False),
    Column("ordered_at", "下单时间", "Ordered at", sortable=False,
           show=lambda r: r["ordered_at"].strftime("%Y-%m-%d %H:%M")),
    Column("qty_packs", "采购数量", "Packs", "count", sortable=False),
    Column("hours", "已等待（小时）", "Waiting (hours)", "days", sortable=False),
]


@login_required
def company(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.COMPANY)
    comp = scoped_companies(user).get()
    products = dict(scoped_products(user).values_list("code", "generic_name"))
    page = page_number(request)
    if wants_xlsx(request):
        rows, _total = waiting_orders(comp.code, list(products), limit=None)
        _clock(rows)
        return xlsx_response(f"{comp.name} · 待响应订单", ORDER_COLUMNS, rows,
                             f"{comp.name}-待响应订单.xlsx")
    rows, total = waiting_orders(comp.code, list(products), offset=(page - 1) * PAGE_SIZE)
    _clock(rows)
    files = runfiles.latest()
    own: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    period = None
    if files is not None:
        own = files.rows(FIGURES, figure_rows(user) & eq("scope", "company")
                         & eq("code", comp.code), order=("role", "period_start", "period_kind"))
        periods = _periods(own)
        wanted = request.GET.get("period")
        period = wanted if wanted in [p["period"] for p in periods] else next(
            (p["period"] for p in periods if p["kind"] == "ytd"), None)
        for role in sorted({r["role"] for r in own if r["role"]}):
            mine = [r for r in own if r["role"] == role]
            summary = next((r for r in mine if r["period"] == period), None)
            roles.append({"role": role, "cards": _cards(summary, True), "trend": _trend(mine)})
    payments = scoped_alerts(user).filter(rule_id__in=PAYMENT_RULES)
    if files is not None:
        payments = payments.filter(run=files.run)
    return render(request, "dashboards/execution/company.html", {
        "company": comp, "orders": rows, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)), "products": products, "files": files,
        "period": period, "roles": roles, "notes": _notes(files, period) if files else [],
        "payments": Paginator(payments, PAGE_SIZE).get_page(request.GET.get("ppage")),
        "tickets": Paginator(scoped_tickets(user).select_related("institution", "product"),
                             PAGE_SIZE).get_page(request.GET.get("tpage")),
        "hours": RESPONSE_HOURS})
