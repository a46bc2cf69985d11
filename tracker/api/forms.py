"""The form that creates a personal access token."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tracker.api.tokens import EXPIRY_CHOICES


class TokenForm(FlaskForm):
    name = StringField(
        "Name of the token",
        widget=GovTextInput(),
        description="Say what will use it, for example Power BI plan dashboard.",
        validators=[
            InputRequired(message="Enter a name for the token"),
            Length(max=80, message="Name must be 80 characters or fewer"),
        ],
    )
    expires = RadioField(
        "Stops working after",
        widget=GovRadioInput(),
        choices=list(EXPIRY_CHOICES.items()),
        default="90",
        validators=[InputRequired(message="Choose when the token stops working")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
