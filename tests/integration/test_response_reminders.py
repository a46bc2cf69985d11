"""Leads and the chair are reminded of a response due at 28, 14 and 7 days and when overdue, once each."""

import threading
from datetime import date, timedelta

from sqlalchemy import select

from tests.integration.notify.conftest import london
from tracker.extensions import db as _db
from tracker.notify.models import OutboundEmail
from tracker.notify.scheduler import collect_jobs
from tracker.recommendations.reminders import send_response_reminders

PUBLISHED = date(2027, 1, 31)
DUE = date(2027, 3, 28)  # 56 days on, the day the clocks go forward


def _reminders(db):
    return db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "response_due").order_by(OutboundEmail.id)
    ).all()


def _world(make):
    chair = make.user("chair", name="Cat Chair", email="chair@opcc.example.org")
    lead = make.user("lead", name="Lee Lead", email="lead@force.example.org")
    source = make.source(title="PEEL 2027: victim service assessment", published_on=PUBLISHED)
    make.recommendation(source=source, reference="Recommendation 1", lead=lead)
    make.recommendation(source=source, reference="AFI 2", lead=lead)
    return chair, lead, source


def _run(db, day, hour=8):
    queued = send_response_reminders(london(day.year, day.month, day.day, hour, 0))
    db.session.commit()
    return queued


def test_each_reminder_goes_once_to_the_lead_and_the_chair(db, make):
    chair, lead, source = _world(make)
    days = [DUE - timedelta(days=left) for left in (29, 28, 28, 20, 14, 13, 7, 3, 0)] + [DUE + timedelta(days=1)] * 2
    queued = [_run(db, day) for day in days]
    assert queued == [0, 2, 0, 0, 2, 0, 2, 0, 0, 2, 0]
    assert [(m.to_address, m.subject) for m in _reminders(db)] == [
        ("chair@opcc.example.org", "The response to PEEL 2027: victim service assessment is due in 28 days"),
        ("lead@force.example.org", "The response to PEEL 2027: victim service assessment is due in 28 days"),
        ("chair@opcc.example.org", "The response to PEEL 2027: victim service assessment is due in 14 days"),
        ("lead@force.example.org", "The response to PEEL 2027: victim service assessment is due in 14 days"),
        ("chair@opcc.example.org", "The response to PEEL 2027: victim service assessment is due in 7 days"),
        ("lead@force.example.org", "The response to PEEL 2027: victim service assessment is due in 7 days"),
        ("chair@opcc.example.org", "The response to PEEL 2027: victim service assessment is overdue"),
        ("lead@force.example.org", "The response to PEEL 2027: victim service assessment is overdue"),
    ]
    overdue = _reminders(db)[-1]
    assert overdue.body_text.split("\n")[2:10] == [
        "Hello Lee Lead,",
        "",
        "The published response to PEEL 2027: victim service assessment (HMICFRS) was due on 28 March 2027. "
        "It is 1 day overdue.",
        "",
        "The report was published on 31 January 2027. The response says, for each recommendation, what has been "
        "or will be done, or why nothing will.",
        "",
        "- Recommendation 1: Awaiting review. Lead: Lee Lead",
        "- AFI 2: Awaiting review. Lead: Lee Lead",
    ]
    assert f"http://127.0.0.1:5000/recommendations/sources/{source.id}" in overdue.body_html


def test_a_run_after_a_missed_week_sends_only_the_stage_reached(db, make):
    _world(make)
    assert _run(db, DUE - timedelta(days=10)) == 2
    assert {m.subject.rsplit(" is ", 1)[1] for m in _reminders(db)} == {"due in 10 days"}
    assert _run(db, DUE - timedelta(days=8)) == 0


def test_a_published_response_or_no_rule_stops_the_reminders(db, make):
    chair, lead, source = _world(make)
    source.responded_on = DUE - timedelta(days=30)
    make.source(title="Internal audit of victim contact", body="internal_audit", response_days=None)
    _db.session.commit()
    assert _run(db, DUE - timedelta(days=7)) == 0
    assert _reminders(db) == []


def test_the_job_is_registered_with_the_scheduler():
    [job] = [job for job in collect_jobs() if job["id"] == "recommendations.response_reminders"]
    assert job["cron"] == {"hour": 7, "minute": 30}


def test_two_schedulers_at_once_queue_each_reminder_once(app, db, make):
    _world(make)
    first_inserted = threading.Event()
    results, errors = {}, []
    now = london(2027, 3, 14, 7, 30)

    def run(name, wait_for=None, hold=0.0):
        try:
            with app.app_context():
                if wait_for is not None:
                    wait_for.wait(10)
                queued = send_response_reminders(now)
                first_inserted.set()
                threading.Event().wait(hold)
                _db.session.commit()
                results[name] = queued
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    first = threading.Thread(target=run, args=("first", None, 1.0))
    second = threading.Thread(target=run, args=("second", first_inserted))
    first.start()
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    assert results == {"first": 2, "second": 0}
    assert len(_reminders(db)) == 2
