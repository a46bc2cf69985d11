"""Forms of the e-mail admin pages."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField


class MailKindsForm(FlaskForm):
    """Which kinds of mail are switched on."""

    enabled = SelectMultipleField("Send these e-mails", validate_choice=True)

    def __init__(self, switches, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled.choices = [(row["kind"], row["label"]) for row in switches if not row["essential"]]
