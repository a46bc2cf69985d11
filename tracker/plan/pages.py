"""What the plan's pages share: finding the action in the URL, showing rule breaks on the form."""

from flask import abort, flash
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.evidence import check_file, read_upload
from tracker.plan.services import action_by_reference


def conflict_message(thing="action"):
    """What to say when someone else's save reached the database first."""
    return (
        f"Someone else changed this {thing} while you were working on it, so your changes have not been saved. "
        "What you typed is below: check it against the latest version and save again."
    )


CONFLICT_MESSAGE = conflict_message()


def load_action(reference):
    """The action named in the URL, or 404."""
    action = action_by_reference(reference)
    if action is None:
        abort(404)
    return action


def actor():
    """The signed-in user as a model object, for services."""
    return current_user._get_current_object()


def rag_of(action, today=None):
    """The rule BRAG of one action today, with its reasons."""
    return rule_rag(action, today or local_today(), current_thresholds())


def rags_of(actions, today=None):
    """{action id: rule BRAG} for a list of actions, computed without any query."""
    today, thresholds = today or local_today(), current_thresholds()
    return {action.id: rule_rag(action, today, thresholds) for action in actions}


def show_error(form, error):
    """Put a service's rule break on the form field it names, or on the form as a whole."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is None and error.field == "owner":
        field = getattr(form, "owner_id", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def commit_or_conflict():
    """Commit; False (having rolled back) when someone else's save won the race."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


def save_edit(form, record, save, saved_message, thing="action"):
    """Run a versioned edit and commit it: True once saved (flashing `saved_message(result)`).

    False shows the form again with why: a rule broken, or someone else's save first (the form then
    carries their version, so saving again is a deliberate choice over their change).
    """
    try:
        result = save()
    except StaleEdit as error:
        show_error(form, error)
        form.version_id.data = str(record.version_id)
        return False
    except PlanError as error:
        show_error(form, error)
        return False
    if commit_or_conflict():
        flash(saved_message(result), "success")
        return True
    flash(conflict_message(thing), "warning")
    return False


def checked_upload(form):
    """The form's file, checked by content and size; None when no file was chosen."""
    storage = form.file.data
    if not storage:
        return None
    filename, data = read_upload(storage)
    return check_file(filename, data)
