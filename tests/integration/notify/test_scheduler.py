"""The scheduler: jobs from every feature, one lease holder, catch-up of missed runs, a real process."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.integration.notify.conftest import london
from tracker.common.types import utcnow
from tracker.notify.lease import LEASE_NAME, hold_lease, release_lease
from tracker.notify.models import JobRun, OutboundEmail, SchedulerLock
from tracker.notify.scheduler import TrackerScheduler, collect_jobs, cron_trigger, missed_jobs

ROOT = Path(__file__).resolve().parents[3]


def test_jobs_are_collected_from_every_feature_package():
    jobs = {job["id"]: job for job in collect_jobs()}

    assert {"notify.weekly_reminders", "notify.red_alerts", "notify.outbox"} <= set(jobs)
    assert all(callable(job["func"]) for job in jobs.values())


def test_weekly_job_fires_on_the_digest_weekday_in_london_time(app):
    weekly = next(job for job in collect_jobs() if job["id"] == "notify.weekly_reminders")

    after_summer_time = cron_trigger(weekly, app.config).get_next_fire_time(None, london(2026, 10, 21, 12, 0))

    assert after_summer_time == london(2026, 10, 26, 7, 0)
    assert after_summer_time.utcoffset() == timedelta(0)


def test_only_one_process_holds_the_lease_until_it_expires_or_is_released(db):
    now = utcnow()

    assert hold_lease("one", now, 90)
    assert not hold_lease("two", now + timedelta(seconds=30), 90)
    assert hold_lease("one", now + timedelta(seconds=60), 90)
    lock = db.session.get(SchedulerLock, LEASE_NAME)
    assert lock.holder == "one" and lock.expires_at > now + timedelta(seconds=100)
    assert not hold_lease("two", now + timedelta(seconds=149), 90)
    assert hold_lease("two", now + timedelta(seconds=151), 90)
    release_lease("two", now + timedelta(seconds=160))
    assert hold_lease("three", now + timedelta(seconds=161), 90)


def test_missed_runs_are_those_older_than_the_latest_scheduled_time(db, app):
    weekly = {"id": "weekly", "func": lambda now: "", "cron": {"day_of_week": "mon", "hour": 7}}
    never = {"id": "never", "func": lambda now: "", "cron": {"day_of_week": "mon", "hour": 7}}
    ran = london(2026, 11, 23, 7, 0)
    db.session.add(JobRun(name="weekly", last_started_at=ran, last_finished_at=ran + timedelta(minutes=1)))
    db.session.commit()

    # Monday 30 November 07:00 passed while nothing ran: missed.
    assert [j["id"] for j in missed_jobs([weekly, never], app.config, london(2026, 12, 1, 9, 0))] == ["weekly", "never"]
    # Before it, nothing was missed but the job that never ran.
    assert [j["id"] for j in missed_jobs([weekly, never], app.config, london(2026, 11, 30, 6, 59))] == ["never"]


def test_jobs_fire_only_in_the_process_holding_the_lease_and_missed_runs_are_caught_up(app, db):
    calls = []
    job = {
        "id": "test.weekly",
        "name": "A weekly job",
        "func": lambda now: calls.append(now) or f"ran {len(calls)}",
        "cron": {"day_of_week": "mon", "hour": 7},
    }
    first = TrackerScheduler(app, jobs=[job])
    second = TrackerScheduler(app, jobs=[job])

    first.heartbeat()
    second.heartbeat()
    assert second.fire("test.weekly") is None

    assert first.has_lease and not second.has_lease
    assert len(calls) == 1
    run = db.session.get(JobRun, "test.weekly")
    assert run.last_result == "ran 1" and run.last_finished_at >= run.last_started_at
    first.heartbeat()
    assert len(calls) == 1  # caught up once, not at every heartbeat

    first.shutdown()
    second.heartbeat()
    assert second.has_lease
    assert len(calls) == 1  # the run is not due again: nothing to catch up


def test_a_failing_job_is_recorded_and_does_not_stop_the_scheduler(app, db):
    def broken(now):
        raise RuntimeError("report template missing")

    scheduler = TrackerScheduler(app, jobs=[{"id": "test.broken", "func": broken, "cron": {"minute": 0}}])
    scheduler.heartbeat()

    assert db.session.get(JobRun, "test.broken").last_result == "Failed: RuntimeError: report template missing"
    scheduler.shutdown()


def _start_scheduler(app, instance):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "TRACKER_", "RUN_SCHEDULER", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(instance),
        TRACKER_ENV="embedded",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _collect_output(process):
    lines = []
    thread = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    thread.start()
    return lines, thread


NOTIFY_JOBS = {"notify.weekly_reminders", "notify.red_alerts", "notify.outbox"}


def test_two_scheduler_processes_send_each_digest_once(app, db, make, tmp_path):
    owners = [make.user("lead") for _ in range(3)]
    for owner in owners:
        make.action(owner=owner, due=date.today() - timedelta(days=5))
    processes = [_start_scheduler(app, tmp_path / "one"), _start_scheduler(app, tmp_path / "two")]
    readers = [_collect_output(process) for process in processes]
    try:
        deadline = time.monotonic() + 120
        finished = set()
        started = False
        while time.monotonic() < deadline and (not finished >= NOTIFY_JOBS or not started):
            time.sleep(0.5)
            db.session.rollback()
            finished = {r.name for r in db.session.scalars(select(JobRun)) if r.last_finished_at is not None}
            # Stop only once both processes are running, so each is tested, not killed while starting.
            started = all(any("starting" in line for line in lines) for lines, _ in readers)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process, (_, thread) in zip(processes, readers, strict=True):
            # A process stops once the job it is running ends: a catch-up may be building a report.
            process.wait(timeout=90)
            thread.join(timeout=10)
        outputs = ["".join(lines) for lines, _ in readers]

    # Other features' daily jobs may catch up too; the notify ones must all have finished.
    assert finished >= NOTIFY_JOBS, outputs
    assert all(process.returncode == 0 for process in processes), outputs
    assert all("Stopping the scheduler." in output for output in outputs)
    db.session.rollback()
    digests = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "weekly_digest")).all()
    assert sorted(m.to_user_id for m in digests) == sorted(o.id for o in owners)
    lock = db.session.get(SchedulerLock, "scheduler")
    assert lock.expires_at <= utcnow()  # handed back on the way out


def test_embedded_scheduler_starts_once_with_the_first_request_and_never_in_tests(app, db):
    from tracker import create_app
    from tracker.notify import scheduler as scheduler_module

    assert scheduler_module._embedded["scheduler"] is None  # the test app has RUN_SCHEDULER off
    embedded = create_app(
        "test",
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": False, "RUN_SCHEDULER": True},
    )
    try:
        assert scheduler_module._embedded["scheduler"] is None  # creating the app (a CLI run) starts nothing
        embedded.test_client().get("/healthz")
        started = scheduler_module._embedded["scheduler"]
        embedded.test_client().get("/healthz")
        assert started is not None and scheduler_module._embedded["scheduler"] is started
        assert started.scheduler.running
        assert {job.id for job in started.scheduler.get_jobs()} >= {"notify.outbox", "lease-heartbeat"}
    finally:
        if scheduler_module._embedded["scheduler"] is not None:
            scheduler_module._embedded["scheduler"].shutdown(wait=True)
            scheduler_module._embedded["scheduler"] = None
