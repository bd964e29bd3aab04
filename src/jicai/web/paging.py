"""One way every list pages and searches by name.

``paged(request, items)`` gives the page the request asks for (``?page=N``, 50 rows),
with the other query parameters kept so that paging never drops a filter;
``includes/pager.html`` draws it. ``named(items, q, *fields)`` keeps the rows whose
name fields contain the search text — officers look institutions, products and
companies up by name, not by code (the code still matches too).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
M = TypeVar("M", bound=Model)


def paged(request: HttpRequest, items: QuerySet[M] | list[Any], *, size: int = PAGE_SIZE,
          param: str = "page") -> Page[Any]:
    page = Paginator(items, size).get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    page.query = others.urlencode()  # type: ignore[attr-defined]
    page.param = param  # type: ignore[attr-defined]
    return page


def named(items: QuerySet[M], q: str | None, *fields: str) -> QuerySet[M]:
    """Rows where any of ``fields`` contains ``q`` (case-insensitive); all rows without q."""
    q = (q or "").strip()
    if not q:
        return items
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": q})
    return items.filter(cond)
