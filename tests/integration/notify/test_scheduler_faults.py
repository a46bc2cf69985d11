"""Interrupted and missed jobs run again: a run counts only when it finished, every way of taking the
lease catches up, and a crashed scheduler's claimed mail is freed as soon as the lease passes on."""

import os
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.integration.notify.conftest import london
from tests.integration.notify.test_scheduler import ROOT
from tests.integration.notify.test_sender import _queue
from tracker.common.types import utcnow
from tracker.notify.models import JobRun, OutboundEmail
from tracker.notify.scheduler import TrackerScheduler, collect_jobs, missed_jobs
from tracker.notify.sender import claim_messages, scheduler_sender_prefix

JOB_IDS = [job["id"] for job in collect_jobs()]


def test_a_run_stopped_part_way_counts_as_not_done(db, app):
    weekly = {"id": "weekly", "func": lambda now: "", "cron": {"day_of_week": "mon", "hour": 7}}
    started = london(2026, 11, 30, 7, 0)
    db.session.add(JobRun(name="weekly", last_started_at=started, last_finished_at=started - timedelta(days=7)))
    db.session.commit()

    assert [j["id"] for j in missed_jobs([weekly], app.config, london(2026, 11, 30, 9, 0))] == ["weekly"]


def test_a_scheduled_fire_that_takes_the_lease_catches_up_first(db, app):
    calls = []

    def job(job_id):
        return {"id": job_id, "func": lambda now: calls.append(job_id) or "ran", "cron": {"day_of_week": "mon"}}

    scheduler = TrackerScheduler(app, jobs=[job("test.missed"), job("test.fired")])

    scheduler.fire("test.fired")

    assert scheduler.has_lease
    assert calls == ["test.missed", "test.fired"]
    scheduler.shutdown()


def test_a_scheduler_stopped_during_its_catch_up_finishes_the_job_in_hand_and_runs_no_more(db, app):
    calls = []
    holder = {}

    def stop_here(now):
        calls.append("stopped inside")
        holder["scheduler"].shutdown()
        return "ran"

    jobs = [
        {"id": "test.first", "func": stop_here, "cron": {"day_of_week": "mon"}},
        {
            "id": "test.second",
            "func": lambda now: calls.append("after the stop") or "ran",
            "cron": {"day_of_week": "mon"},
        },
    ]
    scheduler = holder["scheduler"] = TrackerScheduler(app, jobs=jobs)
    catching_up = threading.Thread(target=scheduler.heartbeat, daemon=True)

    catching_up.start()
    catching_up.join(20)

    assert not catching_up.is_alive(), "the catch-up never returned after the scheduler was stopped"
    assert calls == ["stopped inside"]
    assert not scheduler.has_lease
    assert db.session.get(JobRun, "test.second") is None


def test_mail_claimed_by_a_crashed_scheduler_is_freed_when_the_lease_passes_on(db, make, app):
    by_scheduler, by_command = _queue(make, count=2)
    now = utcnow()
    claim_messages(now, scheduler_sender_prefix("host:111:dead0000") + "aaaa0000", 1)
    claim_messages(now, "host:222:" + "bbbb0000", 1)

    successor = TrackerScheduler(app, jobs=[])
    successor.heartbeat()

    db.session.expire_all()
    claims = {m.id: m.claimed_by for m in db.session.scalars(select(OutboundEmail))}
    assert claims == {by_scheduler.id: None, by_command.id: "host:222:bbbb0000"}
    assert [m.id for m in claim_messages(utcnow(), "next", 10)] == [by_scheduler.id]
    successor.shutdown()


def _scheduler_process(app, instance, **settings):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "TRACKER_", "RUN_SCHEDULER", "DATABASE_URL", "SCHEDULER_"))
    }
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(instance),
        TRACKER_ENV="embedded",
        SCHEDULER_LEASE_SECONDS="3",
        **settings,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process):
    """Ask a scheduler process to stop. It finishes the job it is running first (a catch-up may be
    building a report, which takes a while on a busy machine); one still running after 90 s is killed."""
    process.terminate()
    try:
        process.wait(90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _run_of(db, job_id):
    db.session.rollback()
    return db.session.get(JobRun, job_id)


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


@pytest.mark.parametrize("job_id", JOB_IDS)
def test_a_scheduler_killed_inside_a_job_leaves_it_to_be_run_again_by_the_next(app, db, make, tmp_path, job_id):
    owner = make.user("lead")
    make.action(owner=owner, due=date.today() - timedelta(days=5))
    killed = _scheduler_process(app, tmp_path / "killed", SCHEDULER_PAUSE_JOB=job_id)
    try:

        def inside():
            run = _run_of(db, job_id)
            return run is not None and run.last_started_at is not None and run.last_finished_at is None

        _wait_for(inside, 60, f"{job_id} never started")
    finally:
        killed.kill()
        killed.wait(10)

    successor = _scheduler_process(app, tmp_path / "successor")
    try:

        def finished():
            run = _run_of(db, job_id)
            return run.last_finished_at is not None and run.last_finished_at >= run.last_started_at

        _wait_for(finished, 60, f"{job_id} was not run again")
    finally:
        _stop(successor)

    run = _run_of(db, job_id)
    assert not run.last_result.startswith("Failed"), run.last_result
    if job_id == "notify.weekly_reminders":
        digests = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "weekly_digest")).all()
        assert [m.to_user_id for m in digests] == [owner.id]
