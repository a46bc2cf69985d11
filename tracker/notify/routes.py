"""Admin pages: the outbox, one message, retrying failures, and the switches for each kind of mail."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from tracker.auth.permissions import administer
from tracker.common.input import page_number
from tracker.common.permissions import require
from tracker.common.templating import add_navigation
from tracker.extensions import db
from tracker.notify import bp, outbox
from tracker.notify.forms import MailKindsForm
from tracker.notify.kinds import kind_label
from tracker.notify.models import OutboundEmail

add_navigation("E-mail", "notify.outbox", lambda user: user.is_admin)


def _local_path(target):
    """The target if it is a path on this site, else None: never redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/outbox", endpoint="outbox")
@require(administer)
def outbox_list():
    """List the outbox, newest first, optionally only the messages in one state."""
    state = request.args.get("state", "")
    if state not in outbox.STATE_LABELS:
        state = ""
    page = db.paginate(outbox.outbox_query(state or None), page=page_number(), per_page=50, error_out=False)
    return render_template(
        "notify/outbox.html",
        page=page,
        state=state,
        counts=outbox.state_counts(),
        state_labels=outbox.STATE_LABELS,
        kind_label=kind_label,
        mail_server=current_app.config["MAIL_SERVER"],
        runs=outbox.job_runs(),
    )


@bp.route("/outbox/<int:message_id>")
@require(administer)
def message(message_id):
    """Show one message as its recipient reads it, in plain text and HTML."""
    email = db.session.get(OutboundEmail, message_id) or abort(404)
    return render_template(
        "notify/message.html",
        email=email,
        safe_html=Markup(outbox.safe_html(email.body_html)),
        state_labels=outbox.STATE_LABELS,
        kind_label=kind_label,
    )


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@require(administer)
def retry(message_id):
    """Send a failed message again."""
    email = db.session.get(OutboundEmail, message_id) or abort(404)
    if outbox.retry_failed(email):
        db.session.commit()
        flash(f"'{email.subject}' to {email.to_address} will be sent again within a minute.", "success")
    else:
        flash("Only a message that failed can be retried.", "warning")
    return redirect(_local_path(request.form.get("next")) or url_for("notify.message", message_id=email.id))


@bp.route("/settings", methods=["GET", "POST"])
@require(administer)
def mail_settings():
    """Switch each kind of e-mail on or off."""
    switches = outbox.kind_switches()
    form = MailKindsForm(switches)
    if request.method == "GET":
        form.enabled.data = [row["kind"] for row in switches if row["enabled"] and not row["essential"]]
    if form.validate_on_submit():
        changes = outbox.set_kind_switches(set(form.enabled.data or []))
        db.session.commit()
        flash("Your e-mail settings are saved." if changes else "Nothing changed.", "success")
        return redirect(url_for("notify.mail_settings"))
    status = 400 if form.errors else 200
    return render_template("notify/settings.html", form=form, switches=switches), status
