"""The period a document covers: a month, a quarter or a year, clipped to ``as_of``.

A document is "as of the end of its period": the monitor runs at the period's last
day, or at ``as_of`` when the period is still running.

>>> month("2025-11", date(2025, 11, 30))
Period(kind='month', code='2025-11', start=datetime.date(2025, 11, 1), end=datetime.date(2025, 11, 30))
>>> quarter("2025Q3", date(2025, 11, 30)).end
datetime.date(2025, 9, 30)
>>> year("2025", date(2025, 8, 15)).end
datetime.date(2025, 8, 15)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from jicai.errors import JicaiError
from jicai.reports.numbers import period_label


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | ytd (the figures files' period_kind)
    code: str  # 2025-11 | 2025Q3 | 2025
    start: date
    end: date  # the last day, clipped to as_of

    @property
    def label(self) -> str:
        return period_label(self.code)

    def months(self) -> list[str]:
        """The month codes of the period, first to last."""
        out = []
        d = self.start
        while d <= self.end:
            out.append(f"{d.year}-{d.month:02d}")
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out


def _last_day(y: int, m: int) -> date:
    return (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)


def _clip(kind: str, code: str, start: date, end: date, as_of: date, given: str) -> Period:
    if start > as_of:
        raise JicaiError(f"{given} 晚于监测日期 {as_of.isoformat()}",
                         f"{given} is after the as-of date {as_of.isoformat()}")
    return Period(kind, code, start, min(end, as_of))


def month(text: str, as_of: date) -> Period:
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise JicaiError(f"月份应写作 YYYY-MM：{text!r}", f"a month is written YYYY-MM: {text!r}")
    y, mo = int(m.group(1)), int(m.group(2))
    return _clip("month", f"{y}-{mo:02d}", date(y, mo, 1), _last_day(y, mo), as_of, text)


def quarter(text: str, as_of: date) -> Period:
    m = re.fullmatch(r"(\d{4})[Qq]([1-4])", text.strip())
    if not m:
        raise JicaiError(f"季度应写作 YYYYQn（如 2025Q3）：{text!r}",
                         f"a quarter is written YYYYQn (e.g. 2025Q3): {text!r}")
    y, q = int(m.group(1)), int(m.group(2))
    return _clip("quarter", f"{y}Q{q}", date(y, 3 * q - 2, 1), _last_day(y, 3 * q), as_of, text)


def year(text: str, as_of: date) -> Period:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise JicaiError(f"年份应写作 YYYY：{text!r}", f"a year is written YYYY: {text!r}")
    y = int(text)
    return _clip("ytd", str(y), date(y, 1, 1), date(y, 12, 31), as_of, text)
