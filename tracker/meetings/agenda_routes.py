"""Arranging the agenda: add, move and remove items, send it, start and finish the meeting."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.common.forms import ButtonForm
from tracker.common.permissions import ensure
from tracker.extensions import db
from tracker.meetings import bp, services
from tracker.meetings.forms import AddItemForm, MoveItemForm
from tracker.meetings.pages import actor, load_item, load_meeting
from tracker.plan.pages import show_error


def _recorder_meeting(meeting_id):
    meeting = load_meeting(meeting_id, current_user)
    ensure(meeting.can_record(current_user))
    return meeting


def _back(meeting, message=None, category="success"):
    if message:
        flash(message, category)
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="agenda"))


def _refused(meeting, error):
    db.session.rollback()
    return _back(meeting, f"{error.message}.", "warning")


@bp.route("/<int:meeting_id>/agenda/add", methods=["GET", "POST"])
@login_required
def add_item(meeting_id):
    """Add an item to the end of the agenda."""
    meeting = _recorder_meeting(meeting_id)
    form = AddItemForm()
    if form.validate_on_submit():
        try:
            item = services.add_item(meeting, actor(), title=form.title.data, action=form.action)
        except services.MeetingError as error:
            show_error(form, error)
        else:
            db.session.commit()
            return _back(meeting, f"“{item.title}” has been added to the agenda as item {item.position}.")
    return render_template("meetings/add_item.html", form=form, meeting=meeting)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@login_required
def move_item(meeting_id, item_id):
    """Move an item one place up or down the agenda."""
    meeting = _recorder_meeting(meeting_id)
    item = load_item(meeting, item_id)
    form = MoveItemForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_item(item, form.direction.data, actor())
    except services.MeetingError as error:
        return _refused(meeting, error)
    db.session.commit()
    return _back(meeting, f"“{item.title}” is now item {item.position}.")


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(meeting_id, item_id):
    """Take an item off the agenda."""
    meeting = _recorder_meeting(meeting_id)
    item = load_item(meeting, item_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.remove_item(item, actor())
    except services.MeetingError as error:
        return _refused(meeting, error)
    db.session.commit()
    return _back(meeting, f"“{item.title}” has been taken off the agenda.")


@bp.route("/<int:meeting_id>/agenda.pdf")
@login_required
def agenda_pack(meeting_id):
    """The agenda pack: each item, and each action's BRAG with its reasons and latest update, as a PDF."""
    from tracker.meetings.agenda_pack import file_name, pack_pdf

    meeting = load_meeting(meeting_id, current_user)
    response = Response(pack_pdf(meeting), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(meeting)}"'
    return response


@bp.route("/<int:meeting_id>/send", methods=["POST"])
@login_required
def send_agenda(meeting_id):
    """E-mail the agenda to everyone expected at the meeting."""
    meeting = _recorder_meeting(meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        recipients = services.send_agenda(meeting, actor())
    except services.MeetingError as error:
        return _refused(meeting, error)
    db.session.commit()
    count = len(recipients)
    return _back(meeting, f"The agenda has been sent to {count} {'person' if count == 1 else 'people'}.")


def _change_state(meeting_id, change, message, to_first_item=False):
    meeting = _recorder_meeting(meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        change(meeting, actor())
    except services.MeetingError as error:
        return _refused(meeting, error)
    db.session.commit()
    flash(message, "success")
    if to_first_item and meeting.items:
        return redirect(url_for("meetings.run_item", meeting_id=meeting.id, number=1))
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/start", methods=["POST"])
@login_required
def start_meeting(meeting_id):
    """Start the meeting and open its first item."""
    return _change_state(meeting_id, services.start_meeting, "The meeting has started.", to_first_item=True)


@bp.route("/<int:meeting_id>/finish", methods=["POST"])
@login_required
def finish_meeting(meeting_id):
    """Record that the meeting has been held."""
    return _change_state(meeting_id, services.finish_meeting, "The meeting has been recorded as held.")
