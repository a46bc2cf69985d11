"""Commands for operators: `reminders run`, `outbox send` and `scheduler run`."""

import signal
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.common.dates import local_zone
from tracker.common.types import utcnow
from tracker.extensions import db


def parse_moment(value):
    """An ISO date or date-time; a naive one is taken as local time (Europe/London)."""
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is not an ISO date or time, like 2026-11-30T07:00") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC)


@click.group("reminders")
def reminders_cli():
    """Weekly digests, escalations and Red alerts."""


@reminders_cli.command("run")
@click.option("--now", "now_text", metavar="ISO", help="Pretend it is this moment, e.g. 2026-11-30T07:00.")
@click.option("--dry-run", is_flag=True, help="Say what would be queued, and queue nothing.")
@with_appcontext
def reminders_run(now_text, dry_run):
    """Run the reminder reconcile once and print each message queued (or that would be)."""
    from tracker.notify.reminders import run_reminders

    now = parse_moment(now_text)
    run = run_reminders(now, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would queue" if dry_run else "Queued"
    click.echo(f"{verb} {run.summary()} for {now.astimezone(local_zone()):%A %d %B %Y %H:%M}.")
    for line in run.lines():
        click.echo(f"  {line}")
    if not run.lines():
        click.echo("  Nothing to send: everything has already been sent or nobody has anything to hear.")


@click.group("outbox")
def outbox_cli():
    """The e-mail outbox."""


@outbox_cli.command("send")
@with_appcontext
def outbox_send():
    """Deliver the mail that is due, once."""
    from tracker.notify.sender import send_pending

    report = send_pending()
    click.echo(report.summary())
    for message in report.failed:
        click.echo(f"  failed: {message.subject} to {message.to_address}: {message.last_error}")


@click.group("scheduler")
def scheduler_cli():
    """The scheduler process."""


@scheduler_cli.command("run")
def scheduler_run():
    """Run the scheduler in the foreground: the production shape, one process beside the web workers."""
    from tracker.notify.scheduler import TrackerScheduler

    app = current_app._get_current_object()
    scheduler = TrackerScheduler(app, blocking=True)

    def stop(signum, _frame):
        click.echo("Stopping the scheduler.")
        scheduler.shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Scheduler {scheduler.holder} starting; time zone {app.config['TIMEZONE']}. Jobs:")
    for job_id, job in scheduler.jobs.items():
        click.echo(f"  {job_id}: {job.get('name', job_id)}")
    scheduler.start()


def register_cli(app):
    """Add the notify command groups."""
    app.cli.add_command(reminders_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(scheduler_cli)
