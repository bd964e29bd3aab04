"""A table of an execution page: its columns, sorting, paging, and its XLSX.

Every table on the pages is sortable (``?sort=column&dir=desc``), paginated
(``?page=N``, 50 rows) and downloadable (``?format=xlsx``: the same rows,
every page, Chinese headers, the values of the files as numbers with a number
format, text formula-safe through :mod:`jicai.spreadsheet`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jicai.web.dashboards.indicators import COUNT, Indicator, excel_format, fmt

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str = ""
    kind: str = TEXT  # text, or an indicator kind: ratio, count, amount, units
    link: Callable[[dict[str, Any]], str | None] | None = None
    css: Callable[[dict[str, Any]], str] | None = None
    show: Callable[[dict[str, Any]], str] | None = None  # text shown instead of the value
    sortable: bool = True

    @property
    def label(self) -> str:
        lang = get_language() or "zh-hans"
        return self.en if lang.startswith("en") and self.en else self.zh

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT

    def text(self, row: dict[str, Any]) -> str:
        if self.show is not None:
            return self.show(row)
        value = row.get(self.key)
        if self.kind == TEXT:
            return "—" if value is None or value == "" else str(value)
        return fmt(self.kind, value)


def indicator_column(ind: Indicator) -> Column:
    return Column(ind.id, ind.zh, ind.en, ind.kind)


def count_column(key: str, zh: str, en: str) -> Column:
    return Column(key, zh, en, COUNT)


@dataclass
class Sorting:
    key: str
    descending: bool

    @classmethod
    def of(cls, request: HttpRequest, columns: Sequence[Column], default: str,
           descending: bool = False, prefix: str = "") -> Sorting:
        keys = {c.key for c in columns if c.sortable}
        key = request.GET.get(prefix + "sort", default)
        if key not in keys:
            key = default
        direction = request.GET.get(prefix + "dir")
        desc = descending if direction not in ("asc", "desc") else direction == "desc"
        return cls(key, desc)


@dataclass
class Table:
    """What a template draws: headers with their sort links, formatted cells, the pager."""

    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    total: int
    page: int
    sorting: Sorting
    request: HttpRequest
    prefix: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _url(self, **changes: Any) -> str:
        query = self.request.GET.copy()
        for k, v in changes.items():
            query[self.prefix + k] = str(v)
        query.pop("format", None)
        return "?" + urlencode(sorted(query.items()))

    @property
    def headers(self) -> list[dict[str, Any]]:
        out = []
        for c in self.columns:
            active = c.key == self.sorting.key
            desc = not self.sorting.descending if active else c.numeric
            out.append({"label": c.label, "numeric": c.numeric, "active": active,
                        "descending": self.sorting.descending if active else None,
                        "url": self._url(sort=c.key, dir="desc" if desc else "asc", page=1)
                        if c.sortable else None})
        return out

    @property
    def body_html(self) -> str:
        """The rows as HTML, built here: a 50 × 15 table through template tags costs more
        than every query of the page."""
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        if not self.rows:
            return mark_safe(f'<tr><td colspan="{len(self.columns)}" class="muted">'
                             f'{escape(_("No rows."))}</td></tr>')
        out = []
        for r in self.rows:
            cells = []
            for c in self.columns:
                css = ("num " if c.numeric else "") + (c.css(r) if c.css else "")
                text = escape(c.text(r))
                href = c.link(r) if c.link else None
                inner = f'<a href="{escape(href)}">{text}</a>' if href else text
                cells.append(f'<td class="{escape(css.strip())}">{inner}</td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(out))

    @property
    def previous_url(self) -> str | None:
        return self._url(page=self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self._url(page=self.page + 1) if self.page < self.pages else None

    @property
    def xlsx_url(self) -> str:
        query = self.request.GET.copy()
        query["format"] = "xlsx"
        if self.prefix:
            query["table"] = self.prefix
        return "?" + urlencode(sorted(query.items()))


def page_number(request: HttpRequest, prefix: str = "") -> int:
    try:
        return max(1, int(request.GET.get(prefix + "page", "1")))
    except ValueError:
        return 1


def wants_xlsx(request: HttpRequest, prefix: str = "") -> bool:
    return request.GET.get("format") == "xlsx" and request.GET.get("table", "") == prefix


def xlsx_response(title: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]],
                  filename: str, notes: Sequence[str] = ()) -> HttpResponse:
    """One sheet: a title row, notes, then the table with Chinese headers, frozen, filtered."""
    from jicai.spreadsheet import workbook

    with tempfile.TemporaryDirectory(prefix="jicai-xlsx-") as tmp:
        path = Path(tmp) / "view.xlsx"
        wb = workbook(path, {"default_date_format": "yyyy-mm-dd"})
        ws = wb.add_worksheet(title[:31].replace("/", "-") or "sheet")
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        formats = {k: wb.add_format({"num_format": excel_format(k)})
                   for k in {c.kind for c in columns if c.numeric}}
        wb.write(ws, 0, 0, title, wb.add_format({"bold": True, "font_size": 13}))
        r = 1
        for note in notes:
            wb.write(ws, r, 0, note)
            r += 1
        r += 1
        wb.write_row(ws, r, 0, [c.zh for c in columns], head)
        ws.freeze_panes(r + 1, 0)
        first = r
        for row in rows:
            r += 1
            for j, c in enumerate(columns):
                value = row.get(c.key)
                if c.show is not None and not c.numeric:
                    value = c.show(row)
                if value is None:
                    continue
                if c.numeric and isinstance(value, int | float):
                    ws.write_number(r, j, value, formats[c.kind])
                else:
                    wb.write(ws, r, j, str(value))
        ws.autofilter(first, 0, max(r, first + 1), max(len(columns) - 1, 0))
        ws.set_column(0, max(len(columns) - 1, 0), 14)
        ws.set_column(0, 0, 28)
        wb.close()
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
