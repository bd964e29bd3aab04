"""Rankings pages: every ranking of ``figures/rankings.parquet``, scoped and paginated.

A ranking's rank is the province's (the file's ``rank``); a county officer sees
the rows of its own county's institutions with their place in the province, a
company its own rows, a hospital its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jicai.web.accounts.permissions import current
from jicai.web.dashboards import runfiles
from jicai.web.dashboards.execution import _chosen, _notes, _periods, _table, region_link
from jicai.web.dashboards.indicators import by_id
from jicai.web.dashboards.runfiles import RANKINGS, eq
from jicai.web.dashboards.scoping import figure_rows
from jicai.web.dashboards.tables import Column, wants_xlsx, xlsx_response

# ranking → (中文, English, value indicator, second indicator, amount indicator)
RANKINGS_META: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "ganzhou_completed": ("完成约定采购量的机构（按中选产品采购数量占比）",
                          "Institutions that completed every agreed volume", "winning_unit_share",
                          "completion", None),
    "ganzhou_not_completed": ("未完成约定采购量的机构（另列）",
                              "Institutions that did not complete (listed apart)",
                              "winning_unit_share", "completion", None),
    "payment_institutions": ("医疗机构按时回款率排名", "Institutions by payment on time",
                             "payment_on_time_rate", "payment_days", "overdue_amount"),
    "payment_regions": ("地区按时回款率排名", "Regions by payment on time",
                        "payment_on_time_rate", "payment_days", "overdue_amount"),
    "delivery_distributors": ("配送企业配送率排名", "Distributors by delivery rate",
                              "delivery_rate", "response_48h_rate", "amount"),
    "delivery_manufacturers": ("生产企业配送率排名", "Manufacturers by delivery rate",
                               "delivery_rate", "response_48h_rate", "amount"),
    "regions_gap": ("地区进度差排名", "Regions by schedule gap", "gap", "completion", None),
    "regions_nonwinning": ("地区非中选产品采购量占比排名（由低到高）",
                           "Regions by non-winning share (lowest first)", "nonwinning_share",
                           "nonwinning_amount_share", "nonwinning_amount"),
    "regions_online": ("地区网采率排名", "Regions by online purchase rate", "online_rate_drug",
                       "online_rate_hv", None),
    "regions_payment": ("地区按时回款率排名（统筹地区）", "Regions by payment on time",
                        "payment_on_time_rate", "payment_days", "overdue_amount"),
}


def _label(ranking: str) -> str:
    from django.utils.translation import get_language

    zh, en, *_rest = RANKINGS_META.get(ranking, (ranking, ranking, "", None, None))
    return en if (get_language() or "").startswith("en") else zh


def _link(row: dict[str, Any]) -> str | None:
    if row.get("scope") == "company":
        return None
    return region_link(row)


def columns_of(ranking: str) -> list[Column]:
    _zh, _en, value, second, amount = RANKINGS_META.get(
        ranking, (ranking, ranking, "", None, None))
    known = by_id()

    def ind(key: str, ident: str | None) -> Column | None:
        if ident is None or ident not in known:
            return None
        i = known[ident]
        return Column(key, i.zh, i.en, i.kind)

    cols = [Column("rank", "名次", "Rank", "count"),
            Column("name", "名称", "Name", link=_link),
            ind("value", value), ind("second", second), ind("amount", amount)]
    return [c for c in cols if c is not None]


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    user = current(request)
    files = runfiles.latest()
    if files is None:
        return render(request, "dashboards/execution/no_run.html", {})
    periods = _periods(files.periods())
    period = _chosen(request, periods)
    scope = figure_rows(user) & eq("period", period)
    have = set()
    if files.has(RANKINGS):
        have = {r["ranking"] for r in files.rows(RANKINGS, scope, columns=("ranking",))}
    items = [{"id": k, "label": _label(k),
              "url": reverse("dashboards:ranking", args=[k]) + f"?period={period}"}
             for k in RANKINGS_META if k in have]
    return render(request, "dashboards/execution/rankings.html", {
        "items": items, "periods": periods, "period": period, "files": files})


@login_required
def ranking(request: HttpRequest, name: str) -> HttpResponse:
    user = current(request)
    if name not in RANKINGS_META:
        raise Http404
    files = runfiles.latest()
    if files is None:
        return render(request, "dashboards/execution/no_run.html", {})
    periods = _periods(files.periods())
    period = _chosen(request, periods)
    where = figure_rows(user) & eq("ranking", name) & eq("period", period)
    columns = columns_of(name)
    table = _table(request, files, RANKINGS, where, columns, "rank", tiebreak=("scope", "rank"))
    if wants_xlsx(request):
        from jicai.web.dashboards.execution import _all_rows

        return xlsx_response(_label(name), columns,
                             _all_rows(files, RANKINGS, where, table, ("scope", "rank")),
                             f"{RANKINGS_META[name][0]}-{period}.xlsx", _notes(files, period))
    return render(request, "dashboards/execution/ranking.html", {
        "label": _label(name), "name": name, "table": table, "periods": periods,
        "period": period, "files": files})
