"""Scheduled work: build the report of the quarter just ended, once, on its working day; build what was asked for."""

from flask import current_app
from sqlalchemy.exc import IntegrityError

from tracker.common.dates import add_working_days, local_today
from tracker.common.quarters import quarter_of
from tracker.extensions import db
from tracker.reports.builds import work_through_builds
from tracker.reports.services import build_report, reports_of


def report_due_on(quarter):
    """The day the quarter's report is due to be built: the configured working day after its end."""
    return add_working_days(quarter.end, current_app.config["REPORT_BUILD_WORKING_DAY"])


def build_due_report(now):
    """Reconcile: build the report of the quarter just ended if it is due and not yet built.

    Safe to run any number of times, from any number of processes: a quarter has one live report,
    so it is built once. Run late (after downtime), it still builds the missed report. It never
    builds before the quarter's last day has passed: build_report refuses that too.
    """
    today = local_today(now)
    quarter = quarter_of(today).previous()
    due = report_due_on(quarter)
    if today < due:
        return f"{quarter.label} report is not due until {due.isoformat()}"
    built = reports_of(quarter)
    if built and built[0].is_withdrawn:
        # A corrected report is built by the chair once the plan is put right, not at 6am regardless.
        return f"{quarter.label} report was withdrawn; the chair builds the corrected one"
    if built:
        return f"{quarter.label} report already built"
    try:
        build_report(quarter, today=today)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return f"{quarter.label} report was built by another process"
    return f"Built the {quarter.label} report; it awaits the chair's approval"


# Daily: the reconcile itself knows whether a report is due, so a missed day builds it the next.
JOBS = [
    {
        "id": "reports.build_due_report",
        "name": "Build the quarterly report when it is due",
        "func": build_due_report,
        "cron": {"hour": 6, "minute": 0},
    },
    # Every few seconds, so a report the chair asked for starts building at once.
    {
        "id": "reports.builds",
        "name": "Build the reports people asked for",
        "func": work_through_builds,
        "cron": {"second": "*/5"},
    },
]
