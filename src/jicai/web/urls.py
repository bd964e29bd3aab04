"""URLs of the web app; every page requires sign-in except the sign-in page itself."""

from __future__ import annotations

from django.contrib.staticfiles.views import serve as serve_static
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.i18n import set_language

from jicai.web.accounts.views import home
from jicai.web.api.api import api


def static(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Static files straight from the package, also with DEBUG off.

    ``jicai serve`` is meant to run on its own on a bureau's intranet, with no
    web server in front to serve ``/static/``; behind one, run collectstatic
    and let it serve STATIC_ROOT instead.
    """
    response: HttpResponse | FileResponse = serve_static(request, path, insecure=True)
    response["Cache-Control"] = "max-age=3600"
    return response


urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("jicai.web.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("filings/", include("jicai.web.filings.urls")),
    path("tickets/", include("jicai.web.tickets.urls")),
    path("purchases/", include("jicai.web.purchases.urls")),
    path("agreements/", include("jicai.web.agreements.urls")),
    path("alerts/", include("jicai.web.alerts.urls")),
    path("monitoring/", include("jicai.web.monitoring.urls")),
    path("dashboards/", include("jicai.web.dashboards.urls")),
    path("audit/", include("jicai.web.audit.urls")),
    path("jobs/", include("jicai.web.jobs.urls")),
    path("api/", api.urls),
    re_path(r"^static/(?P<path>.*)$", static),
]

# A refusal is recorded in the audit log before the 403 page (等保 2.0 安全审计).
handler403 = "jicai.web.accounts.security.refused"
