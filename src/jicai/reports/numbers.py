"""Numbers, dates and periods as a Chinese bureau writes them.

Percentages with one decimal, yuan with thousands separators and two decimals,
units with thousands separators, dates as 2025年11月30日. A missing figure (an
empty denominator) is written "—", never 0 % or 100 %.

>>> pct(0.8534)
'85.3%'
>>> pct(None)
'—'
>>> yuan(1234567.891)
'1,234,567.89'
>>> count(1234567)
'1,234,567'
>>> cn_date(date(2025, 11, 30))
'2025年11月30日'
>>> period_label("2025Q3"), period_label("2025-07"), period_label("2025")
('2025年第三季度', '2025年7月', '2025年')
"""

from __future__ import annotations

from datetime import date

DASH = "—"
QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


def pct(v: float | None, digits: int = 1) -> str:
    if v is None or v != v:
        return DASH
    return f"{v * 100:.{digits}f}%"


def points(v: float | None) -> str:
    """A difference of two ratios in percentage points (进度差)."""
    if v is None or v != v:
        return DASH
    return f"{v * 100:+.1f}个百分点"


def yuan(v: float | None) -> str:
    if v is None or v != v:
        return DASH
    return f"{v:,.2f}"


def count(v: float | int | None) -> str:
    if v is None or v != v:
        return DASH
    return f"{round(v):,}"


def number(v: float | None, digits: int = 1) -> str:
    if v is None or v != v:
        return DASH
    return f"{v:,.{digits}f}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def period_label(period: str) -> str:
    """``2025-07`` → 2025年7月, ``2025Q3`` → 2025年第三季度, ``2025`` → 2025年."""
    if "Q" in period:
        y, q = period.split("Q")
        return f"{y}年第{QUARTER_ZH[int(q)]}季度"
    if "-" in period:
        y, m = period.split("-")
        return f"{y}年{int(m)}月"
    return f"{period}年"
