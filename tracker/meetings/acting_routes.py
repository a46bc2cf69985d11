"""Acting in place while running the meeting: decide an item's waiting requests, change its owner or due date.

Each form posts here from the item's page and comes back to it; the plan's own services do the
work, so the timeline, the audit log and the owner's e-mail are as if done from the action's page.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.auth.models import User
from tracker.common.dates import long_date
from tracker.common.permissions import ensure
from tracker.extensions import db
from tracker.meetings import acting, bp
from tracker.meetings.acting_forms import ChangeActionForm, ClosureInMeetingForm, ExtensionInMeetingForm
from tracker.meetings.forms import ArisingForm, RecordItemForm
from tracker.meetings.pages import actor, item_at, load_meeting
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.pages import commit_or_conflict, show_error
from tracker.plan.services import pending_closure, pending_extension, signoff_exception

DECIDED_ELSEWHERE = "Someone else decided this request while you were looking at it. Nothing has been changed."


def acting_forms(item, **given):
    """The forms of the item's page that act on its action, filled from the action unless given."""
    action = item.action
    if action is None:
        return {"extension_form": None, "closure_form": None, "change_form": None, "exception": None}
    extension, closure = pending_extension(action), pending_closure(action)
    forms = {"exception": signoff_exception(action) if closure is not None else None}
    if extension is not None:
        form = given.get("extension_form") or ExtensionInMeetingForm(formdata=None, prefix="extension")
        form.version_id.data = form.version_id.data or str(extension.version_id)
        forms["extension_form"] = form
    else:
        forms["extension_form"] = None
    if closure is not None:
        form = given.get("closure_form") or ClosureInMeetingForm(formdata=None, prefix="closure")
        form.version_id.data = form.version_id.data or str(closure.version_id)
        forms["closure_form"] = form
    else:
        forms["closure_form"] = None
    change = given.get("change_form")
    if change is None:
        change = ChangeActionForm(formdata=None, prefix="change")
        change.owner_id.data = str(action.owner_id)
        change.current_due_date.data = action.current_due_date
    forms["change_form"] = change if action.is_open else None
    return forms


def _item_page(meeting, item, number, failed, **given):
    from tracker.meetings.running_routes import _context

    record_form = RecordItemForm(formdata=None, obj=item)
    record_form.track_version(item)
    record_form.version_id.data = str(item.version_id)
    context = _context(meeting, item, number)
    context.update(acting_forms(item, **given))
    page = render_template(
        "meetings/run_item.html",
        form=failed,
        record_form=record_form,
        arising_form=ArisingForm(formdata=None, prefix="arising"),
        **context,
    )
    return page


def _back(meeting, number, message, category="success"):
    flash(message, category)
    return redirect(url_for("meetings.run_item", meeting_id=meeting.id, number=number, _anchor="act"))


def _acting_item(meeting_id, number):
    meeting = load_meeting(meeting_id, current_user)
    ensure(meeting.can_record(current_user) and current_user.can_manage_plan)
    item = item_at(meeting, number)
    return meeting, item


def _decide(meeting, number, form, decide, message):
    """Run a decision on the item's waiting request; back to the item with message(), or None to show the form's errors."""
    try:
        decide()
    except StaleEdit:
        db.session.rollback()
        return _back(meeting, number, DECIDED_ELSEWHERE, "warning")
    except PlanError as error:
        show_error(form, error)
        return None
    if commit_or_conflict():
        return _back(meeting, number, message())
    return _back(meeting, number, DECIDED_ELSEWHERE, "warning")


@bp.route("/<int:meeting_id>/items/<int:number>/extension", methods=["POST"])
@login_required
def decide_extension_here(meeting_id, number):
    """Approve or refuse the item's waiting request for more time, from the meeting."""
    meeting, item = _acting_item(meeting_id, number)
    pending = pending_extension(item.action) if item.action is not None else None
    if pending is None:
        return _back(meeting, number, "There is no request for more time waiting on this item.", "warning")
    new_due = pending.new_due_date
    form = ExtensionInMeetingForm(prefix="extension")
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        done = _decide(
            meeting,
            number,
            form,
            lambda: acting.decide_extension(
                meeting,
                item,
                pending,
                actor(),
                approve=approve,
                reason=form.reason.data,
                version=form.version_id.data or None,
            ),
            lambda: (
                f"Extension approved: {item.action.reference} is now due {long_date(new_due)}."
                if approve
                else "Extension refused. The owner has been told why."
            ),
        )
        if done:
            return done
    return _item_page(meeting, item, number, form, extension_form=form)


@bp.route("/<int:meeting_id>/items/<int:number>/closure", methods=["POST"])
@login_required
def decide_closure_here(meeting_id, number):
    """Sign the item's action off as complete, or send it back with a reason, from the meeting."""
    meeting, item = _acting_item(meeting_id, number)
    pending = pending_closure(item.action) if item.action is not None else None
    if pending is None:
        return _back(meeting, number, "There is no request for sign-off waiting on this item.", "warning")
    form = ClosureInMeetingForm(prefix="closure")
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        done = _decide(
            meeting,
            number,
            form,
            lambda: acting.decide_closure(
                meeting,
                item,
                pending,
                actor(),
                approve=approve,
                reason=form.reason.data,
                version=form.version_id.data or None,
                confirm_exception=form.confirm_exception.data,
                exception_reason=form.exception_reason.data,
            ),
            lambda: (
                f"{item.action.reference} has been signed off as complete."
                if approve
                else "Sign-off refused. The action is back in progress and the owner has been told why."
            ),
        )
        if done:
            return done
    return _item_page(meeting, item, number, form, closure_form=form)


@bp.route("/<int:meeting_id>/items/<int:number>/change", methods=["POST"])
@login_required
def change_action_here(meeting_id, number):
    """Give the item's action another owner or due date, from the meeting."""
    meeting, item = _acting_item(meeting_id, number)
    form = ChangeActionForm(prefix="change")
    if item.action is None or not item.action.is_open:
        return _back(meeting, number, "This item has no open action to change.", "warning")
    if form.validate_on_submit():
        owner = db.session.get(User, int(form.owner_id.data))
        try:
            changes = acting.change_owner_or_due_date(
                meeting, item, actor(), owner=owner, due_date=form.current_due_date.data, reason=form.date_reason.data
            )
        except PlanError as error:
            show_error(form, error)
        else:
            if not commit_or_conflict():
                return _back(meeting, number, "Someone else changed the action at the same time. Try again.", "warning")
            action = item.action
            if not changes:
                return _back(
                    meeting, number, f"Nothing was changed: {action.reference} already had that owner and due date."
                )
            return _back(
                meeting,
                number,
                f"{action.reference} is now owned by {action.owner.name} and due {long_date(action.current_due_date)}.",
            )
    return _item_page(meeting, item, number, form, change_form=form)
