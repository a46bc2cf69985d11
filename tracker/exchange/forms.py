"""Forms for imports, API tokens and the calendar link."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tracker.exchange.columns import FIELDS, IGNORE, mapping_problems
from tracker.exchange.tokens import EXPIRY_CHOICES

FIELD_CHOICES = [(IGNORE, "Do not import")] + [(field.key, field.label) for field in FIELDS]


class UploadForm(FlaskForm):
    spreadsheet = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="An Excel workbook (.xlsx) or a CSV file, smaller than 10 MB.",
        validators=[FileRequired(message="Select a spreadsheet to import")],
    )
    submit = SubmitField("Upload and check columns", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A POST with nothing but its CSRF token."""


class ConfirmForm(FlaskForm):
    digest = HiddenField()


def column_field_name(index):
    return f"column_{index}"


def mapping_form(columns, formdata=None):
    """A form with one 'import as' choice per column of the sheet."""

    class MappingForm(FlaskForm):
        submit = SubmitField("Check rows", widget=GovSubmitInput())

        def validate(self, extra_validators=None):
            if not super().validate(extra_validators):
                return False
            chosen = {column["index"]: self[column_field_name(column["index"])].data for column in columns}
            problems = mapping_problems(list(chosen.values()))
            for key, message in problems.items():
                blamed = [i for i, field in chosen.items() if field == key] or [columns[0]["index"]]
                for index in blamed[:1] if key in ("title", "owner", "due") else blamed:
                    self[column_field_name(index)].errors.append(message)
            return not problems

        def chosen_fields(self):
            return {column["index"]: self[column_field_name(column["index"])].data for column in columns}

    for column in columns:
        hidden = " (hidden in the workbook)" if column["hidden"] else ""
        setattr(
            MappingForm,
            column_field_name(column["index"]),
            SelectField(
                f"Import column {column['heading']}{hidden} as",
                choices=FIELD_CHOICES,
                default=column["field"],
                widget=GovSelect(),
            ),
        )
    return MappingForm(formdata=formdata) if formdata is not None else MappingForm()


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
