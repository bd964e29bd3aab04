"""The current time and the working-day calendar, in one place so tests can move them.

Deadlines are Beijing dates (TIME_ZONE is Asia/Shanghai): ``today()`` is the
date in Beijing, whatever the server's clock zone.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from jicai.policy.calendar import WorkCalendar


def now() -> dt.datetime:
    return timezone.now()


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
