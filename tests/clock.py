"""Set the tracker's idea of today in a test: local_today() reads the clock through tracker.common.dates."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tracker.common import dates

LONDON = ZoneInfo("Europe/London")


def set_clock(monkeypatch, *moment):
    """Make local_today() and local_now() see this London moment (year, month, day[, hour, minute])."""
    at = datetime(*moment, tzinfo=LONDON).astimezone(UTC)
    monkeypatch.setattr(dates, "utcnow", lambda: at)
    return at
