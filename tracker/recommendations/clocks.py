"""Statutory response clocks: calendar days from publication, counted on the local calendar."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from tracker.extensions import db

# Reminders go out when this many days are left, and once more when the response is overdue.
REMINDER_DAYS = (28, 14, 7)
OVERDUE = "overdue"
# The list page and the dashboard show responses due within this many days.
DUE_SOON_DAYS = 28


def response_due_date(published_on: date | None, days: int | None) -> date | None:
    """The last day to publish the response: `days` calendar days after publication.

    Whole days on the calendar, so a month end, a leap day or the clocks changing make no difference.
    """
    if published_on is None or days is None:
        return None
    return published_on + timedelta(days=days)


def days_left(due: date, today: date) -> int:
    """Calendar days from today to the due date: 0 on the day, negative once overdue."""
    return (due - today).days


def reminder_stage(due: date, today: date) -> str | None:
    """Which reminder applies today: '28', '14', '7', 'overdue', or None before the first."""
    left = days_left(due, today)
    if left < 0:
        return OVERDUE
    for limit in sorted(REMINDER_DAYS):
        if left <= limit:
            return str(limit)
    return None


def clock_text(due: date, today: date) -> str:
    """'Due in 12 days', 'Due today', '3 days overdue'."""
    left = days_left(due, today)
    if left == 0:
        return "Due today"
    if left > 0:
        return f"Due in {left} day{'s' if left != 1 else ''}"
    return f"{-left} day{'s' if left != -1 else ''} overdue"


@dataclass
class Clock:
    """A source whose response is waiting, with its due date and how long is left."""

    source: object
    due: date
    left: int
    text: str

    @property
    def overdue(self):
        return self.left < 0


def open_clocks(today: date, within: int | None = DUE_SOON_DAYS):
    """Sources with a response rule and no published response, due within `within` days or overdue, soonest first."""
    from tracker.recommendations.models import RecommendationSource

    sources = db.session.scalars(
        select(RecommendationSource).where(
            RecommendationSource.response_days.is_not(None), RecommendationSource.responded_on.is_(None)
        )
    ).all()
    clocks = []
    for source in sources:
        due = source.response_due_on
        left = days_left(due, today)
        if within is None or left <= within:
            clocks.append(Clock(source, due, left, clock_text(due, today)))
    return sorted(clocks, key=lambda clock: (clock.due, clock.source.id))
