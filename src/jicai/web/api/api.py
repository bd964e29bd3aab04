"""The JSON API (OpenAPI 3.1 at ``/api/openapi.json``, Swagger UI at ``/api/docs``).

The same workflows as the pages, through the same service functions and the
same scoping functions. Authentication: a bearer token (``Authorization:
Bearer jc_…``, issued on the "API tokens" page) or the browser session (with
its CSRF token). Refusals, each with a message in Chinese (``detail``) and
English (``detail_en``): 401 (not signed in), 403 (the role may not), 404 (not
in scope), 409 (not allowed now or not like this; the body says why), 422 (a
value out of range, a bad date, a value outside the contract's list; ``errors``
says where), 503 (the warehouse is busy with an import). Lists take ``limit``
(at most 200) and ``offset``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from jicai.web.accounts.models import ApiToken
from jicai.web.api.errors import document_errors, install


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user  # so that the audit log and the scoping see who it is
        return user


class JicaiAPI(NinjaAPI):
    """The API whose OpenAPI schema documents every refusal (see :mod:`.errors`)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


api = JicaiAPI(
    title="jicai API", version="1.0.0", auth=[BearerToken(), SessionAuth()],
    description=__doc__ or "",
    # The schema and its Swagger UI (bundled with django-ninja, no CDN) need a sign-in.
    docs_decorator=login_required,
)
install(api)


def _register() -> None:
    from jicai.web.api import alerts, filings, records, tickets

    api.add_router("/filings", filings.router, tags=["demand filing"])
    api.add_router("/tickets", tickets.router, tags=["supply problems"])
    api.add_router("/", records.router, tags=["purchases and agreements"])
    api.add_router("/", alerts.router, tags=["alerts, audit, account"])


_register()
