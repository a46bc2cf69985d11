"""Pages to add a source's recommendations from pasted rows or a spreadsheet: the dry run, then the confirmation."""

from flask import current_app, flash, redirect, render_template, url_for

from tracker.auth.models import User
from tracker.auth.permissions import manage_plan
from tracker.common.permissions import ensure, require
from tracker.common.templating import pluralise
from tracker.extensions import db
from tracker.plan.pages import actor
from tracker.recommendations import bp, importing
from tracker.recommendations.import_forms import ConfirmRowsForm, ImportRowsForm
from tracker.recommendations.pages import load_source
from tracker.spreadsheets.spreadsheet import ImportRefused

PASTED = "the pasted rows"


def _page(source, form, result=None, confirm=None, status=200):
    status = 400 if form.errors and status == 200 else status
    return render_template(
        "recommendations/import.html",
        source=source,
        form=form,
        result=result,
        confirm=confirm,
        lead=_lead(confirm.lead_id.data) if confirm else None,
        import_max_megabytes=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
    ), status


def _lead(lead_id):
    return db.session.get(User, int(lead_id)) if (lead_id or "").isdigit() else None


def _dry_run(source, form, read, origin):
    refusal = importing.too_many(read) or importing.too_long_to_confirm(read, current_app.config["MAX_FORM_BYTES"])
    if refusal:
        (form.spreadsheet if origin != PASTED else form.rows).errors.append(refusal)
        return _page(source, form)
    result = importing.check_rows(source, read, form.lead_id.data)
    confirm = ConfirmRowsForm(
        formdata=None,
        payload=importing.payload(read),
        origin=origin,
        lead_id=form.lead_id.data,
        digest=result["digest"],
    )
    return _page(source, form, result, confirm)


@bp.route("/sources/<int:source_id>/import", methods=["GET", "POST"])
@require(manage_plan)
def import_rows(source_id):
    """Paste rows or upload a spreadsheet of recommendations, and see what would be added."""
    source = load_source(source_id)
    ensure(source.can_manage(actor()))
    form = ImportRowsForm()
    if not form.validate_on_submit():
        return _page(source, form)
    upload = form.uploaded()
    try:
        if upload is not None:
            origin = upload.filename
            read = importing.read_upload(upload.filename, upload.read(), current_app.config["IMPORT_MAX_BYTES"])
        else:
            origin = PASTED
            read = importing.read_pasted(form.rows.data)
    except ImportRefused as refusal:
        (form.spreadsheet if upload is not None else form.rows).errors.append(str(refusal))
        return _page(source, form)
    return _dry_run(source, form, read, origin)


@bp.route("/sources/<int:source_id>/import/confirm", methods=["POST"])
@require(manage_plan)
def confirm_import(source_id):
    """Add every row the dry run accepted, in one transaction, or nothing when the tracker changed since."""
    source = load_source(source_id)
    ensure(source.can_manage(actor()))
    confirm = ConfirmRowsForm()
    valid = confirm.validate_on_submit()
    if confirm.lead_id.errors and confirm.lead_id.data:
        flash("The lead you chose can no longer lead recommendations. Nothing was added: choose another.", "warning")
        return redirect(url_for("recommendations.import_rows", source_id=source.id))
    read = importing.from_payload(confirm.payload.data) if valid else None
    lead = _lead(confirm.lead_id.data)
    if read is None or lead is None or importing.too_many(read):
        flash("These rows could not be read back. Nothing was added: paste or upload them again.", "warning")
        return redirect(url_for("recommendations.import_rows", source_id=source.id))
    result = importing.check_rows(source, read, confirm.lead_id.data)
    if result["digest"] != confirm.digest.data:
        form = ImportRowsForm(formdata=None, lead_id=confirm.lead_id.data)
        confirm = ConfirmRowsForm(
            formdata=None,
            payload=confirm.payload.data,
            origin=confirm.origin.data,
            lead_id=confirm.lead_id.data,
            digest=result["digest"],
        )
        flash(
            "The recommendations changed since you checked these rows. Nothing was added: check them again.", "warning"
        )
        return _page(source, form, result, confirm, status=409)
    added = importing.write_rows(source, result, lead, actor(), confirm.origin.data or PASTED)
    db.session.commit()
    message = f"{pluralise(len(added), 'recommendation')} added, led by {lead.name}."
    if result["counts"][importing.REJECT]:
        message += f" {pluralise(result['counts'][importing.REJECT], 'row')} could not be added."
    flash(message, "success")
    return redirect(url_for("recommendations.source_detail", source_id=source.id))
