"""Running the meeting: one agenda item at a time, its note and decisions, and actions arising."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth.models import User
from tracker.common.concurrency import EditConflict, show_conflict
from tracker.common.dates import local_today
from tracker.common.permissions import ensure
from tracker.extensions import db
from tracker.meetings import bp, recording, services
from tracker.meetings.forms import ArisingForm, RecordItemForm
from tracker.meetings.models import ItemKind
from tracker.meetings.pages import actor, item_at, load_meeting
from tracker.plan.errors import PlanError
from tracker.plan.pages import rag_of, show_error
from tracker.plan.services import ActionData, pending_closure, pending_extension


def _context(meeting, item, number):
    from tracker.meetings.acting_routes import acting_forms

    action = item.action
    return {
        **acting_forms(item),
        "meeting": meeting,
        "item": item,
        "number": number,
        "count": len(meeting.items),
        "recorder": meeting.can_record(current_user),
        "rag": rag_of(action) if action is not None else None,
        "extension": pending_extension(action) if action is not None else None,
        "closure": pending_closure(action) if action is not None else None,
        "last_minutes": _last_minutes(meeting, item),
    }


def _last_minutes(meeting, item):
    """On the 'Minutes of the last meeting' item, the last meeting's minutes, where they were drafted."""
    if item.kind != ItemKind.LAST_MINUTES:
        return None
    previous = services.previous_meeting(meeting)
    return previous.minutes if previous is not None else None


def _page(meeting, item, number, form, arising_form, record_form=None):
    context = _context(meeting, item, number)
    return render_template(
        "meetings/run_item.html", form=form, record_form=record_form, arising_form=arising_form, **context
    )


@bp.route("/<int:meeting_id>/items/<int:number>", methods=["GET", "POST"])
@login_required
def run_item(meeting_id, number):
    """One agenda item, large: what it is about, and its note and decisions."""
    meeting = load_meeting(meeting_id, current_user)
    item = item_at(meeting, number)
    form = RecordItemForm(obj=item)
    form.track_version(item)
    if request.method == "POST":
        ensure(meeting.can_record(current_user))
    if form.validate_on_submit():
        try:
            with form.saving():
                recording.record_item(item, actor(), note=form.note.data, decisions=form.decisions.data)
        except EditConflict:
            context = _context(meeting, item, number)
            return show_conflict(
                form, "meetings/run_item.html", arising_form=ArisingForm(formdata=None, prefix="arising"), **context
            )
        except services.MeetingError as error:
            show_error(form, error)
        else:
            flash(f"The note and decisions on item {number} have been saved.", "success")
            return redirect(url_for("meetings.run_item", meeting_id=meeting.id, number=number))
    return _page(meeting, item, number, form, ArisingForm(formdata=None, prefix="arising"))


@bp.route("/<int:meeting_id>/items/<int:number>/arising", methods=["POST"])
@login_required
def add_arising(meeting_id, number):
    """Add an action to the plan from this item, with its owner and due date."""
    meeting = load_meeting(meeting_id, current_user)
    ensure(meeting.can_record(current_user) and current_user.can_manage_plan)
    item = item_at(meeting, number)
    form = ArisingForm(prefix="arising")
    if form.validate_on_submit():
        today = local_today()
        data = ActionData(
            title=form.title.data,
            owner=db.session.get(User, int(form.owner_id.data)),
            start_date=min(today, form.due_date.data),
            original_due_date=form.due_date.data,
        )
        try:
            action = recording.create_arising(item, actor(), data)
        except PlanError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                f"{action.reference} has been added to the plan and {action.owner.name} has been told it is theirs.",
                "success",
            )
            return redirect(url_for("meetings.run_item", meeting_id=meeting.id, number=number))
    record_form = RecordItemForm(formdata=None, obj=item)
    record_form.track_version(item)
    record_form.version_id.data = str(item.version_id)
    return _page(meeting, item, number, form, form, record_form=record_form)
