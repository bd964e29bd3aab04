"""Working days by the official Chinese calendar (工作日，含调休).

Deadlines in the policies are counted in working days: a supply-problem reply
within 2 (HENAN 二(八)), a fix within 5, an off-platform purchase filed within
7 (GANZHOU 二(四), GUANGDONG 二(三)). Weekends are not enough: the State
Council moves days every year, so 2025-09-28 (a Sunday) and 2025-10-11 (a
Saturday) are workdays and 2025-10-01 … 2025-10-08 are not.

The days come from the ``chinesecalendar`` package (the official schedules
2004–2026), and can be supplied or corrected by an override file — a CSV with
``date,is_workday`` rows — for a year the package does not know yet. A year
nobody knows raises :class:`~jicai.errors.CalendarError`; it is never guessed.

>>> cal = WorkCalendar.load()
>>> cal.add_working_days(date(2025, 9, 26), 1)   # Friday → Sunday 28th, a make-up workday
datetime.date(2025, 9, 28)
>>> cal.add_working_days(date(2025, 9, 30), 1)   # the National Day week is skipped
datetime.date(2025, 10, 9)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from jicai.errors import CalendarError

_TRUE = {"1", "true", "y", "yes", "是", "工作日"}
_FALSE = {"0", "false", "n", "no", "否", "休息日", "节假日"}


def _official(day: date) -> bool | None:
    """The official answer for ``day``, or None when the package does not know its year."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclass
class WorkCalendar:
    """Which days are working days; overrides win over the official package."""

    overrides: dict[date, bool] = field(default_factory=dict)
    source: str = "chinesecalendar"
    _cache: dict[int, list[bool]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, override: Path | str | None = None) -> WorkCalendar:
        """The official calendar, with the days of ``override`` (a CSV) laid over it."""
        if override is None:
            return cls()
        path = Path(override)
        days: dict[date, bool] = {}
        problems: list[str] = []
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                raw_d = (row.get("date") or row.get("日期") or "").strip()
                raw_w = (row.get("is_workday") or row.get("是否工作日") or "").strip().lower()
                try:
                    d = date.fromisoformat(raw_d)
                except ValueError:
                    problems.append(f"{path.name}:{lineno} date={raw_d!r}")
                    continue
                if raw_w in _TRUE:
                    days[d] = True
                elif raw_w in _FALSE:
                    days[d] = False
                else:
                    problems.append(f"{path.name}:{lineno} is_workday={raw_w!r}")
        if problems:
            from jicai.errors import JicaiError

            raise JicaiError(
                "日历文件有误（应为 date=YYYY-MM-DD，is_workday=1/0）：" + "；".join(problems),
                "The calendar file is malformed (expected date=YYYY-MM-DD, is_workday=1/0): "
                + "; ".join(problems),
            )
        return cls(overrides=days, source=f"chinesecalendar + {path}")

    # -- single days --------------------------------------------------------------------

    def year_days(self, year: int) -> list[bool]:
        """Workday flags for every day of ``year``; CalendarError if the year is unknown."""
        if year in self._cache:
            return self._cache[year]
        first = date(year, 1, 1)
        n = (date(year + 1, 1, 1) - first).days
        flags: list[bool] = []
        missing = 0
        for i in range(n):
            d = first + timedelta(days=i)
            if d in self.overrides:
                flags.append(self.overrides[d])
                continue
            official = _official(d)
            if official is None:
                missing += 1
                flags.append(False)
            else:
                flags.append(official)
        if missing:
            raise CalendarError(year)
        self._cache[year] = flags
        return flags

    def knows(self, year: int) -> bool:
        try:
            self.year_days(year)
        except CalendarError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        return self.year_days(day.year)[day.timetuple().tm_yday - 1]

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself never counts), n ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        d = day
        while n:
            d += timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end], counting a non-working ``end`` as the next workday.

        So ``end > add_working_days(start, n)`` exactly when this is greater than n.
        """
        d = end
        while not self.is_workday(d):
            d += timedelta(days=1)
        count = 0
        x = start
        while x < d:
            x += timedelta(days=1)
            if self.is_workday(x):
                count += 1
        return count

    # -- as a table, for the engine -------------------------------------------------------

    def table(self, years: Iterable[int]) -> pa.Table:
        """Every day of ``years`` (a contiguous run is filled in) with its workday index.

        Columns: ``day`` (date), ``is_workday`` (bool), ``workday_index`` (int64: the
        number of working days from the first day of the table up to and including
        ``day``). The n-th working day after d is the working day whose index is
        ``index(d) + n``; that is how the engine adds working days inside any SQL engine.
        """
        ys = sorted(set(years))
        if not ys:
            return pa.table({"day": pa.array([], pa.date32()),
                             "is_workday": pa.array([], pa.bool_()),
                             "workday_index": pa.array([], pa.int64())})
        days: list[date] = []
        flags: list[bool] = []
        for y in range(ys[0], ys[-1] + 1):
            fl = self.year_days(y)
            first = date(y, 1, 1)
            days.extend(first + timedelta(days=i) for i in range(len(fl)))
            flags.extend(fl)
        index: list[int] = []
        running = 0
        for f in flags:
            running += f
            index.append(running)
        return pa.table({
            "day": pa.array(days, pa.date32()),
            "is_workday": pa.array(flags, pa.bool_()),
            "workday_index": pa.array(index, pa.int64()),
        })

    def known_years(self, around: Iterable[int]) -> list[int]:
        """Those of ``around`` that this calendar knows."""
        return [y for y in sorted(set(around)) if self.knows(y)]
