"""The bureau's dashboard: charts drawn by Apache ECharts, served from the package."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jicai.web.accounts.permissions import current, require_scope
from jicai.web.accounts.roles import ScopeKind
from jicai.web.dashboards.figures import figures


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = current(request)
    require_scope(user, ScopeKind.REGION)
    return render(request, "dashboards/overview.html", {"figures": figures(user)})
