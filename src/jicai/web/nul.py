"""A NUL character in a page's address, query or form is a 400, never a 500.

PostgreSQL cannot hold NUL (``\\x00``) in a text, so a filter such as
``/audit/?who=%00`` reached the database and failed there (a 500); no page
needs the character. The API checks its own inputs (:mod:`jicai.web.api.bounds`)
and answers 422 in JSON, so it is left to do so.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

_PAGE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>请求有误 / Bad request</title></head>
<body><main><h1>请求有误：地址或表单中含有空字符（NUL）</h1>
<p lang="en">Bad request: the address or the form holds a NUL character.</p>
<p><a href="/">返回首页 / home</a></p></main></body></html>
"""


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for data in (request.GET, request.POST if request.method == "POST" else None):
        if data is None:
            continue
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values if isinstance(v, str)):
                return True
    return False


class NulRefusedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and has_nul(request):
            return HttpResponseBadRequest(_PAGE, content_type="text/html; charset=utf-8")
        return self.get_response(request)
