"""The current time and the working-day calendar, in one place so tests can move them.

Deadlines are Beijing dates (TIME_ZONE is Asia/Shanghai): ``today()`` is the
date in Beijing, whatever the server's clock zone.

The app's clock is real time unless the setting ``JICAI_NOW`` holds a moment
(decision 0011): the demo server sets it to the demo's as-of moment, whose data
end there, and the web tests to their world's time. It is never read from the
environment, so a production server cannot be started with a stopped clock.
Only the app's deadlines follow it; Django's own clocks (sessions, sign-in
lockouts, the audit log's times) stay real.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from jicai.policy.calendar import WorkCalendar


def now() -> dt.datetime:
    pinned = pinned_now()
    return pinned if pinned is not None else timezone.now()


def pinned_now() -> dt.datetime | None:
    """The moment the clock is set to (``JICAI_NOW``), or None when it is real time."""
    value: dt.datetime | None = getattr(settings, "JICAI_NOW", None)
    return value


def at_beijing(naive: dt.datetime) -> dt.datetime:
    """A Beijing wall time as an aware moment (what ``JICAI_NOW`` holds)."""
    return timezone.make_aware(naive, timezone.get_fixed_timezone(8 * 60))


def context(request: HttpRequest) -> dict[str, dt.date | None]:
    """Template context: ``pinned_today``, the date the app's clock is set to, if it is —
    every page then says so (base.html)."""
    return {"pinned_today": today() if pinned_now() is not None else None}


def today() -> dt.date:
    return timezone.localdate(now())


def naive_beijing(value: dt.datetime) -> dt.datetime:
    """The contract's datetime: Beijing wall time without a zone."""
    return timezone.localtime(value).replace(tzinfo=None)


@lru_cache(maxsize=4)
def _calendar(path: str | None) -> WorkCalendar:
    return WorkCalendar.load(path)


def calendar() -> WorkCalendar:
    """The official calendar, with ``JICAI_CALENDAR`` laid over it."""
    return _calendar(settings.JICAI_CALENDAR)
