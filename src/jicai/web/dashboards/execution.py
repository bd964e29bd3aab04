"""The officer's execution views: region dashboard and drill-down, institution (一院一档),
variety, company and rankings pages — every number read from the latest run's files.

province → city → county → institution → variety: each region page shows the
region's indicators for a period, the monthly trend, and the regions and
institutions one level down with the same indicators; each row is a link, and
breadcrumbs lead back up as far as the user's own scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jicai.web.accounts.models import User
from jicai.web.accounts.permissions import current, get_scoped, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.accounts.scope import kind_of, region_path
from jicai.web.alerts.models import Disposition
from jicai.web.alerts.scoping import scoped_alerts
from jicai.web.dashboards import runfiles
from jicai.web.dashboards.downloads import downloads_for
from jicai.web.dashboards.indicators import by_id, present
from jicai.web.dashboards.reports import region_reports
from jicai.web.dashboards.runfiles import CYCLES, FIGURES, RunFiles, Where, among, eq
from jicai.web.dashboards.scoping import figure_rows
from jicai.web.dashboards.tables import (
    PAGE_SIZE,
    Column,
    Sorting,
    Table,
    indicator_column,
    page_number,
    wants_xlsx,
    xlsx_response,
)
from jicai.web.filings.scoping import scoped_filings
from jicai.web.reference.models import Institution, Region
from jicai.web.reference.scoping import scoped_institutions, scoped_regions
from jicai.web.tickets.scoping import scoped_tickets

CHILD_LEVEL = {"province": "city", "city": "county"}
# Columns every table row carries for its links and labels.
READ_ALWAYS = ("scope", "code", "name", "region_code", "role", "variety_code", "batch_code",
               "cycle_no", "status", "exemption")
# The indicators of the drill-down tables (the cards show every one the file has).
TABLE_IDS = ("completion", "schedule", "gap", "status_zero_share", "status_behind_share",
             "nonwinning_share", "winning_unit_share", "online_rate_drug", "delivery_rate",
             "response_48h_rate", "payment_on_time_rate", "overdue_amount", "alerts")
VARIETY_IDS = ("agreed_units", "credited_units", "completion", "schedule", "gap",
               "status_zero_share", "status_behind_share", "entry_rate", "nonwinning_share",
               "winning_unit_share")
TREND_IDS = ("completion", "schedule", "nonwinning_share", "winning_unit_share",
             "online_rate_drug", "delivery_rate", "response_48h_rate", "payment_on_time_rate")
STATUS = {"zero": ("零采购", "zero purchase", "bad"),
          "behind": ("低于序时", "behind schedule", "warn"),
          "normal": ("正常", "normal", "ok"),
          "over": ("超量", "over the agreed volume", "over")}
EXEMPTION = {"clinical_change": "临床需求重大变化", "supply_problem": "供应问题"}


def _files() -> RunFiles | None:
    return runfiles.latest()


def _no_run(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/execution/no_run.html", {})


def _periods(rows: list[dict[str, Any]] | list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The periods of a subject's rows: the year to date first, then quarters, then months."""
    order = {"ytd": 0, "quarter": 1, "month": 2}
    seen = {(r["period_kind"], r["period"]) if isinstance(r, dict) else r for r in rows}
    return [{"kind": k, "period": p, "label": period_label(k, p)}
            for k, p in sorted(seen, key=lambda kp: (order.get(kp[0], 3), kp[1]))]


def period_label(kind: str, period: str) -> str:
    if kind == "ytd":
        return _("%(year)s to date") % {"year": period}
    if kind == "quarter":
        return _("%(year)s Q%(q)s") % {"year": period[:4], "q": period[-1]}
    return _("%(year)s-%(month)s") % {"year": period[:4], "month": period[5:]}


def _chosen(request: HttpRequest, periods: list[dict[str, Any]]) -> str | None:
    wanted = request.GET.get("period")
    names = [p["period"] for p in periods]
    if wanted in names:
        return wanted
    ytd = [p["period"] for p in periods if p["kind"] == "ytd"]
    return ytd[0] if ytd else (names[0] if names else None)


# The cards in groups, as a bureau reads them; an indicator in no group goes to the last.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("进度", "Progress", ("agreed_units", "credited_units", "completion", "schedule", "gap",
                        "status_zero_share", "status_behind_share", "status_normal_share",
                        "status_over_share", "entry_rate")),
    ("中选与非中选", "Winning and non-winning", (
        "winning_unit_share", "winning_amount_share", "nonwinning_share",
        "nonwinning_amount_share", "nonwinning_units", "nonwinning_amount", "excluded_units",
        "nonwinning_over", "substitutes_bought")),
    ("采购与配送", "Purchases and delivery", (
        "lines", "amount", "online_rate_drug", "online_rate_hv", "response_48h_rate",
        "delivery_rate", "timely_delivery_rate")),
    ("回款", "Payment", ("payment_on_time_rate", "overdue_amount", "payment_days")),
    ("备案与预警", "Filings and alerts", ()),
)


def _cards(row: dict[str, Any] | None, carried_only: bool = False) -> list[dict[str, Any]]:
    """The row's indicators as cards, in groups: [{label, cards: [{id, label, text}]}].

    ``carried_only``: leave out the indicators a scope does not carry (a company's or a
    variety's row has no online rate); a region's NULL stays, shown "—" (no figure)."""
    if row is None:
        return []
    shown = [ind for ind in present(row) if not ind.id.endswith(("_num", "_den"))
             and not (carried_only and row[ind.id] is None)]
    placed = {i for _z, _e, ids in GROUPS for i in ids}
    out = []
    for zh, en, ids in GROUPS:
        members = [ind for ind in shown if ind.id in ids] if ids else \
            [ind for ind in shown if ind.id not in placed]
        if members:
            out.append({"label": en if _lang_en() else zh,
                        "cards": [{"id": ind.id, "label": ind.label,
                                   "text": indicator_column(ind).text(row)} for ind in members]})
    return out


def _trend(rows: list[dict[str, Any]]) -> dict[str, Any]:
    months = sorted((r for r in rows if r["period_kind"] == "month"), key=lambda r: r["period"])
    inds = [by_id()[i] for i in TREND_IDS if i in by_id() and months and i in months[0]
            and any(r[i] is not None for r in months)]
    return {"months": [r["period"] for r in months],
            "series": [{"name": ind.label,
                        "data": [None if r[ind.id] is None else round(r[ind.id] * 100, 1)
                                 for r in months]} for ind in inds]}


def _table(request: HttpRequest, files: RunFiles, name: str, where: Where,
           columns: list[Column], default: str, *, descending: bool = False,
           prefix: str = "", tiebreak: tuple[str, ...] = ("code",)) -> Table:
    sorting = Sorting.of(request, columns, default, descending, prefix)
    order: list[str | tuple[str, bool]] = [(sorting.key, sorting.descending)]
    order += [k for k in tiebreak if k != sorting.key]
    page = page_number(request, prefix)
    # Only the columns the table shows and links with are read from the file.
    needed = [*(c.key for c in columns), *READ_ALWAYS, *tiebreak]
    rows, total = files.page(name, where, order, PAGE_SIZE, (page - 1) * PAGE_SIZE, needed)
    if not rows and total:  # past the last page: show the last one
        page = max(1, -(-total // PAGE_SIZE))
        rows, total = files.page(name, where, order, PAGE_SIZE, (page - 1) * PAGE_SIZE,
                                 needed)
    return Table(columns, rows, total, page, sorting, request, prefix)


def _all_rows(files: RunFiles, name: str, where: Where, table: Table,
              tiebreak: tuple[str, ...] = ("code",)) -> list[dict[str, Any]]:
    order: list[str | tuple[str, bool]] = [(table.sorting.key, table.sorting.descending)]
    order += [k for k in tiebreak if k != table.sorting.key]
    return files.rows(name, where, order=order)


def _indicator_columns(ids: tuple[str, ...], have: list[str]) -> list[Column]:
    known = by_id()
    return [indicator_column(known[i]) for i in ids if i in known and i in have]


def _crumbs(user: User, region: Region | None) -> list[dict[str, str]]:
    """The regions from the user's own region down to ``region``, as links."""
    if region is None:
        return []
    top = region_path(user) or ""
    chain = [r for r in reversed(region.ancestors()) if top and r.path.startswith(top)]
    return [{"name": r.name, "url": reverse("dashboards:region", args=[r.code])}
            for r in chain]


def region_link(row: dict[str, Any]) -> str:
    if row.get("scope") == "institution":
        return reverse("dashboards:institution", args=[row["code"]])
    return reverse("dashboards:region", args=[row["code"]])


def _level_label(row: dict[str, Any]) -> str:
    return {"city": _("City"), "county": _("County"),
            "institution": _("Institution")}.get(row.get("scope") or "", "")


def _with_period(url: str, period: str | None) -> str:
    return f"{url}?period={period}" if period else url


@login_required
def execution(request: HttpRequest) -> HttpResponse:
    """The execution view of the signed-in user: its region, institution or company."""
    user = current(request)
    kind = kind_of(user)
    if kind is ScopeKind.REGION and user.region_id:
        return region(request, str(user.region_id))
    if kind is ScopeKind.INSTITUTION and user.institution_id:
        return institution(request, str(user.institution_id))
    if kind is ScopeKind.COMPANY and user.company_id:
        from jicai.web.dashboards.company import company

        return company(request)
    raise PermissionDenied("scope")


@login_required
def region(request: HttpRequest, code: str) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION)
    reg: Region = get_scoped(scoped_regions(user), code=code)
    files = _files()
    if files is None:
        return _no_run(request)
    scope = figure_rows(user)
    own = files.rows(FIGURES, scope & eq("scope", reg.level) & eq("code", reg.code),
                     order=("period_start", "period_kind"))
    periods = _periods(own)
    period = _chosen(request, periods)
    summary = next((r for r in own if r["period"] == period), None)
    have = files.columns(FIGURES)
    child = CHILD_LEVEL.get(reg.level)
    children = scope & eq("region_code", reg.code) & eq("period", period) \
        & among("scope", [s for s in (child, "institution") if s])
    name = Column("name", "名称", "Name", link=lambda r: _with_period(region_link(r), period))
    level = Column("scope", "层级", "Level", show=_level_label)
    columns = [name, level, *_indicator_columns(TABLE_IDS, have)]
    table = _table(request, files, FIGURES, children, columns, "gap" if "gap" in have else "name")
    varieties = scope & eq("scope", "variety") & eq("region_code", reg.code) \
        & eq("period", period)
    vcolumns = [Column("name", "品种", "Variety", link=lambda r: reverse(
        "dashboards:variety", args=[r["code"]]) + f"?region={reg.code}&period={period}"),
        *_indicator_columns(VARIETY_IDS, have)]
    vtable = _table(request, files, FIGURES, varieties, vcolumns,
                    "gap" if "gap" in have else "name", prefix="v")
    title = f"{reg.name} · {_('Execution')}"
    if wants_xlsx(request):
        return xlsx_response(title, columns, _all_rows(files, FIGURES, children, table),
                             f"{reg.name}-执行情况-{period}.xlsx", _notes(files, period))
    if wants_xlsx(request, "v"):
        return xlsx_response(title, vcolumns, _all_rows(files, FIGURES, varieties, vtable),
                             f"{reg.name}-品种-{period}.xlsx", _notes(files, period))
    return render(request, "dashboards/execution/region.html", {
        "region": reg, "files": files, "periods": periods, "period": period,
        "cards": _cards(summary), "trend": _trend(own), "table": table, "vtable": vtable,
        "crumbs": _crumbs(user, reg), "downloads": downloads_for(user, files),
        "documents": region_reports(reg.code)})


def _notes(files: RunFiles, period: str | None) -> list[str]:
    run = files.run
    return [f"监测日期 {run.as_of.isoformat()} · 规则配置 {run.profile} · 期间 {period or '—'}"]


def _institution_crumbs(user: User, inst: Institution) -> list[dict[str, str]]:
    crumbs = _crumbs(user, inst.region) if kind_of(user) is ScopeKind.REGION else []
    return [*crumbs, {"name": inst.name,
                      "url": reverse("dashboards:institution", args=[inst.code])}]


def status_badge(row: dict[str, Any]) -> str:
    zh, en, _css = STATUS.get(row.get("status") or "", ("—", "—", ""))
    return en if (_lang_en()) else zh


def _lang_en() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def _exemption(row: dict[str, Any]) -> str:
    value = row.get("exemption") or ""
    return "；".join(EXEMPTION.get(v, v) for v in value.split(";") if v) or "—"


@login_required
def institution(request: HttpRequest, code: str) -> HttpResponse:
    """The web form of an institution's 一院一档."""
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    inst: Institution = get_scoped(scoped_institutions(user).select_related("region"), code=code)
    files = _files()
    if files is None:
        return _no_run(request)
    scope = figure_rows(user)
    own = files.rows(FIGURES, scope & eq("scope", "institution") & eq("code", inst.code),
                     order=("period_start", "period_kind"))
    periods = _periods(own)
    period = _chosen(request, periods)
    summary = next((r for r in own if r["period"] == period), None)
    lines = scope & eq("scope", "institution") & eq("code", inst.code) & eq("period", period) \
        & Where('"variety_code" IS NOT NULL')
    variety = Column("variety_name", "品种", "Variety", link=lambda r: reverse(
        "dashboards:variety", args=[r["variety_code"]])
        + f"?region={inst.region_id}&period={period}&institution={inst.code}")
    columns = [
        Column("batch_name", "批次", "Batch"), Column("cycle_no", "采购年度", "Cycle", "count"),
        variety,
        Column("status", "状态", "Status", show=status_badge,
               css=lambda r: "status " + STATUS.get(r.get("status") or "", ("", "", ""))[2]),
        Column("agreed_units", "约定采购量", "Agreed units", "units"),
        Column("credited_units", "计入完成量", "Credited units", "units"),
        Column("winning_units", "中选产品采购量", "Winning units", "units"),
        Column("backup_units", "备供产品采购量", "Backup units", "units"),
        Column("nonwinning_units", "非中选产品采购量", "Non-winning units", "units"),
        Column("excluded_units", "不纳入考核采购量", "Excluded units", "units"),
        Column("completion", "完成率", "Completion", "ratio"),
        Column("schedule", "序时进度", "Schedule", "ratio"),
        Column("gap", "进度差", "Gap", "ratio"),
        Column("nonwinning_share", "非中选产品占比", "Non-winning share", "ratio"),
        Column("exemption", "适用豁免", "Exemption", show=_exemption),
    ]
    keys = ("batch_code", "cycle_no", "variety_code")
    table = _table(request, files, CYCLES, lines, columns, "gap", tiebreak=keys)
    nonwinning = lines & Where('"nonwinning_units" > 0')
    ncolumns = [
        Column("batch_name", "批次", "Batch"), variety,
        Column("nonwinning_units", "非中选产品采购量", "Non-winning units", "units"),
        Column("nonwinning_amount", "非中选产品采购金额", "Non-winning amount", "amount"),
        Column("nonwinning_share", "非中选产品占比", "Non-winning share", "ratio"),
        Column("winning_units", "中选产品采购量", "Winning units", "units"),
    ]
    ntable = _table(request, files, CYCLES, nonwinning, ncolumns, "nonwinning_units",
                    descending=True, prefix="n", tiebreak=keys)
    title = f"{inst.name} · 一院一档"
    if wants_xlsx(request):
        return xlsx_response(title, columns, _all_rows(files, CYCLES, lines, table, keys),
                             f"{inst.name}-一院一档-{period}.xlsx", _notes(files, period))
    if wants_xlsx(request, "n"):
        return xlsx_response(title, ncolumns, _all_rows(files, CYCLES, nonwinning, ntable, keys),
                             f"{inst.name}-非中选采购-{period}.xlsx", _notes(files, period))
    alerts = scoped_alerts(user).filter(run=files.run, institution_id=inst.code)
    alert_page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("apage"))
    handling = _handling([a.fingerprint for a in alert_page])
    return render(request, "dashboards/execution/institution.html", {
        "institution": inst, "files": files, "periods": periods, "period": period,
        "cards": _cards(summary), "trend": _trend(own), "table": table, "ntable": ntable,
        "alerts": [(a, handling.get(a.fingerprint, [])) for a in alert_page],
        "alert_page": alert_page,
        "tickets": Paginator(scoped_tickets(user).filter(institution_id=inst.code)
                             .select_related("product", "company"), PAGE_SIZE)
        .get_page(request.GET.get("tpage")),
        "filings": Paginator(scoped_filings(user).filter(institution_id=inst.code)
                             .select_related("window__batch"), PAGE_SIZE)
        .get_page(request.GET.get("fpage")),
        "crumbs": _institution_crumbs(user, inst), "report": _report_link(inst, files),
        "statuses": [(v[1] if _lang_en() else v[0], v[2]) for v in STATUS.values()]})


def _handling(fingerprints: list[str]) -> dict[str, list[Disposition]]:
    out: dict[str, list[Disposition]] = {}
    for d in Disposition.objects.filter(fingerprint__in=fingerprints).select_related("by"):
        out.setdefault(d.fingerprint, []).append(d)
    return out


def _report_link(inst: Institution, files: RunFiles) -> str | None:
    """The 一院一档 workbook of the run's month, when the documents code is installed."""
    from jicai.web.dashboards import reports

    if not reports.available():
        return None
    return reverse("dashboards:institution_report", args=[inst.code])


@login_required
def variety(request: HttpRequest, code: str) -> HttpResponse:
    """Every institution's progress on one variety, in the user's scope."""
    user = current(request)
    require_scope(user, ScopeKind.REGION, ScopeKind.INSTITUTION)
    files = _files()
    if files is None:
        return _no_run(request)
    scope = figure_rows(user)
    reg: Region | None = None
    if kind_of(user) is ScopeKind.REGION:
        wanted = request.GET.get("region") or user.region_id
        reg = get_scoped(scoped_regions(user), code=wanted)
    lines = scope & eq("scope", "institution") & eq("variety_code", code)
    if reg is not None:
        below = list(scoped_regions(user).filter(path__startswith=reg.path)
                     .values_list("code", flat=True))
        lines = lines & among("region_code", below)
    periods = _periods(files.periods())
    period = _chosen(request, periods)
    lines = lines & eq("period", period)
    name = next(iter(files.rows(CYCLES, lines, limit=1, columns=("variety_name",))), {})
    summary = None
    if reg is not None:
        summary = next(iter(files.rows(FIGURES, scope & eq("scope", "variety") & eq("code", code)
                                       & eq("region_code", reg.code) & eq("period", period))),
                       None)
    columns = [
        Column("name", "机构", "Institution", link=lambda r: reverse(
            "dashboards:institution", args=[r["code"]]) + f"?period={period}"),
        Column("batch_name", "批次", "Batch"), Column("cycle_no", "采购年度", "Cycle", "count"),
        Column("status", "状态", "Status", show=status_badge,
               css=lambda r: "status " + STATUS.get(r.get("status") or "", ("", "", ""))[2]),
        Column("agreed_units", "约定采购量", "Agreed units", "units"),
        Column("credited_units", "计入完成量", "Credited units", "units"),
        Column("nonwinning_units", "非中选产品采购量", "Non-winning units", "units"),
        Column("completion", "完成率", "Completion", "ratio"),
        Column("schedule", "序时进度", "Schedule", "ratio"),
        Column("gap", "进度差", "Gap", "ratio"),
        Column("nonwinning_share", "非中选产品占比", "Non-winning share", "ratio"),
        Column("exemption", "适用豁免", "Exemption", show=_exemption),
    ]
    keys = ("code", "batch_code", "cycle_no")
    table = _table(request, files, CYCLES, lines, columns, "gap", tiebreak=keys)
    vname = name.get("variety_name") or code
    if wants_xlsx(request):
        return xlsx_response(f"{vname} · 各机构执行进度", columns,
                             _all_rows(files, CYCLES, lines, table, keys),
                             f"{vname}-各机构进度-{period}.xlsx", _notes(files, period))
    crumbs = _crumbs(user, reg)
    origin = request.GET.get("institution")
    if origin:
        inst = scoped_institutions(user).filter(code=origin).select_related("region").first()
        if inst is not None:
            crumbs = _institution_crumbs(user, inst)
    return render(request, "dashboards/execution/variety.html", {
        "variety_name": vname, "code": code, "region": reg, "files": files,
        "periods": periods, "period": period, "cards": _cards(summary, True),
        "table": table, "crumbs": [*crumbs, {"name": vname, "url": request.get_full_path()}]})
