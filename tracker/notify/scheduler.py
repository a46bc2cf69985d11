"""The scheduler: APScheduler 3 cron jobs in the organisation's time zone, one firing process at a time.

Each feature lists its periodic work in tracker/<feature>/jobs.py as JOBS, a list of dicts:
    {"id": "reports.quarterly", "name": "Build the quarterly report",
     "func": reconcile(now) -> short summary text,
     "cron": {"day": 5, "hour": 6} or a function of the app config returning those kwargs}
Every process may run a scheduler, but only the holder of the database lease fires jobs; when a
scheduler takes the lease it first runs any job whose last run (JobRun) is older than its most
recent scheduled time, so work missed while nothing was running is caught up.
"""

import importlib
import logging
import os
import pkgutil
import socket
import threading
import time
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import current_app, g
from sqlalchemy import select

from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.lease import hold_lease, release_lease
from tracker.notify.models import JobRun
from tracker.notify.sender import release_claims_of_other_schedulers

log = logging.getLogger(__name__)


def collect_jobs():
    """Every feature package's JOBS, from tracker/<feature>/jobs.py."""
    import tracker

    jobs = []
    for info in sorted(pkgutil.iter_modules(tracker.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"tracker.{info.name}.jobs"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        jobs.extend(getattr(module, "JOBS", []))
    return jobs


def cron_trigger(job, config):
    """The job's cron trigger in the organisation's time zone."""
    cron = job["cron"](config) if callable(job["cron"]) else dict(job["cron"])
    return CronTrigger(timezone=ZoneInfo(config["TIMEZONE"]), **cron)


def run_job(job, now=None):
    """Run one job's reconcile in the current app context, recorded in JobRun; return its summary."""
    now = now or utcnow()
    run = db.session.get(JobRun, job["id"]) or JobRun(name=job["id"])
    run.last_started_at = now
    db.session.add(run)
    db.session.commit()
    if current_app.config["SCHEDULER_PAUSE_JOB"] == job["id"]:
        # For fault tests: hold the job after its start is recorded, so a test can kill the process inside it.
        time.sleep(current_app.config["SCHEDULER_PAUSE_SECONDS"])
    try:
        summary = job["func"](now) or "Done."
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("scheduled job %s failed", job["id"])
        summary = f"Failed: {error.__class__.__name__}: {error}"
    run = db.session.get(JobRun, job["id"])
    run.last_finished_at = utcnow()
    run.last_result = str(summary)[:2000]
    db.session.commit()
    return summary


def missed_jobs(jobs, config, now):
    """The jobs that never finished a run, were stopped inside their last one, or missed a scheduled time.

    A run counts only once it finished: one killed part-way (started after it last finished) is run again.
    """
    runs = {run.name: run for run in db.session.scalars(select(JobRun))}
    missed = []
    for job in jobs:
        run = runs.get(job["id"])
        if run is None or run.last_started_at is None or not _finished(run):
            missed.append(job)
            continue
        after = run.last_started_at + timedelta(seconds=1)
        due = cron_trigger(job, config).get_next_fire_time(None, after)
        if due is not None and due <= now:
            missed.append(job)
    return missed


def _finished(run):
    return run.last_finished_at is not None and run.last_finished_at >= run.last_started_at


class TrackerScheduler:
    """APScheduler with the lease: jobs fire only in the process holding it."""

    def __init__(self, app, *, blocking=False, jobs=None):
        self.app = app
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.jobs = {job["id"]: job for job in (collect_jobs() if jobs is None else jobs)}
        self.lease_seconds = app.config["SCHEDULER_LEASE_SECONDS"]
        self.has_lease = False
        self.stopped = False
        self._catch_up_lock = threading.Lock()
        self._catching_up = threading.local()
        scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
        self.scheduler = scheduler_class(
            timezone=ZoneInfo(app.config["TIMEZONE"]),
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": app.config["SCHEDULER_MISFIRE_HOURS"] * 3600,
            },
        )

    def _renew(self):
        if self.stopped:
            return False, False
        held = hold_lease(self.holder, utcnow(), self.lease_seconds)
        newly = held and not self.has_lease
        self.has_lease = held
        return held, newly

    def heartbeat(self):
        """Renew (or take over) the lease; on taking it, catch up missed runs."""
        with self.app.app_context():
            _, newly = self._renew()
        if newly:
            self.take_over()

    def take_over(self):
        """On taking the lease: free the mail a former holder had claimed, then catch up. Returns job ids run."""
        log.info("scheduler %s holds the lease", self.holder)
        with self.app.app_context():
            released = release_claims_of_other_schedulers(self.holder)
        if released:
            log.info("released %s message(s) claimed by an earlier scheduler", released)
        return self.catch_up()

    def catch_up(self):
        """Run every job whose scheduled run was missed, or stopped part-way, while this process did not hold the lease."""
        if getattr(self._catching_up, "active", False):
            # A fire inside this thread's own catch-up that took the lease again: the outer pass runs what was missed.
            return []
        with self._catch_up_lock:
            self._catching_up.active = True
            try:
                with self.app.app_context():
                    missed = missed_jobs(self.jobs.values(), self.app.config, utcnow())
                ran = []
                for job in missed:
                    if self.stopped:
                        break
                    log.info("catching up missed job %s", job["id"])
                    self.fire(job["id"])
                    ran.append(job["id"])
                return ran
            finally:
                self._catching_up.active = False

    def fire(self, job_id):
        """Run a job now if this process holds the lease; a fire that takes the lease catches up first."""
        with self.app.app_context():
            held, newly = self._renew()
        if not held:
            return None
        if newly and job_id in self.take_over():
            return None
        if self.stopped:
            return None
        with self.app.app_context():
            g.scheduler_holder = self.holder
            return run_job(self.jobs[job_id])

    def schedule(self):
        """Add the cron jobs and the lease heartbeat to APScheduler."""
        for job_id, job in self.jobs.items():
            self.scheduler.add_job(
                self.fire, cron_trigger(job, self.app.config), args=[job_id], id=job_id, name=job.get("name", job_id)
            )
        self.scheduler.add_job(
            self.heartbeat,
            "interval",
            seconds=max(self.lease_seconds // 3, 1),
            id="lease-heartbeat",
            next_run_time=utcnow(),
            misfire_grace_time=None,
        )

    def start(self):
        """Schedule the jobs and start (blocking for the scheduler process)."""
        self.schedule()
        self.scheduler.start()

    def shutdown(self, wait=False):
        """Stop firing and hand the lease on (once, however often it is called)."""
        if self.stopped:
            return
        self.stopped = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        with self.app.app_context():
            release_lease(self.holder, utcnow())
        self.has_lease = False


_embedded = {"scheduler": None}
_embedded_lock = threading.Lock()


def start_embedded_scheduler(app):
    """Start a background scheduler in this process, once."""
    import atexit

    with _embedded_lock:
        if _embedded["scheduler"] is not None:
            return _embedded["scheduler"]
        scheduler = TrackerScheduler(app)
        scheduler.start()
        atexit.register(scheduler.shutdown)
        _embedded["scheduler"] = scheduler
        return scheduler


def register_scheduler(app):
    """With RUN_SCHEDULER, start the embedded scheduler when the app serves its first request.

    Waiting for a request keeps command-line runs and the reloader's watcher process (which
    create the app too, but never serve) from starting schedulers of their own.
    """
    if not app.config["RUN_SCHEDULER"] or app.testing:
        return

    @app.before_request
    def _start_scheduler():
        if _embedded["scheduler"] is None:
            start_embedded_scheduler(app)
