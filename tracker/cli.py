"""`flask --app wsgi tracker ...`: set up the database, load reference and demo data."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from tracker.common.dates import local_today
from tracker.common.templating import pluralise
from tracker.extensions import db


@click.group("tracker")
def tracker_cli():
    """Set up and look after the tracker's database."""


@tracker_cli.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database and load the reference data."""
    from tracker.reference.seed import load_reference_data

    upgrade()
    added = load_reference_data(current_app.config["CODE_EDITION"])
    db.session.commit()
    click.echo(f"Database is up to date. Reference rows added: {added}.")


@tracker_cli.command("demo")
@click.option("--actions", default=40, show_default=True, help="How many actions to create.")
@click.option("--seed", default=2026, show_default=True, help="Random seed; the same seed gives the same plan.")
@click.option("--updates", "updates_per_action", type=int, default=None, help="Updates per action (default: varied).")
@click.option("--users", default=0, show_default=True, help="Extra department leads to create; they own actions.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Pretend today is this date.")
@click.option("--if-empty", is_flag=True, help="Do nothing when a plan already exists.")
@with_appcontext
def demo_command(actions, seed, updates_per_action, users, today, if_empty):
    """Load a demo plan with one user per role and print their sign-ins."""
    from tracker.demo.plan import DEMO_USERS, demo_password, has_plan, load_demo
    from tracker.reference.seed import load_reference_data

    load_reference_data(current_app.config["CODE_EDITION"])
    if if_empty and has_plan():
        click.echo("A plan already exists; demo data not loaded.")
    else:
        day = today.date() if today else local_today()
        _, created = load_demo(
            actions=actions, seed=seed, today=day, updates_per_action=updates_per_action, users=users
        )
        db.session.commit()
        click.echo(f"Demo plan loaded: {pluralise(created, 'action')}.")
    click.echo("Demo sign-ins:")
    for role, _name, email, _ in DEMO_USERS:
        click.echo(f"  {role.label:<16} {email:<22} password: {demo_password(role)}")


@tracker_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file):
    """Copy the whole database to FILE; the tracker can keep running meanwhile."""
    from tracker.backup import BackupError, backup_database

    try:
        click.echo(backup_database(file))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@tracker_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(file, force):
    """Replace the database with the backup in FILE. Stop the tracker first."""
    from tracker.backup import BackupError, restore_database

    try:
        click.echo(restore_database(file, force=force))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
