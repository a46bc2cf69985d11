"""The rule BRAG of an action: one pure function of the action, a date and the thresholds.

Blue: complete (signed off).
Red: past the current due date and not complete; or blocked; or due within RED_DUE_DAYS with
progress under RED_PROGRESS_BELOW.
Amber: due within AMBER_DUE_DAYS with progress under AMBER_PROGRESS_BELOW; or no update for
STALE_DAYS; or extended AMBER_EXTENSIONS times or more.
Green: otherwise. Cancelled actions have no BRAG.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, literal, or_

from tracker.common.dates import local_zone, long_date
from tracker.common.templating import pluralise
from tracker.plan.models import Rag, Status


@dataclass(frozen=True)
class Thresholds:
    red_due_days: int = 14
    red_progress_below: int = 50
    amber_due_days: int = 30
    amber_progress_below: int = 75
    stale_days: int = 30
    amber_extensions: int = 2

    @classmethod
    def from_config(cls, config):
        """Thresholds from the app's settings."""
        return cls(
            red_due_days=config["RAG_RED_DUE_DAYS"],
            red_progress_below=config["RAG_RED_PROGRESS_BELOW"],
            amber_due_days=config["RAG_AMBER_DUE_DAYS"],
            amber_progress_below=config["RAG_AMBER_PROGRESS_BELOW"],
            stale_days=config["RAG_STALE_DAYS"],
            amber_extensions=config["RAG_AMBER_EXTENSIONS"],
        )


@dataclass(frozen=True)
class RagResult:
    """A BRAG colour (None for cancelled) and the reasons for it, as sentences."""

    rag: str | None
    reasons: tuple[str, ...]

    @property
    def label(self):
        return self.rag.capitalize() if self.rag else "Not rated"

    @property
    def summary(self):
        """'Red: 12 days past due date of 30 September 2026'."""
        return f"{self.label}: {'; '.join(self.reasons)}" if self.reasons else self.label


def _days(count):
    return f"{count} day{'s' if count != 1 else ''}"


def _due_in(days_left, due):
    when = "due today" if days_left == 0 else f"due in {_days(days_left)}"
    return f"{when} ({long_date(due)})"


def last_activity_date(action):
    """The date of the latest update, or the start date when there has been none."""
    moment = action.last_update_at
    if moment is None:
        return action.start_date
    if isinstance(moment, datetime):
        return moment.astimezone(local_zone()).date()
    return moment


def rule_rag(action, today: date, thresholds: Thresholds = Thresholds()) -> RagResult:
    """Compute the rule BRAG of an action on a given day, with every reason that applies."""
    if action.status == Status.CANCELLED:
        return RagResult(None, ("Cancelled",))
    if action.status == Status.COMPLETE:
        when = f" on {long_date(action.completed_on)}" if action.completed_on else ""
        return RagResult(Rag.BLUE.value, (f"Complete: signed off{when}",))
    due = action.current_due_date
    days_left = (due - today).days
    progress = action.progress or 0
    red, amber = [], []
    if days_left < 0:
        red.append(f"{_days(-days_left)} past due date of {long_date(due)}")
    elif days_left <= thresholds.red_due_days and progress < thresholds.red_progress_below:
        red.append(f"{_due_in(days_left, due)} with progress at {progress}%")
    if action.status == Status.BLOCKED:
        red.append("blocked")
    if 0 <= days_left <= thresholds.amber_due_days and progress < thresholds.amber_progress_below and not red:
        amber.append(f"{_due_in(days_left, due)} with progress at {progress}%")
    idle = (today - last_activity_date(action)).days
    if idle >= thresholds.stale_days:
        amber.append(f"no update for {_days(idle)}")
    if (action.extension_count or 0) >= thresholds.amber_extensions:
        amber.append(f"extended {pluralise(action.extension_count, 'time')}")
    if red:
        return RagResult(Rag.RED.value, tuple(red + amber))
    if amber:
        return RagResult(Rag.AMBER.value, tuple(amber))
    return RagResult(Rag.GREEN.value, ("on track",))


def stale_cutoff(today: date, thresholds: Thresholds):
    """The UTC moment before which a last update leaves an action stale on `today`."""
    first_fresh_day = today - timedelta(days=thresholds.stale_days - 1)
    return datetime.combine(first_fresh_day, time.min, tzinfo=local_zone()).astimezone(UTC)


def rule_rag_sql(action, today: date, thresholds: Thresholds = Thresholds()):
    """The same rule as a SQL CASE expression, so lists can filter, sort and count BRAG in the database.

    Tests check that this expression and rule_rag() agree on every boundary.
    """
    red_by = today + timedelta(days=thresholds.red_due_days)
    amber_by = today + timedelta(days=thresholds.amber_due_days)
    stale = or_(
        and_(action.last_update_at.is_(None), action.start_date <= today - timedelta(days=thresholds.stale_days)),
        action.last_update_at < stale_cutoff(today, thresholds),
    )
    return case(
        (action.status == Status.CANCELLED.value, literal(None)),
        (action.status == Status.COMPLETE.value, literal(Rag.BLUE.value)),
        (action.current_due_date < today, literal(Rag.RED.value)),
        (action.status == Status.BLOCKED.value, literal(Rag.RED.value)),
        (
            and_(action.current_due_date <= red_by, action.progress < thresholds.red_progress_below),
            literal(Rag.RED.value),
        ),
        (
            and_(action.current_due_date <= amber_by, action.progress < thresholds.amber_progress_below),
            literal(Rag.AMBER.value),
        ),
        (stale, literal(Rag.AMBER.value)),
        (action.extension_count >= thresholds.amber_extensions, literal(Rag.AMBER.value)),
        else_=literal(Rag.GREEN.value),
    )


def current_thresholds():
    """The thresholds configured for the running app."""
    from flask import current_app

    return Thresholds.from_config(current_app.config)
