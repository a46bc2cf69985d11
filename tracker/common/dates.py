"""Dates and times in Europe/London, and the working-day calendar of England and Wales."""

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app, has_app_context

from tracker.common.types import utcnow

DEFAULT_TZ = "Europe/London"


def local_zone():
    """The zone the organisation works in."""
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def local_now(now=None):
    """The current (or given) moment in local time."""
    return (now or utcnow()).astimezone(local_zone())


def local_today(now=None):
    """Today's date in local time."""
    return local_now(now).date()


def long_date(value):
    """'30 September 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    return f"{value.day} {value:%B %Y}"


def short_date(value):
    """'30 Sep 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    return f"{value.day} {value:%b %Y}"


def date_time(value):
    """'30 September 2026 at 2:05pm' in local time."""
    if value is None:
        return ""
    local = value.astimezone(local_zone())
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day):
    """True on a bank holiday in England and Wales."""
    return day in _bank_holidays(day.year)


def is_working_day(day):
    """True on a weekday that is not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_between(start, end):
    """Working days after start up to and including end (negative if end is before start)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    count = 0
    day = low + timedelta(days=1)
    while day <= high:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return sign * count


def add_working_days(start, days):
    """The date that is the given number of working days after start."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def last_day_within_working_days(today, days):
    """The last date at most `days` working days after today (a weekend after the last working day counts)."""
    return add_working_days(today, days + 1) - timedelta(days=1)
