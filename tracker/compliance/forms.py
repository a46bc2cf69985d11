"""Forms: a quarter's figures for every right on one page, choosing a quarter, and the CSV upload."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from tracker.common.forms import TrackerForm
from tracker.common.quarters import Quarter
from tracker.compliance.figures import Figures, read_figures
from tracker.compliance.models import SelfRating, VoiceSource
from tracker.compliance.services import quarter_problem


class RightFiguresForm(Form):
    """One right's figures; which right is set by the page, never taken from the browser."""

    self_rating = SelectField(
        "Rating",
        widget=GovSelect(),
        choices=[("", "Not rated")] + [(rating.value, rating.label) for rating in SelfRating],
        validate_choice=False,
    )
    self_percent = StringField(
        "Compliance figure (optional)", widget=GovTextInput(), description="From the force's own compliance data."
    )
    self_source = StringField("Source of the force's figure", widget=GovTextInput())
    voice_percent = StringField("Victims who said the right was met", widget=GovTextInput())
    voice_sample = StringField("Number of victims asked", widget=GovTextInput())
    voice_source = SelectField(
        "Where the figure comes from",
        widget=GovSelect(),
        choices=[("", "Choose a source")] + [(source.value, source.label) for source in VoiceSource],
        validate_choice=False,
    )
    voice_themes = StringField(
        "What victims said (optional)",
        widget=GovTextArea(),
        description="General themes only, nothing that could identify someone.",
    )

    right_number = None
    figures = None

    def validate(self, extra_validators=None):
        """Check the figures together, putting each message on the field to change."""
        valid = super().validate(extra_validators)
        figures, errors = read_figures(self.data, self.right_number)
        for name, message in errors.items():
            self[name].errors = [message]
        self.figures = figures
        return valid and not errors


class QuarterFiguresForm(TrackerForm):
    versions = HiddenField()
    rights = FieldList(FormField(RightFiguresForm))
    submit = SubmitField("Save figures", widget=GovSubmitInput())

    def figures_by_right(self, rights):
        """{right: Figures} once the form is valid."""
        return {right: entry.form.figures for right, entry in zip(rights, self.rights, strict=True)}


def quarter_figures_form(rights, saved, **kwargs):
    """The entry form for these rights, filled from the request or else from the saved figures."""
    data = {"rights": [_saved_text(saved.get(right.id)) for right in rights]}
    form = QuarterFiguresForm(data=data, **kwargs)
    # Exactly one entry per right, whatever the browser sent.
    while len(form.rights.entries) < len(rights):
        form.rights.append_entry()
    del form.rights.entries[len(rights) :]
    for right, entry in zip(rights, form.rights, strict=True):
        entry.form.right_number = right.number
    return form


def _saved_text(assessment):
    return Figures.of(assessment).as_text()


class ChooseQuarterForm(TrackerForm):
    class Meta:
        csrf = False

    quarter = StringField(
        "Which quarter are the figures for?",
        widget=GovTextInput(),
        description="For example, 2026/27 Q3. Q1 is April to June.",
        validators=[InputRequired(message="Enter the quarter, like 2026/27 Q3")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.chosen = None

    def validate_quarter(self, field):
        try:
            quarter = Quarter.parse(field.data)
        except ValueError as error:
            raise ValidationError("Enter the quarter like 2026/27 Q3") from error
        problem = quarter_problem(quarter, self.today)
        if problem:
            raise ValidationError(problem)
        self.chosen = quarter


class UploadForm(TrackerForm):
    file = FileField("Upload a CSV file", widget=GovFileInput())
    replace = BooleanField("Replace figures already recorded", widget=GovCheckboxInput())
    submit = SubmitField("Upload and check", widget=GovSubmitInput())

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a CSV file")
