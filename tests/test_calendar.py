from datetime import date
from pathlib import Path

import pytest

from jicai.errors import CalendarError
from jicai.policy.calendar import WorkCalendar

cal = WorkCalendar.load()


def test_make_up_workdays_are_workdays() -> None:
    assert cal.is_workday(date(2025, 9, 28))  # a Sunday, 调休上班
    assert cal.is_workday(date(2025, 10, 11))  # a Saturday, 调休上班


def test_national_day_week_is_not() -> None:
    assert not any(cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 10, 9))


def test_add_working_days_counts_make_up_days_and_skips_holidays() -> None:
    # Fri 26 Sep + 1 → Sun 28 Sep (make-up); + 3 → Tue 30 Sep; + 4 → Thu 9 Oct.
    assert cal.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert cal.add_working_days(date(2025, 9, 26), 3) == date(2025, 9, 30)
    assert cal.add_working_days(date(2025, 9, 26), 4) == date(2025, 10, 9)
    # Thu 9 Oct + 2 → Sat 11 Oct (make-up).
    assert cal.add_working_days(date(2025, 10, 9), 2) == date(2025, 10, 11)


def test_working_days_between_matches_the_deadline() -> None:
    start = date(2025, 9, 26)
    deadline = cal.add_working_days(start, 7)  # 2025-10-13
    assert deadline == date(2025, 10, 13)
    assert cal.working_days_between(start, deadline) == 7
    assert cal.working_days_between(start, date(2025, 10, 12)) == 7  # Sunday → Monday
    assert cal.working_days_between(start, date(2025, 10, 14)) == 8


def test_unknown_year_names_the_year_and_how_to_supply_it() -> None:
    with pytest.raises(CalendarError) as err:
        cal.add_working_days(date(2026, 12, 30), 5)
    assert err.value.year == 2027
    assert "2027" in err.value.zh and "--calendar" in err.value.en


def test_override_file_supplies_a_year(tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    lines = ["date,is_workday"]
    d = date(2027, 1, 1)
    while d.year == 2027:
        lines.append(f"{d.isoformat()},{1 if d.weekday() < 5 and d != date(2027, 1, 1) else 0}")
        d = date.fromordinal(d.toordinal() + 1)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    c = WorkCalendar.load(f)
    # Wed 30 Dec 2026 + 2 → Thu 31 Dec, then Mon 4 Jan 2027 (1 Jan is a holiday here).
    assert c.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)


def test_calendar_table_indexes_workdays() -> None:
    t = cal.table([2025]).to_pylist()
    by_day = {r["day"]: r for r in t}
    a, b = by_day[date(2025, 9, 26)], by_day[date(2025, 9, 28)]
    assert b["workday_index"] == a["workday_index"] + 1
    assert by_day[date(2025, 10, 5)]["workday_index"] == by_day[date(2025, 9, 30)]["workday_index"]
