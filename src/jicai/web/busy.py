"""A warehouse that is busy or unreadable is a 503 page, never a 500.

An import holds the warehouse's lock while it writes (see
:meth:`jicai.warehouse.store.Warehouse.import_folder`); a page that must write
to the warehouse meanwhile (Publish) or cannot read it gets this page, in
Chinese and English, with ``Retry-After``. The API answers the same as JSON
(:mod:`jicai.web.api.errors`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from jicai.errors import WarehouseError

RETRY_AFTER_S = 30

_PAGE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>仓库正忙 / Warehouse busy</title></head>
<body><main><h1>仓库正忙，请稍后再试</h1><p>{}</p>
<h2 lang="en">The warehouse is busy: try again later</h2><p lang="en">{}</p>
<p><a href="{}">返回 / back</a></p></main></body></html>
"""


class WarehouseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception
                          ) -> HttpResponse | None:
        if not isinstance(exception, WarehouseError):
            return None
        back = request.META.get("HTTP_REFERER") or "/"
        if not back.startswith("/") and not back.startswith(request.build_absolute_uri("/")):
            back = "/"  # never send the user to another site
        page = format_html(_PAGE, exception.zh, exception.en, back)
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
