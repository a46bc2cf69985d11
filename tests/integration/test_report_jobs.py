"""The scheduled build: due on a working day after the quarter, built once, caught up after downtime."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.integration.report_history import Q3, crafted_history
from tracker.notify import scheduler as scheduler_module
from tracker.notify.models import JobRun, OutboundEmail
from tracker.notify.scheduler import TrackerScheduler
from tracker.reports import jobs, services
from tracker.reports.jobs import JOBS, build_due_report, report_due_on
from tracker.reports.models import Report, ReportState

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def _reports(db):
    return db.session.scalar(select(func.count(Report.id)))


def _mail_to(db, address):
    return db.session.scalars(select(OutboundEmail).where(OutboundEmail.to_address == address)).all()


@pytest.fixture()
def plan(db, make):
    crafted_history(db, make)
    return make.user("chair", email="chair.person@example.org")


def test_due_on_the_configured_working_day_skipping_the_new_year_bank_holiday(app, monkeypatch):
    with app.app_context():
        # 31 December 2026 is a Thursday; 1 January is a bank holiday; the 5th working day is Friday 8th.
        assert report_due_on(Q3).isoformat() == "2027-01-08"
        monkeypatch.setitem(app.config, "REPORT_BUILD_WORKING_DAY", 1)
        assert report_due_on(Q3).isoformat() == "2027-01-04"


def test_builds_once_on_the_due_day_and_tells_the_chair(db, plan):
    assert build_due_report(london(2027, 1, 7, 6)) == "2026/27 Q3 report is not due until 2027-01-08"
    assert _reports(db) == 0

    summary = build_due_report(london(2027, 1, 8, 6))
    assert summary == "Built the 2026/27 Q3 report; it awaits the chair's approval"
    report = db.session.scalar(select(Report))
    assert report.quarter == "2026/27 Q3" and report.state == ReportState.AWAITING_APPROVAL
    assert report.built_by_id is None and report.snapshot["as_at"] == "2026-12-31"
    [mail] = _mail_to(db, plan.email)
    assert "2026/27 Q3 report is ready" in mail.subject

    assert build_due_report(london(2027, 1, 8, 7)) == "2026/27 Q3 report already built"
    assert build_due_report(london(2027, 1, 11, 6)) == "2026/27 Q3 report already built"
    assert _reports(db) == 1 and len(_mail_to(db, plan.email)) == 1


def test_a_scheduler_that_was_down_builds_the_missed_report_when_it_runs(db, plan):
    assert build_due_report(london(2027, 2, 20, 9)) == "Built the 2026/27 Q3 report; it awaits the chair's approval"
    assert db.session.scalar(select(Report.quarter)) == "2026/27 Q3"


def test_a_scheduler_starting_after_downtime_catches_up_the_missed_build(app, db, plan, monkeypatch):
    # The scheduler last ran the job on 7 January, the day before the report was due, then went
    # down until 20 February; on taking the lease it runs the missed job at once.
    db.session.add(JobRun(name="reports.build_due_report", last_started_at=london(2027, 1, 7, 6)))
    db.session.commit()
    monkeypatch.setattr(scheduler_module, "utcnow", lambda: london(2027, 2, 20, 9))
    scheduler = TrackerScheduler(app, jobs=JOBS)
    try:
        scheduler.heartbeat()
    finally:
        scheduler.shutdown()

    run = db.session.get(JobRun, "reports.build_due_report")
    assert run.last_result == "Built the 2026/27 Q3 report; it awaits the chair's approval"
    report = db.session.scalar(select(Report))
    assert report.quarter == "2026/27 Q3" and report.snapshot["as_at"] == "2026-12-31"
    assert len(_mail_to(db, plan.email)) == 1

    # A second start finds nothing missed and builds nothing more.
    again = TrackerScheduler(app, jobs=JOBS)
    try:
        again.heartbeat()
    finally:
        again.shutdown()
    assert _reports(db) == 1 and len(_mail_to(db, plan.email)) == 1


def test_losing_a_race_to_another_process_is_harmless(db, plan, monkeypatch):
    build_due_report(london(2027, 1, 8, 6))
    first = db.session.scalar(select(Report))
    checksum = first.sha256
    # The other process's row is not visible when this one checks, as in a real race.
    monkeypatch.setattr(jobs, "reports_of", lambda quarter: [])
    monkeypatch.setattr(services, "report_for", lambda quarter: None)
    assert build_due_report(london(2027, 1, 8, 6)) == "2026/27 Q3 report was built by another process"
    db.session.expire_all()
    assert _reports(db) == 1 and db.session.scalar(select(Report.sha256)) == checksum
    assert len(_mail_to(db, plan.email)) == 1


def test_the_jobs_are_offered_to_the_scheduler_daily_and_every_five_seconds():
    from tracker.reports.builds import work_through_builds

    due, asked = JOBS
    assert due["id"] == "reports.build_due_report" and due["func"] is build_due_report
    assert due["cron"] == {"hour": 6, "minute": 0}
    assert asked["id"] == "reports.builds" and asked["func"] is work_through_builds
    assert asked["cron"] == {"second": "*/5"}
