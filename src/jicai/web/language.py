"""Simplified Chinese unless the user chose English with the switch in the header.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
officer whose browser happens to be set to English would get English pages.
Here only the cookie that the language switch sets counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
        with translation.override(code):
            response = self.get_response(request)
            # Templates render lazily: force them now, in the page's language.
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()  # pragma: no cover
        response.headers.setdefault("Content-Language", code)
        return response
