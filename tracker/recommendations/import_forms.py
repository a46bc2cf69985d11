"""Forms to add a source's recommendations from pasted rows or a spreadsheet, and to confirm the dry run."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import ValidationError

from tracker.common.forms import TrackerForm, text_field
from tracker.plan.forms import owner_choices

# What a pasted table may hold: the form's whole body is held to MAX_FORM_BYTES (500 KB) anyway.
MAX_PASTED = 400_000


class _LeadChoices:
    def set_leads(self):
        self.lead_id.choices = [("", "Choose the lead"), *owner_choices()[1:]]

    def validate_lead_id(self, field):
        if not field.data:
            raise ValidationError("Choose the lead for these recommendations")
        if field.data not in {value for value, _ in self.lead_id.choices}:
            raise ValidationError("Choose a lead from the list of people who can sign in")


class ImportRowsForm(_LeadChoices, TrackerForm):
    """Rows pasted from a table, or a spreadsheet, and the lead every new recommendation starts with."""

    rows = text_field(
        "Paste the rows",
        MAX_PASTED,
        too_long="The pasted rows must be 400,000 characters or fewer: paste them in parts",
        description="Copy the table's rows in Excel or Word and paste them here: reference, text, addressed to.",
        area=True,
    )
    spreadsheet = FileField(
        "Or upload a spreadsheet",
        widget=GovFileInput(),
        description="An Excel workbook (.xlsx) or a CSV file with the columns Reference, Text and Addressed to.",
    )
    lead_id = SelectField(
        "Lead",
        widget=GovSelect(),
        validate_choice=False,
        description="Every recommendation added starts with this lead. You can change each one's lead later.",
    )
    submit = SubmitField("Check rows", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_leads()

    def uploaded(self):
        """The uploaded file, or None when none was chosen."""
        upload = self.spreadsheet.data
        return upload if upload is not None and getattr(upload, "filename", "") else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        pasted, upload = (self.rows.data or "").strip(), self.uploaded()
        # The rows are optional on their own (an upload may come instead), so this is checked here.
        problem = None
        if not pasted and upload is None:
            problem = "Paste the rows, or choose a spreadsheet to upload"
        elif pasted and upload is not None:
            problem = "Paste the rows or upload a spreadsheet, not both"
        if problem and not self.rows.errors:
            self.rows.errors = [*self.rows.errors, problem]
            valid = False
        return valid


class ConfirmRowsForm(_LeadChoices, TrackerForm):
    """The rows the dry run read, the lead and the dry run's digest, sent back to write them."""

    payload = HiddenField()
    origin = HiddenField()
    lead_id = HiddenField()
    digest = HiddenField()
    submit = SubmitField("Add recommendations", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_id.choices = [("", ""), *owner_choices()[1:]]
