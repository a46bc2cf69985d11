"""`flask --app wsgi exchange import FILE [--dry-run] [--as EMAIL]` and `exchange export FILE`."""

from pathlib import Path

import click
from flask import current_app
from flask_login import login_user
from sqlalchemy import select

from tracker.auth.models import Role, User
from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.plan.queries import ActionFilters
from tracker.spreadsheets import bp, exporter, services
from tracker.spreadsheets.columns import FIELDS_BY_KEY, IGNORE
from tracker.spreadsheets.matching import row_label
from tracker.spreadsheets.spreadsheet import ImportRefused


def _actor(email):
    query = select(User).where(User.active, User.role == Role.ADMIN.value)
    if email:
        query = query.where(User.email == email.strip().lower())
    actor = db.session.scalars(query.order_by(User.id)).first()
    if actor is None:
        raise click.ClickException(f"No active admin {'with the email ' + email if email else 'exists'}")
    return actor


def _apply_overrides(batch, overrides):
    by_heading = {c["heading"].strip().lower(): c["index"] for c in batch.mapping["columns"]}
    chosen = {}
    for item in overrides:
        heading, _, field = item.partition("=")
        index = by_heading.get(heading.strip().lower())
        field = field.strip().lower()
        field = IGNORE if field == "ignore" else field
        if index is None or (field and field not in FIELDS_BY_KEY):
            raise click.ClickException(f"Cannot map '{item}': give an existing heading and a field name")
        chosen[index] = field
    problems = services.set_mapping(batch, chosen)
    if problems:
        raise click.ClickException("; ".join(problems.values()))


class _Bar:
    """Moves a click progress bar to an absolute count."""

    def __init__(self, bar):
        self.bar, self.done = bar, 0

    def __call__(self, done):
        self.bar.update(done - self.done)
        self.done = done


def _echo_result(result):
    counts = result["counts"]
    click.echo(
        f"To create: {counts['create']}  To update: {counts['update']}  "
        f"Unchanged: {counts['unchanged']}  Rejected: {counts['reject']}"
    )
    readings = {}
    for row in result["rows"]:
        for note in row["notes"]:
            if " read as " in note or note.startswith("No department given:"):
                readings.setdefault(note, []).append(str(row["row"]))
    # Each value read by a rule is listed once, with the rows it was found on, for the admin to check.
    for note, rows in readings.items():
        click.echo(f"  {note} (row{'s' if len(rows) != 1 else ''} {', '.join(rows)})")
    for row in result["rows"]:
        if row["outcome"] == "reject":
            click.echo(f"  {row_label(row)}: {'; '.join(row['reasons'])}", err=True)


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, writing nothing.")
@click.option("--as", "as_email", default=None, help="Email of the admin recorded as importer (default: first admin).")
@click.option("--map", "overrides", multiple=True, help="Override a column: 'Heading=field' (field 'ignore' skips it).")
@click.option(
    "--department", "departments", multiple=True, help="Read a department value as a department: 'Value=Name'."
)
@click.option("--owner", "owners", multiple=True, help="Read an owner value as a person: 'Value=Name or email'.")
@click.option("--missing-department", default=None, help="Department for rows with none whose owner has none.")
def import_command(path, dry_run, as_email, overrides, departments, owners, missing_department):
    """Import a plan spreadsheet (.xlsx or .csv), all accepted rows in one transaction."""
    actor = _actor(as_email)
    readings = (_pairs(departments, "--department"), _pairs(owners, "--owner"), missing_department)
    # Signed in as the admin for the run, so that the plan services' audit events name them.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        login_user(actor)
        _import(path, dry_run, actor, overrides, readings)


def _pairs(items, option):
    pairs = {}
    for item in items:
        value, _, name = item.partition("=")
        if not value.strip() or not name.strip():
            raise click.ClickException(f"Cannot read {option} '{item}': give it as 'Value=Name'")
        pairs[value.strip()] = name.strip()
    return pairs


def _import(path, dry_run, actor, overrides, readings=({}, {}, None)):
    try:
        batch = services.start_import(path.name, path.read_bytes(), actor)
    except ImportRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    _apply_overrides(batch, overrides)
    services.set_value_mappings(batch, *readings)
    click.echo(f"Sheet '{batch.mapping['sheet']}', headings on row {batch.mapping['header_row']}:")
    for column in batch.mapping["columns"]:
        target = FIELDS_BY_KEY[column["field"]].label if column["field"] else "not imported"
        click.echo(f"  {column['heading']:<32} -> {target}")
    today = local_today()
    with click.progressbar(length=batch.total_rows, label="Checking rows") as bar:
        result = services.dry_run(batch, today, _Bar(bar))
    _echo_result(result)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        return
    with click.progressbar(length=len(result["rows"]), label="Writing") as bar:
        services.confirm(batch, actor, today, result["digest"], write_progress=_Bar(bar))
    db.session.commit()
    counts = result["counts"]
    click.echo(f"Imported: {counts['create']} created, {counts['update']} updated.")


@bp.cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path):
    """Export every action to an .xlsx workbook or a .csv file (by the file's extension)."""
    filters, today = ActionFilters(), local_today()
    if path.suffix.lower() == ".csv":
        path.write_bytes(exporter.csv_bytes(filters, today))
    else:
        with path.open("wb") as output:
            exporter.write_workbook(output, filters, today)
    click.echo(f"Exported to {path}")
