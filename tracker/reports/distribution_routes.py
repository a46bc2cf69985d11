"""Admin pages for the subgroup's distribution list."""

from flask import abort, flash, redirect, render_template, url_for

from tracker.auth.permissions import manage_users
from tracker.common.concurrency import EditConflict, show_conflict
from tracker.common.permissions import require
from tracker.extensions import db
from tracker.reports import bp, services
from tracker.reports.forms import EditRecipientForm, RecipientForm
from tracker.reports.models import DistributionRecipient


@bp.route("/distribution", methods=["GET", "POST"])
@require(manage_users)
def distribution():
    """List the people who receive published reports, and add someone."""
    form = RecipientForm()
    if form.validate_on_submit():
        recipient = services.save_recipient(
            None, name=form.name.data, email=form.email.data, organisation=form.organisation.data, active=True
        )
        db.session.commit()
        flash(f"{recipient.name} will receive published reports.", "success")
        return redirect(url_for("reports.distribution"))
    return render_template("reports/distribution.html", form=form, recipients=services.all_recipients())


@bp.route("/distribution/<int:recipient_id>", methods=["GET", "POST"])
@require(manage_users)
def edit_recipient(recipient_id):
    """Change someone's details, or stop sending them reports."""
    recipient = db.session.get(DistributionRecipient, recipient_id) or abort(404)
    form = EditRecipientForm(obj=recipient, editing=recipient)
    form.track_version(recipient)
    if form.validate_on_submit():
        try:
            with form.saving():
                services.save_recipient(
                    recipient,
                    name=form.name.data,
                    email=form.email.data,
                    organisation=form.organisation.data,
                    active=form.active.data,
                )
        except EditConflict:
            return show_conflict(form, "reports/recipient_form.html", recipient=recipient)
        flash(f"{recipient.name}'s details are saved.", "success")
        return redirect(url_for("reports.distribution"))
    return render_template("reports/recipient_form.html", form=form, recipient=recipient)


@bp.route("/distribution/<int:recipient_id>/remove", methods=["POST"])
@require(manage_users)
def remove_recipient(recipient_id):
    """Take someone off the distribution list."""
    recipient = db.session.get(DistributionRecipient, recipient_id) or abort(404)
    name = recipient.name
    services.remove_recipient(recipient)
    db.session.commit()
    flash(f"{name} has been taken off the distribution list.", "success")
    return redirect(url_for("reports.distribution"))
