"""Forms for the chair's notes, choosing a quarter and the distribution list."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.common.concurrency import VersionedForm
from tracker.common.dates import local_today
from tracker.common.forms import TrackerForm, email_field, full_name_field
from tracker.common.quarters import quarter_of
from tracker.extensions import db
from tracker.reports.models import DistributionRecipient

DECISIONS_MAX = 4000


def recent_quarters(count=8, today=None):
    """The current quarter and those before it, newest first."""
    quarter = quarter_of(today or local_today())
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


class QuarterForm(TrackerForm):
    """Choose the quarter of a report to prepare (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    quarter = SelectField("Quarter", widget=GovSelect(), validators=[InputRequired(message="Choose a quarter")])
    submit = SubmitField("Preview the report", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Lower case: the GOV.UK select macro lower-cases option values.
        self.quarter.choices = [(q.slug.lower(), q.label) for q in recent_quarters()]


class NotesForm(TrackerForm):
    decisions = TextAreaField(
        "Decisions the subgroup is asked to take",
        widget=GovCharacterCount(),
        description="Put each decision on its own line. They appear as a numbered list in the report. "
        "Leave this empty if there are none this quarter.",
        validators=[Length(max=DECISIONS_MAX, message=f"Decisions must be {DECISIONS_MAX} characters or fewer")],
    )
    include_meetings = BooleanField(
        "Include a section on this quarter's meetings",
        widget=GovCheckboxInput(),
        description="Each meeting held in the quarter: its date, how many came and sent apologies, "
        "and the decisions it took.",
    )
    version_id = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


class RecipientForm(TrackerForm):
    name = full_name_field()
    email = email_field()
    organisation = StringField(
        "Organisation (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=160, message="Organisation must be 160 characters or fewer")],
    )
    active = BooleanField("Send published reports to this person", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_email(self, field):
        email = (field.data or "").strip().lower()
        existing = db.session.scalar(select(DistributionRecipient).where(DistributionRecipient.email == email))
        if existing is not None and existing is not self.editing:
            raise ValidationError("This email address is already on the distribution list")


class EditRecipientForm(VersionedForm, RecipientForm):
    """Changes to someone on the distribution list, refused when someone else saved first."""


WITHDRAWAL_REASON_MAX = 2000


class WithdrawForm(TrackerForm):
    """An admin's confirmation that a published report is withdrawn, and why."""

    reason = TextAreaField(
        "Why is the report being withdrawn?",
        widget=GovCharacterCount(),
        description="Say what was wrong. Everyone on the distribution list is told this, "
        "and it is shown beside the report in the archive.",
        validators=[
            InputRequired(message="Enter why the report is being withdrawn"),
            Length(
                max=WITHDRAWAL_REASON_MAX,
                message=f"The reason must be {WITHDRAWAL_REASON_MAX} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Withdraw the report", widget=GovSubmitInput())

    def validate_reason(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Enter why the report is being withdrawn")
