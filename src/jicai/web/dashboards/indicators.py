"""The indicators of the figures files: labels and kinds from the engine, formats here.

The engine defines every indicator once (``jicai.engine.measures.COLUMNS``: id,
Chinese label, kind); the pages and their XLSX take the labels from there and
only format: a ratio as a percentage with one decimal, an amount in yuan with
thousands separators and two decimals, a count or units with thousands
separators. An empty denominator (NULL) is "—", never 0 % or 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import get_language

DASH = "—"
RATIO, COUNT, AMOUNT, UNITS, DAYS = "ratio", "count", "amount", "units", "days"


@dataclass(frozen=True)
class Indicator:
    id: str
    zh: str
    en: str
    kind: str
    excel: str = ""  # the engine's Excel number format; "" = by kind

    @property
    def label(self) -> str:
        lang = get_language() or "zh-hans"
        return self.en if lang.startswith("en") and self.en else self.zh


@cache
def catalogue() -> tuple[Indicator, ...]:
    """Every indicator the engine defines, in its order."""
    from jicai.engine.measures.columns import COLUMNS

    return tuple(Indicator(c.id, c.zh, c.en, _kind(c.kind, c.fmt), c.fmt) for c in COLUMNS)


def _kind(kind: str, excel: str) -> str:
    """How a value is shown: a percentage only where the engine formats it as one (平均回款天数
    is a ratio of sums but counts days, and its Excel format says so)."""
    if excel:
        if "%" in excel:
            return RATIO
        if excel.endswith(".00"):
            return AMOUNT
        if "." in excel:
            return DAYS
        return COUNT
    return kind if kind in (RATIO, COUNT, AMOUNT, UNITS, DAYS) else COUNT


def by_id() -> dict[str, Indicator]:
    return {i.id: i for i in catalogue()}


def present(columns: Iterable[str]) -> list[Indicator]:
    """The indicators of the catalogue that a file has as columns, in the catalogue's order."""
    have = set(columns)
    return [i for i in catalogue() if i.id in have]


def pct(v: float | None) -> str:
    if v is None or v != v:
        return DASH
    return f"{v * 100:.1f}%"


def yuan(v: float | None) -> str:
    if v is None or v != v:
        return DASH
    return f"{v:,.2f}"


def whole(v: float | None) -> str:
    if v is None or v != v:
        return DASH
    return f"{round(v):,}"


def fmt(kind: str, v: Any) -> str:
    if kind == RATIO:
        return pct(v)
    if kind == AMOUNT:
        return yuan(v)
    if kind == DAYS:
        return DASH if v is None or v != v else f"{v:,.1f}"
    return whole(v)


def excel_format(kind: str) -> str:
    """The XLSX number format of a kind (the cell keeps the file's exact value)."""
    return {RATIO: "0.0%", AMOUNT: "#,##0.00", DAYS: "#,##0.0"}.get(kind, "#,##0")
