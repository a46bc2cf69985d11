"""Optimistic locking for edit forms: a second conflicting save is refused and the typed text kept.

Editable models carry a `version_id` column (SQLAlchemy's version_id_col). A form that edits one
mixes in VersionedForm, which carries the version the person started from in a hidden field:

    form = ThingForm(obj=thing)
    form.track_version(thing)
    if form.validate_on_submit():
        try:
            with form.saving():
                services.change_thing(thing, ...)
        except EditConflict:
            return show_conflict(form, "thing/form.html", thing=thing)
        ...

and the template renders `{{ form.version_id }}` and `{{ ui.edit_conflict(conflict) }}`.
"""

from contextlib import contextmanager

from flask import flash, render_template
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from tracker.extensions import db

CONFLICT_MESSAGE = (
    "Someone else saved a change while you were editing, so your changes have not been saved. "
    "Check what they saved, then save again to keep your version."
)
NOT_COMPARED = {"csrf_token", "version_id", "submit"}


class EditConflict(Exception):
    """The record was saved by someone else after the form was shown."""


class VersionedForm:
    """Mixin for a TrackerForm editing a record that has a version_id column."""

    version_id = HiddenField()

    def track_version(self, record):
        """Tie the form to its record; a form not yet submitted starts from the record's version."""
        self.versioned_record = record
        if not self.is_submitted():
            self.version_id.data = str(record.version_id)

    def is_current(self):
        """True when nobody has saved the record since this form was shown."""
        return self.version_id.data == str(self.versioned_record.version_id)

    @contextmanager
    def saving(self):
        """Check the version, run the change and commit; raise EditConflict if someone saved first."""
        if not self.is_current():
            raise EditConflict()
        try:
            yield
            db.session.commit()
        except StaleDataError as error:
            # Another request saved between our check and our commit.
            db.session.rollback()
            raise EditConflict() from error


def _shown(field, value):
    """A saved value as the form would show it: the choice's label where there is one."""
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(choice[0]): choice[1] for choice in choices}
        return labels.get(str(value), value)
    return value


def saved_values(form, record):
    """The record's saved values that differ from what was typed: [{"label", "saved"}]."""
    differences = []
    for field in form:
        if field.name in NOT_COMPARED or not hasattr(record, field.name):
            continue
        saved = getattr(record, field.name)
        saved_text = "" if saved is None else str(saved)
        if saved_text != ("" if field.data is None else str(field.data)):
            differences.append({"label": field.label.text, "saved": _shown(field, saved_text) or "(blank)"})
    return differences


def show_conflict(form, template, status=409, **context):
    """Re-show the form with the person's text, a warning and the other person's saved values.

    The form now carries the current version, so saving again deliberately keeps the person's version.
    """
    record = form.versioned_record
    db.session.refresh(record)
    form.version_id.data = str(record.version_id)
    flash(CONFLICT_MESSAGE, "warning")
    return render_template(template, form=form, conflict=saved_values(form, record), **context), status
