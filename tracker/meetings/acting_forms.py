"""Forms the chair uses in the room to act on an item's action: decide its requests, change its owner or due date."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import Length

from tracker.common.fields import DateRequired, GovDateField
from tracker.common.forms import TrackerForm
from tracker.plan.forms import ChoosesOwner, ClosureDecisionForm, DecisionForm


class ExtensionInMeetingForm(DecisionForm):
    submit = SubmitField("Save the decision on more time", widget=GovSubmitInput())


class ClosureInMeetingForm(ClosureDecisionForm):
    submit = SubmitField("Save the decision on sign-off", widget=GovSubmitInput())


class ChangeActionForm(ChoosesOwner, TrackerForm):
    owner_id = SelectField("Who owns the action?", widget=GovSelect(), validate_choice=False)
    current_due_date = GovDateField(
        "When is the action due?",
        description="A later date counts as an extension. For example, 28 2 2027",
        validators=[DateRequired("Enter the due date")],
    )
    date_reason = TextAreaField(
        "Why is the due date changing?",
        widget=GovTextArea(),
        description="Only if you change the due date. It is shown in the timeline and the audit log.",
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save the owner and due date", widget=GovSubmitInput())
