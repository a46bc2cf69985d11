"""Forms of the e-mail admin pages."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError


def _known_kinds(form, field):
    known = {value for value, _ in field.choices}
    if any(kind not in known for kind in field.data or []):
        raise ValidationError("Choose only from the kinds of e-mail listed")


class MailKindsForm(FlaskForm):
    """Which kinds of mail are switched on."""

    enabled = SelectMultipleField("Send these e-mails", validate_choice=False, validators=[_known_kinds])

    def __init__(self, switches, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled.choices = [(row["kind"], row["label"]) for row in switches if not row["essential"]]
