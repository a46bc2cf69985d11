"""Forms of the plan: actions, updates, requests, decisions and evidence."""

from flask import current_app
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import or_, select
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.auth.models import Department, Role, User
from tracker.common.fields import CheckboxesField, DateRequired, GovDateField, WholeNumberField
from tracker.common.forms import TrackerForm, text_field
from tracker.extensions import db
from tracker.plan.models import SOURCE_LABELS, UPDATE_STATUSES, Rag
from tracker.reference.models import CodeRight, Priority, Touchpoint

OWNER_ROLES = (Role.LEAD.value, Role.CHAIR.value, Role.ADMIN.value)
RAG_CHOICES = [
    (Rag.GREEN.value, "Green"),
    (Rag.AMBER.value, "Amber"),
    (Rag.RED.value, "Red"),
]
RAG_HINTS = {
    Rag.GREEN.value: "On track to meet the due date and the success measure.",
    Rag.AMBER.value: "At risk: there are problems, but you can deal with them.",
    Rag.RED.value: "Will not be met without help or a decision from the Champions meeting.",
}


def owner_choices():
    """Active people who can own an action: leads, the chair and administrators."""
    users = db.session.scalars(select(User).where(User.active, User.role.in_(OWNER_ROLES)).order_by(User.name, User.id))
    choices = [("", "Choose the owner")]
    for user in users:
        where = user.department.name if user.department else user.role_label
        choices.append((str(user.id), f"{user.name} ({where})"))
    return choices


class ChoosesOwner:
    """For a form with an `owner_id` select: the people who can own an action, one of them required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = owner_choices()

    def validate_owner_id(self, field):
        if not field.data:
            raise ValidationError("Choose the owner")
        if field.data not in {value for value, _ in self.owner_id.choices}:
            raise ValidationError("Choose an owner from the list of people who can sign in")


def department_choices(first="The owner's department"):
    """Active departments for a select, with a default option first."""
    departments = db.session.scalars(select(Department).where(Department.active).order_by(Department.name))
    return [("", first)] + [(str(d.id), d.name) for d in departments]


def right_choices(linked=()):
    """Rights of the edition in force, and any older rights already linked."""
    edition = current_app.config["CODE_EDITION"]
    linked_ids = [right.id for right in linked]
    rights = db.session.scalars(
        select(CodeRight)
        .where(or_(CodeRight.edition == edition, CodeRight.id.in_(linked_ids)))
        .order_by(CodeRight.edition.desc(), CodeRight.number)
    )
    return [
        (right.id, right.label if right.edition == edition else f"{right.label} ({right.edition} Code)")
        for right in rights
    ]


def priority_choices():
    return [(p.id, p.label) for p in db.session.scalars(select(Priority).order_by(Priority.number))]


def touchpoint_choices():
    return [(t.id, t.name) for t in db.session.scalars(select(Touchpoint).order_by(Touchpoint.position))]


def _text_area(label, message=None, max_length=5000, description=None):
    return text_field(label, max_length, required=message, description=description, area=True)


class ActionForm(ChoosesOwner, TrackerForm):
    """Every field of an action that the chair sets."""

    title = text_field(
        "Title",
        250,
        required="Enter a title for the action",
        description="Say what will be done, starting with a verb, like 'Revise the acknowledgement letter'.",
    )
    description = TextAreaField(
        "Description",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    source = RadioField(
        "Where the action came from",
        widget=GovRadioInput(),
        choices=[(source.value, label) for source, label in SOURCE_LABELS.items()],
        validators=[InputRequired(message="Choose where the action came from")],
    )
    owner_id = SelectField(
        "Owner",
        widget=GovSelect(),
        validate_choice=False,
        description="The person who posts updates. They get an email telling them the action is theirs.",
    )
    department_id = SelectField("Department", widget=GovSelect(), validate_choice=False)
    rights = CheckboxesField("Victims' Code rights", description="Select all the rights this action improves.")
    priorities = CheckboxesField("Priorities", description="Select all that apply.")
    touchpoints = CheckboxesField(
        "Touchpoints in the victim's journey", description="Select all the points of the journey it changes."
    )
    start_date = GovDateField(
        "Start date", description="For example, 1 4 2026", validators=[DateRequired("Enter the start date")]
    )
    original_due_date = GovDateField(
        "Due date", description="For example, 30 9 2026", validators=[DateRequired("Enter the due date")]
    )
    success_measure = _text_area(
        "Success measure", description="How the group will know the action has worked, like a target or a measure."
    )
    version_id = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = department_choices()
        if action is not None and str(action.department_id) not in {v for v, _ in self.department_id.choices}:
            # A department closed since keeps its actions until the chair moves them.
            self.department_id.choices.append((str(action.department_id), action.department.name))
        self.rights.choices = right_choices(action.rights if action else ())
        self.priorities.choices = priority_choices()
        self.touchpoints.choices = touchpoint_choices()

    def validate_department_id(self, field):
        if field.data and field.data not in {value for value, _ in self.department_id.choices}:
            raise ValidationError("Choose a department from the list")

    def validate_original_due_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(f"{field.label.text} must be the same as or after the start date")

    def chosen(self, model, field):
        """The records ticked in a checkbox field."""
        ids = field.data or []
        return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


class EditActionForm(ActionForm):
    """Changing an action: the current due date can be set as well as the original."""

    original_due_date = GovDateField(
        "Original due date",
        description=(
            "The date first agreed. It is fixed once the action is assigned: "
            "only an administrator can correct it, giving a reason."
        ),
        validators=[DateRequired("Enter the original due date")],
    )
    current_due_date = GovDateField(
        "Current due date",
        description="Approving an extension changes this for you. A later date you set here counts as an extension.",
        validators=[DateRequired("Enter the current due date")],
    )
    date_reason = TextAreaField(
        "Why is the due date changing?",
        widget=GovTextArea(),
        description="Only if you change a due date. It is shown in the timeline and the audit log.",
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )

    def validate_current_due_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("Current due date must be the same as or after the start date")


class CancelForm(TrackerForm):
    reason = _text_area("Why is the action being cancelled?", "Enter why the action is being cancelled")
    submit = SubmitField("Cancel the action", widget=GovSubmitInput())


class ReopenForm(TrackerForm):
    reason = _text_area("Why is the action being reopened?", "Enter why the action is being reopened")
    submit = SubmitField("Reopen the action", widget=GovSubmitInput())


class WithdrawForm(TrackerForm):
    submit = SubmitField("Withdraw the request", widget=GovSubmitInput())


class EvidenceFields:
    """A file or a link offered as evidence, with a few words about it."""

    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A PDF, Word, Excel, PowerPoint, OpenDocument, image or text file.",
    )
    link = StringField(
        "Or give a link",
        widget=GovTextInput(),
        description="A web address starting https://, such as a document in the force's document store.",
        validators=[Optional(), Length(max=2000, message="The web address must be 2,000 characters or fewer")],
    )
    evidence_description = StringField(
        "Describe the evidence (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500, message="Description must be 500 characters or fewer")],
    )


class UpdateForm(EvidenceFields, TrackerForm):
    narrative = _text_area(
        "What has happened since the last update?",
        "Enter what has happened since the last update",
        description="Say what was done, what is next and anything the Champions meeting needs to know.",
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[(status.value, status.label) for status in UPDATE_STATUSES],
        validators=[InputRequired(message="Choose a status")],
    )
    progress = WholeNumberField(
        "Progress", description="How much of the action is done, as a percentage from 0 to 100."
    )
    declared_rag = RadioField(
        "Your BRAG rating",
        widget=GovRadioInput(),
        choices=RAG_CHOICES,
        validators=[InputRequired(message="Choose Green, Amber or Red")],
    )
    raise_at_meeting = BooleanField("Raise this action at the next meeting", widget=GovCheckboxInput())
    submit = SubmitField("Post update", widget=GovSubmitInput())

    def validate_progress(self, field):
        if field.data is None:
            raise ValidationError("Enter progress as a percentage from 0 to 100")


class ExtensionForm(TrackerForm):
    new_due_date = GovDateField(
        "New due date", description="For example, 31 1 2027", validators=[DateRequired("Enter the new due date")]
    )
    reason = _text_area("Why do you need more time?", "Enter why you need more time")
    submit = SubmitField("Ask for more time", widget=GovSubmitInput())


class ClosureForm(EvidenceFields, TrackerForm):
    summary = _text_area(
        "What was done?",
        "Summarise what was done and how the success measure was met",
        description="Say how the success measure was met. The chair reads this before signing the action off.",
    )
    submit = SubmitField("Ask for sign-off", widget=GovSubmitInput())


class DecisionForm(TrackerForm):
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        validators=[InputRequired(message="Choose approve or refuse")],
    )
    # No Optional() here: it would stop the check that a refusal has a reason.
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="Required if you refuse. The owner sees it in the timeline.",
        validators=[Length(max=5000, message="Reason must be 5,000 characters or fewer")],
    )
    version_id = HiddenField()
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError("Enter why you are refusing")


class ClosureDecisionForm(DecisionForm):
    """The sign-off decision, with the chair's confirmation when the action has no evidence or is not at 100%."""

    confirm_exception = BooleanField("I am signing this action off anyway", widget=GovCheckboxInput())
    exception_reason = TextAreaField(
        "Why are you signing it off anyway?",
        widget=GovTextArea(),
        description="This is shown in the timeline and in the quarterly report.",
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )


class EvidenceForm(EvidenceFields, TrackerForm):
    submit = SubmitField("Add evidence", widget=GovSubmitInput())

    def validate_file(self, field):
        if not field.data and not (self.link.data or "").strip():
            raise ValidationError("Select a file or enter a web address")
