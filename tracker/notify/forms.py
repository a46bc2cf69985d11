"""Forms of the e-mail admin pages."""

from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from tracker.common.forms import TrackerForm


def _known_kinds(form, field):
    known = {value for value, _ in field.choices}
    if any(kind not in known for kind in field.data or []):
        raise ValidationError("Choose only from the kinds of e-mail listed")


class MailKindsForm(TrackerForm):
    """Which kinds of mail are switched on."""

    enabled = SelectMultipleField("Send these e-mails", validate_choice=False, validators=[_known_kinds])

    def __init__(self, switches, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled.choices = [(row["kind"], row["label"]) for row in switches if not row["essential"]]
