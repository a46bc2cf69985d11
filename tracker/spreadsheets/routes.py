"""Pages to import a plan spreadsheet (admins), and downloads of the action list and template."""

import io
from datetime import datetime

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from tracker.auth.permissions import manage_users
from tracker.common.dates import local_today
from tracker.common.permissions import require
from tracker.common.templating import add_navigation, pluralise
from tracker.extensions import db
from tracker.plan.queries import ActionFilters
from tracker.spreadsheets import bp, exporter, queries, services
from tracker.spreadsheets.forms import (
    ConfirmForm,
    UploadForm,
    column_field_name,
    mapping_form,
    name_field_name,
    names_form,
)
from tracker.spreadsheets.matching import row_label
from tracker.spreadsheets.models import ImportBatch
from tracker.spreadsheets.spreadsheet import ImportRefused
from tracker.spreadsheets.template import write_template

add_navigation("Import", "spreadsheets.imports", lambda user: user.can_manage_users)


def _batch(batch_id):
    return db.session.get(ImportBatch, batch_id) or abort(404)


@bp.route("/imports")
@require(manage_users)
def imports():
    """List past imports and start a new one."""
    batches = queries.recent_batches()
    return render_template("spreadsheets/imports.html", batches=batches)


@bp.route("/imports/new", methods=["GET", "POST"])
@require(manage_users)
def new_import():
    """Upload a plan spreadsheet."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.spreadsheet.data
        try:
            batch = services.start_import(upload.filename or "plan", upload.read(), current_user)
        except ImportRefused as refusal:
            db.session.rollback()
            form.spreadsheet.errors.append(str(refusal))
            return render_template("spreadsheets/new_import.html", form=form), 400
        db.session.commit()
        return redirect(url_for("spreadsheets.import_columns", batch_id=batch.id))
    return render_template("spreadsheets/new_import.html", form=form), 400 if form.errors else 200


@bp.route("/imports/<int:batch_id>/columns", methods=["GET", "POST"])
@require(manage_users)
def import_columns(batch_id):
    """Check which field each column holds, then run the dry run."""
    batch = _batch(batch_id)
    if batch.state == services.IMPORTED:
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    columns = batch.mapping["columns"]
    form = mapping_form(columns, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        services.set_mapping(batch, form.chosen_fields())
        db.session.commit()
        if not _checked(batch):
            return redirect(url_for("spreadsheets.new_import"))
        if services.name_questions(batch):
            return redirect(url_for("spreadsheets.import_names", batch_id=batch.id))
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    return render_template(
        "spreadsheets/columns.html", batch=batch, form=form, columns=columns, field_name=column_field_name
    ), 400 if form.errors else 200


def _checked(batch):
    """Run the dry run and commit it; False (with the reason flashed) when the file cannot be read."""
    reporter = services.ProgressReporter(batch.id, batch.total_rows)
    try:
        services.dry_run(batch, local_today(), reporter)
    except ImportRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "warning")
        return False
    db.session.commit()
    return True


def _name_choices():
    return queries.active_departments_and_people()


@bp.route("/imports/<int:batch_id>/names", methods=["GET", "POST"])
@require(manage_users)
def import_names(batch_id):
    """Choose, once each, what the departments and owners the import could not read are, then check the rows again."""
    batch = _batch(batch_id)
    if batch.state == services.IMPORTED:
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    if batch.state == services.UPLOADED or not batch.result:
        return redirect(url_for("spreadsheets.import_columns", batch_id=batch.id))
    questions = services.name_questions(batch)
    if not questions and request.method == "GET":
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    departments, people = _name_choices()
    form = names_form(questions, departments, people, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        services.answer_names(batch, questions, form.answers())
        # Committed first, as the columns are: the progress of the check is written from another connection.
        db.session.commit()
        if not _checked(batch):
            return redirect(url_for("spreadsheets.new_import"))
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    return render_template(
        "spreadsheets/names.html",
        batch=batch,
        form=form,
        questions=list(enumerate(questions)),
        field_name=name_field_name,
        remembered=_remembered(batch),
    ), 400 if form.errors else 200


def _remembered(batch):
    found = batch.mapping.get("values_from")
    if not found:
        return None
    return {"filename": found["filename"], "uploaded": datetime.fromisoformat(found["uploaded"])}


@bp.route("/imports/<int:batch_id>")
@require(manage_users)
def import_batch(batch_id):
    """Show the dry run (or, once imported, what was written)."""
    batch = _batch(batch_id)
    if batch.state == services.UPLOADED or not batch.result:
        return redirect(url_for("spreadsheets.import_columns", batch_id=batch.id))
    form = ConfirmForm(digest=batch.result["digest"])
    questions = services.name_questions(batch) if batch.state != services.IMPORTED else []
    return render_template(
        "spreadsheets/batch.html",
        batch=batch,
        result=batch.result,
        form=form,
        questions=questions,
        unanswered=[question for question in questions if not question.answer],
    )


@bp.route("/imports/<int:batch_id>/confirm", methods=["POST"])
@require(manage_users)
def confirm_import(batch_id):
    """Write every accepted row in one transaction, or nothing."""
    batch = _batch(batch_id)
    form = ConfirmForm()
    if batch.state != services.CHECKED or not form.validate_on_submit():
        flash("This import has already been written, or its check is out of date. Check the rows again.", "warning")
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    total = batch.total_rows
    try:
        result = services.confirm(
            batch,
            current_user,
            local_today(),
            form.digest.data,
            progress=services.ProgressReporter(batch.id, total),
            write_progress=services.ProgressReporter(batch.id, total, writing=True),
        )
    except services.ImportChanged as changed:
        db.session.rollback()
        batch = _batch(batch_id)
        batch.result = changed.result
        db.session.commit()
        flash("The tracker changed since you checked this file. Nothing was imported: check the rows again.", "warning")
        return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))
    db.session.commit()
    counts = result["counts"]
    created = pluralise(counts["create"], "action")
    flash(f"Import complete: {created} created and {counts['update']} updated.", "success")
    return redirect(url_for("spreadsheets.import_batch", batch_id=batch.id))


@bp.route("/imports/<int:batch_id>/progress")
@require(manage_users)
def import_progress(batch_id):
    """How far the check or write of a batch has got, for the progress bar."""
    batch = _batch(batch_id)
    return jsonify(state=batch.state, processed=batch.processed_rows, total=batch.total_rows)


@bp.route("/imports/template.xlsx")
@login_required
def import_template():
    """Download an empty plan workbook with instructions."""
    output = io.BytesIO()
    write_template(output)
    output.seek(0)
    return send_file(output, mimetype=exporter.XLSX_TYPE, as_attachment=True, download_name="action-plan-template.xlsx")


def _download_name(extension):
    return f"victims-code-actions-{local_today():%Y-%m-%d}.{extension}"


@bp.route("/exports/actions.xlsx")
@login_required
def export_xlsx():
    """Download the action list, with the list's filters, as an Excel workbook."""
    output = io.BytesIO()
    exporter.write_workbook(output, ActionFilters.from_args(request.args), local_today())
    output.seek(0)
    return send_file(output, mimetype=exporter.XLSX_TYPE, as_attachment=True, download_name=_download_name("xlsx"))


@bp.route("/exports/actions.csv")
@login_required
def export_csv():
    """Download the action list, with the list's filters, as CSV."""
    data = exporter.csv_bytes(ActionFilters.from_args(request.args), local_today())
    return send_file(
        io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=_download_name("csv")
    )


@bp.app_template_filter("rejected_row")
def _rejected_row(row):
    return row_label(row)


@bp.app_context_processor
def _exchange_helpers():
    return {"import_max_megabytes": current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)}
