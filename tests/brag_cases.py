"""The BRAG rule's cases: every rule, and the day before, of and after every threshold.

Shared by the unit tests of rule_rag() and the database tests of rule_rag_sql(), so that both
are held to the same expected answers.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# A summer day, so that local (BST) and UTC dates differ around midnight.
TODAY = date(2026, 7, 1)


def days(n):
    return TODAY + timedelta(days=n)


def local_noon(day):
    return datetime.combine(day, time(12), tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class Case:
    """An action's facts and the BRAG the rule must give it on TODAY."""

    name: str
    expected: str | None
    facts: dict = field(default_factory=dict)
    reasons: tuple = ()


# A healthy action: well ahead of every threshold, updated yesterday.
HEALTHY = {
    "status": "in_progress",
    "progress": 80,
    "start_date": days(-100),
    "current_due_date": days(90),
    "last_update_at": local_noon(days(-1)),
    "extension_count": 0,
    "completed_on": None,
}


def case(name, expected, reasons=(), **facts):
    return Case(name, expected, {**HEALTHY, **facts}, tuple(reasons))


CASES = [
    case("healthy action is green", "green", ["on track"]),
    # Past the due date (progress 80 keeps the due-soon rules out of it).
    case("due tomorrow is not overdue", "green", current_due_date=days(1)),
    case("due today is not overdue", "green", current_due_date=days(0)),
    case(
        "due yesterday is overdue",
        "red",
        ["1 day past due date of 30 June 2026"],
        current_due_date=days(-1),
    ),
    case(
        "12 days overdue says so",
        "red",
        ["12 days past due date of 19 June 2026"],
        current_due_date=days(-12),
    ),
    # Due within 14 days with progress under 50%.
    case(
        "due in 13 days at 49% is red",
        "red",
        ["due in 13 days (14 July 2026) with progress at 49%"],
        current_due_date=days(13),
        progress=49,
    ),
    case("due in 14 days at 49% is red", "red", current_due_date=days(14), progress=49),
    case(
        "due in 15 days at 49% is only amber",
        "amber",
        ["due in 15 days (16 July 2026) with progress at 49%"],
        current_due_date=days(15),
        progress=49,
    ),
    case("due in 14 days at 48% is red", "red", current_due_date=days(14), progress=48),
    case("due in 14 days at 50% is only amber", "amber", current_due_date=days(14), progress=50),
    case("due in 14 days at 51% is only amber", "amber", current_due_date=days(14), progress=51),
    case("due today at 0% is red", "red", current_due_date=days(0), progress=0),
    # Due within 30 days with progress under 75%.
    case("due in 29 days at 74% is amber", "amber", current_due_date=days(29), progress=74),
    case(
        "due in 30 days at 74% is amber",
        "amber",
        ["due in 30 days (31 July 2026) with progress at 74%"],
        current_due_date=days(30),
        progress=74,
    ),
    case("due in 31 days at 74% is green", "green", current_due_date=days(31), progress=74),
    case("due in 30 days at 73% is amber", "amber", current_due_date=days(30), progress=73),
    case("due in 30 days at 75% is green", "green", current_due_date=days(30), progress=75),
    case("due in 30 days at 76% is green", "green", current_due_date=days(30), progress=76),
    # No update for 30 days.
    case("updated 29 days ago is green", "green", last_update_at=local_noon(days(-29))),
    case(
        "updated 30 days ago is amber",
        "amber",
        ["no update for 30 days"],
        last_update_at=local_noon(days(-30)),
    ),
    case("updated 31 days ago is amber", "amber", last_update_at=local_noon(days(-31))),
    case(
        "update just after local midnight counts on the local day",
        "green",
        # 00:30 BST on 2 June is 23:30 UTC on 1 June: 29 local days before 1 July, not 30.
        last_update_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC),
    ),
    case(
        "update just before local midnight is 30 days old",
        "amber",
        last_update_at=datetime(2026, 6, 1, 22, 30, tzinfo=UTC),
    ),
    case("never updated, started 29 days ago", "green", last_update_at=None, start_date=days(-29)),
    case(
        "never updated, started 30 days ago",
        "amber",
        ["no update for 30 days"],
        last_update_at=None,
        start_date=days(-30),
    ),
    case("never updated, started 31 days ago", "amber", last_update_at=None, start_date=days(-31)),
    case("not started yet, starts tomorrow", "green", last_update_at=None, start_date=days(1)),
    # Extended twice or more.
    case("extended once is green", "green", extension_count=1),
    case("extended twice is amber", "amber", ["extended 2 times"], extension_count=2),
    case("extended three times is amber", "amber", ["extended 3 times"], extension_count=3),
    # Blocked, complete, cancelled, awaiting sign-off.
    case("blocked is red", "red", ["blocked"], status="blocked"),
    case(
        "blocked and overdue and stale gives every reason",
        "red",
        ["3 days past due date of 28 June 2026", "blocked", "no update for 40 days"],
        status="blocked",
        current_due_date=days(-3),
        last_update_at=local_noon(days(-40)),
    ),
    case(
        "overdue and extended twice keeps the amber reason too",
        "red",
        ["5 days past due date of 26 June 2026", "extended 2 times"],
        current_due_date=days(-5),
        extension_count=2,
    ),
    case(
        "complete is blue even when past due",
        "blue",
        ["Complete: signed off on 2 June 2026"],
        status="complete",
        current_due_date=days(-40),
        completed_on=date(2026, 6, 2),
        progress=100,
    ),
    case("cancelled has no BRAG", None, ["Cancelled"], status="cancelled", current_due_date=days(-40)),
    case(
        "awaiting sign-off and overdue is still red",
        "red",
        status="awaiting_signoff",
        current_due_date=days(-2),
    ),
    case("not started and far off is green", "green", status="not_started", progress=0, current_due_date=days(60)),
]
