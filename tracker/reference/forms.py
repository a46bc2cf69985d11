"""Forms for the victim journey and the reference data."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from tracker.auth.models import Department
from tracker.common.forms import TrackerForm
from tracker.common.input import is_whole_number
from tracker.extensions import db
from tracker.reference.models import Priority, Touchpoint


def _required(message, limit, what):
    return [InputRequired(message=message), Length(max=limit, message=f"{what} must be {limit} characters or fewer")]


class TouchpointForm(TrackerForm):
    name = StringField(
        "Name of the touchpoint",
        widget=GovTextInput(),
        description="For example, Initial contact by 101.",
        validators=_required("Enter the name of the touchpoint", 200, "Name"),
    )
    stage = StringField(
        "Stage of the journey (optional)",
        widget=GovTextInput(),
        description="For example, Reporting, Investigation, Court.",
        validators=[Length(max=80, message="Stage must be 80 characters or fewer")],
    )
    position = StringField(
        "Order in the journey",
        widget=GovTextInput(),
        description="Touchpoints are listed from the lowest number to the highest. "
        "The starting journey counts in tens, so 35 comes between 30 and 40.",
        validators=[InputRequired(message="Enter a number for the touchpoint's place in the journey")],
    )
    department_id = SelectField("Owning department", widget=GovSelect(), validate_choice=False)
    rights = SelectMultipleField("Rights this touchpoint serves", widget=GovCheckboxesInput(), validate_choice=False)
    feedback_mechanism = TextAreaField(
        "How victim feedback is captured here today",
        widget=GovTextArea(),
        description='Write "none" if victims have no way to give feedback here. That is a useful answer: '
        "it shows the group where to act.",
        validators=_required('Say how victim feedback is captured here, or write "none"', 2000, "This answer"),
    )
    description = TextAreaField(
        "What happens at this touchpoint (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="The description must be 2,000 characters or fewer")],
    )
    version_id = HiddenField()
    submit = SubmitField("Save touchpoint", widget=GovSubmitInput())

    def __init__(self, *args, editing=None, rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.right_choices = {str(right.id): right for right in rights}
        self.rights.choices = [(key, right.label) for key, right in self.right_choices.items()]
        departments = db.session.scalars(select(Department).where(Department.active).order_by(Department.name))
        self.department_id.choices = [("", "Choose a department")] + [(str(d.id), d.name) for d in departments]

    def validate_name(self, field):
        existing = db.session.scalar(select(Touchpoint).where(Touchpoint.name == (field.data or "").strip()))
        if existing is not None and existing is not self.editing:
            raise ValidationError("A touchpoint with this name already exists")

    def validate_position(self, field):
        text = (field.data or "").strip()
        if not is_whole_number(text) or int(text) > 100_000:
            raise ValidationError("Enter the touchpoint's place in the journey as a whole number, like 35")

    def validate_department_id(self, field):
        if field.data not in {value for value, _ in self.department_id.choices if value}:
            raise ValidationError("Choose the department that owns this touchpoint")

    def validate_rights(self, field):
        if any(value not in self.right_choices for value in field.data or []):
            raise ValidationError("Choose rights from the list")

    def chosen_rights(self):
        """The rights ticked, as CodeRight rows."""
        return [self.right_choices[value] for value in self.rights.data or []]


class RightForm(TrackerForm):
    title = StringField(
        "Title of the right", widget=GovTextInput(), validators=_required("Enter the title of the right", 200, "Title")
    )
    summary = TextAreaField(
        "Summary",
        widget=GovTextArea(),
        description="A sentence or two in plain English about what the right means for a victim.",
        validators=[Length(max=2000, message="The summary must be 2,000 characters or fewer")],
    )
    version_id = HiddenField()
    submit = SubmitField("Save right", widget=GovSubmitInput())


class PriorityForm(TrackerForm):
    title = StringField(
        "Short title", widget=GovTextInput(), validators=_required("Enter a short title for the priority", 200, "Title")
    )
    description = TextAreaField(
        "What the priority means",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="The description must be 2,000 characters or fewer")],
    )
    version_id = HiddenField()
    submit = SubmitField("Save priority", widget=GovSubmitInput())

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_title(self, field):
        existing = db.session.scalar(select(Priority).where(Priority.title == (field.data or "").strip()))
        if existing is not None and existing is not self.editing:
            raise ValidationError("Another priority already has this title")
