"""The form that creates a personal access token."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.api.tokens import EXPIRY_CHOICES
from tracker.common.forms import TrackerForm, text_field


class TokenForm(TrackerForm):
    name = text_field(
        "Name of the token",
        80,
        required="Enter a name for the token",
        too_long="Name must be 80 characters or fewer",
        description="Say what will use it, for example Power BI plan dashboard.",
    )
    expires = RadioField(
        "Stops working after",
        widget=GovRadioInput(),
        choices=list(EXPIRY_CHOICES.items()),
        default="90",
        validators=[InputRequired(message="Choose when the token stops working")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
