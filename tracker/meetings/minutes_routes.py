"""The minutes of a meeting: draft, word, approve, correct, read, download and send them; the archive."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.common.concurrency import CONFLICT_MESSAGE, EditConflict
from tracker.common.forms import ButtonForm
from tracker.common.permissions import ensure
from tracker.common.templating import pluralise
from tracker.extensions import db
from tracker.meetings import bp, queries, services
from tracker.meetings import minutes as minutes_services
from tracker.meetings.forms import AddendumForm, minutes_form
from tracker.meetings.minutes_render import arising_due, minutes_pdf
from tracker.meetings.models import Meeting
from tracker.meetings.pages import actor
from tracker.plan.pages import show_error


def _meeting(meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _readable_minutes(meeting_id):
    """The meeting's minutes, or 404; a draft only for the series' members, approved ones for everyone."""
    meeting = _meeting(meeting_id)
    found = meeting.minutes
    if found is None:
        ensure(meeting.can_view(current_user))
        abort(404)
    ensure(found.can_read(current_user))
    return found


def _back(meeting_id, message, category="success"):
    flash(message, category)
    return redirect(url_for("meetings.minutes", meeting_id=meeting_id))


def _refused(meeting_id, error):
    db.session.rollback()
    return _back(meeting_id, f"{error.message}.", "warning")


@bp.route("/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id):
    """The minutes: a draft for the series' members, approved minutes and their addenda for everyone."""
    found = _readable_minutes(meeting_id)
    return render_template(
        "meetings/minutes.html",
        minutes=found,
        meeting=found.meeting,
        lines=found.lines,
        arising_due=arising_due,
        member=found.meeting.can_view(current_user),
        recorder=found.meeting.can_record(current_user),
    )


@bp.route("/<int:meeting_id>/minutes/draft", methods=["POST"])
@login_required
def draft_minutes(meeting_id):
    """Draft the minutes from what was recorded at the meeting."""
    meeting = _meeting(meeting_id)
    ensure(meeting.can_view(current_user) and meeting.can_record(current_user))
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        minutes_services.draft_minutes(meeting, actor())
    except services.MeetingError as error:
        db.session.rollback()
        flash(f"{error.message}.", "warning")
        return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    db.session.commit()
    return _back(
        meeting.id, "The minutes have been drafted from what was recorded. Check the wording, then approve them."
    )


def _item_texts(form):
    return {item.id: (minute.data, decisions.data) for item, minute, decisions in form.item_fields()}


def _conflict(form, found):
    """The form again with what was typed, a warning and what the other person saved where it differs."""
    db.session.refresh(found)
    saved, items = {"present": found.present, "apologies": found.apologies, "guests": found.guests}, {}
    for item in found.items:
        db.session.refresh(item)
        saved[f"minute_{item.id}"], saved[f"decisions_{item.id}"] = item.minute, item.decisions
        items[f"minute_{item.id}"] = items[f"decisions_{item.id}"] = item
    conflict = []
    for field in form:
        if field.name not in saved or (saved[field.name] or "") == (field.data or "").strip():
            continue
        label = field.label.text
        if field.name in items:
            label = f"Item {items[field.name].position}: {label}"
        conflict.append({"label": label, "saved": saved[field.name] or "(blank)"})
    form.version_id.data = str(found.version_id)
    flash(CONFLICT_MESSAGE, "warning")
    page = render_template(
        "meetings/minutes_form.html", form=form, minutes=found, meeting=found.meeting, conflict=conflict
    )
    return page, 409


@bp.route("/<int:meeting_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(meeting_id):
    """Word the draft minutes: attendance, each item's minute and decisions."""
    found = _readable_minutes(meeting_id)
    ensure(found.meeting.can_record(current_user))
    if found.approved:
        return _back(meeting_id, f"{minutes_services.LOCKED_MESSAGE}.", "warning")
    form = minutes_form(found)
    form.track_version(found)
    if form.validate_on_submit():
        try:
            with form.saving():
                changes = minutes_services.edit_minutes(
                    found,
                    actor(),
                    present=form.present.data,
                    apologies=form.apologies.data,
                    guests=form.guests.data,
                    items=_item_texts(form),
                )
        except EditConflict:
            return _conflict(form, found)
        except services.MeetingError as error:
            show_error(form, error)
        else:
            return _back(meeting_id, "The minutes have been saved." if changes else "Nothing had changed.")
    return render_template("meetings/minutes_form.html", form=form, minutes=found, meeting=found.meeting)


@bp.route("/<int:meeting_id>/minutes/approve", methods=["GET", "POST"])
@login_required
def approve_minutes(meeting_id):
    """Ask the chair to confirm, then approve the minutes and send them to the people at the meeting."""
    found = _readable_minutes(meeting_id)
    if found.approved:
        return _back(meeting_id, "These minutes have already been approved.", "warning")
    ensure(found.can_approve(current_user))
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            recipients = minutes_services.approve_minutes(found, actor())
        except services.MeetingError as error:
            return _refused(meeting_id, error)
        db.session.commit()
        count = pluralise(len(recipients), "person", "people")
        return _back(meeting_id, f"The minutes have been approved and sent to {count}.")
    return render_template(
        "meetings/approve_minutes.html",
        form=form,
        minutes=found,
        meeting=found.meeting,
        recipients=services.agenda_recipients(found.meeting),
    )


@bp.route("/<int:meeting_id>/minutes/send", methods=["POST"])
@login_required
def send_minutes(meeting_id):
    """Send the approved minutes again to everyone at the meeting."""
    found = _readable_minutes(meeting_id)
    ensure(found.meeting.can_record(current_user))
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        recipients = minutes_services.send_minutes(found, actor(), again=True)
    except services.MeetingError as error:
        return _refused(meeting_id, error)
    db.session.commit()
    return _back(meeting_id, f"The minutes have been sent again to {pluralise(len(recipients), 'person', 'people')}.")


@bp.route("/<int:meeting_id>/minutes/addendum", methods=["GET", "POST"])
@login_required
def add_addendum(meeting_id):
    """Add a dated correction under approved minutes."""
    found = _readable_minutes(meeting_id)
    ensure(found.meeting.can_record(current_user))
    if not found.approved:
        return _back(meeting_id, "The minutes are still a draft: change the draft instead.", "warning")
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            minutes_services.add_addendum(found, actor(), form.text.data)
        except services.MeetingError as error:
            show_error(form, error)
        else:
            db.session.commit()
            return _back(meeting_id, "The addendum has been added under the minutes.")
    return render_template("meetings/addendum_form.html", form=form, minutes=found, meeting=found.meeting)


@bp.route("/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_download(meeting_id):
    """The minutes as a tagged PDF; a draft says so on its first page and in its title."""
    found = _readable_minutes(meeting_id)
    name = minutes_services.minutes_file_name(found)
    response = Response(minutes_pdf(found), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{"" if found.approved else "draft-"}{name}"'
    return response


@bp.route("/archive")
@login_required
def archive():
    """Every series' approved minutes, newest first."""
    return render_template("meetings/archive.html", groups=queries.approved_minutes_by_series())
