"""The JSON API (OpenAPI 3.1 at ``/api/openapi.json``, Swagger UI at ``/api/docs``).

The same workflows as the pages, through the same service functions and the
same scoping functions. Authentication: a bearer token (``Authorization:
Bearer jc_…``, issued on the "API tokens" page) or the browser session (with
its CSRF token). Refusals: 403 (the role may not), 404 (not in scope),
409 (not allowed now or not like this; the body says why).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from jicai.errors import JicaiError
from jicai.web.accounts.models import ApiToken
from jicai.web.workflow import WorkflowError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user  # so that the audit log and the scoping see who it is
        return user


api = NinjaAPI(
    title="jicai API", version="1.0.0", auth=[BearerToken(), SessionAuth()],
    description=__doc__ or "",
    # The schema and its Swagger UI (bundled with django-ninja, no CDN) need a sign-in.
    docs_decorator=login_required,
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "forbidden"}, status=403)


@api.exception_handler(WorkflowError)
def _refused(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


@api.exception_handler(JicaiError)
def _jicai(request: HttpRequest, exc: JicaiError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.zh, "detail_en": exc.en}, status=409)


def _register() -> None:
    from jicai.web.api import alerts, filings, records, tickets

    api.add_router("/filings", filings.router, tags=["demand filing"])
    api.add_router("/tickets", tickets.router, tags=["supply problems"])
    api.add_router("/", records.router, tags=["purchases and agreements"])
    api.add_router("/", alerts.router, tags=["alerts, audit, account"])


_register()
