"""Dates as numbers, for vectorized generation.

A day is an ``int64`` count of days since 1970-01-01 and a moment an ``int64``
count of seconds since 1970-01-01 00:00 (Beijing time, no zone), so numpy can
do the arithmetic. Working days come from :class:`jicai.policy.calendar.WorkCalendar`,
the same official calendar the monitor uses.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from jicai.policy.calendar import WorkCalendar

I64 = NDArray[np.int64]
DAY = 86_400
HOUR = 3_600
_EPOCH = date(1970, 1, 1)


def day_no(d: date) -> int:
    return (d - _EPOCH).days


def from_day_no(n: int) -> date:
    return _EPOCH + timedelta(days=int(n))


def month_end_after(day: I64) -> I64:
    """Last day of the month after the month of each day (the payment deadline)."""
    months = day.astype("datetime64[D]").astype("datetime64[M]")
    return (months + 2).astype("datetime64[D]").astype(np.int64) - 1


def year_of(day: I64) -> I64:
    return day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


class WorkDays:
    """The working days of a span of years as a sorted array.

    >>> wd = WorkDays(WorkCalendar.load(), 2025, 2025)
    >>> from_day_no(int(wd.add(np.array([day_no(date(2025, 9, 30))]), 1)[0]))
    datetime.date(2025, 10, 9)
    """

    def __init__(self, calendar: WorkCalendar, first_year: int, last_year: int) -> None:
        flags: list[bool] = []
        for year in range(first_year, last_year + 1):
            flags.extend(calendar.year_days(year))
        start = day_no(date(first_year, 1, 1))
        self.first = start
        self.flags = np.array(flags, dtype=bool)
        self.days: I64 = np.flatnonzero(self.flags).astype(np.int64) + start

    def is_workday(self, day: I64) -> NDArray[np.bool_]:
        return self.flags[day - self.first]

    def taken(self, start: I64, end: I64) -> I64:
        """Working days after ``start`` up to ``end``, a non-working ``end`` counting as the
        next working day — the engine's measure, so that taken > n ⇔ end > add(start, n)."""
        after = np.searchsorted(self.days, np.asarray(end), side="left") + 1
        return np.asarray(after - np.searchsorted(self.days, np.asarray(start), side="right"),
                          dtype=np.int64)

    def add(self, day: I64, n: I64 | int) -> I64:
        """The n-th working day after each day (the day itself never counts), n ≥ 1."""
        index = np.searchsorted(self.days, day, side="right") + np.asarray(n) - 1
        return np.asarray(self.days[index], dtype=np.int64)
