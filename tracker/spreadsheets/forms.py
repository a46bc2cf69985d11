"""Forms for the plan import: the upload, the column mapping, the names and the confirmation."""

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField

from tracker.common.forms import TrackerForm
from tracker.spreadsheets.columns import FIELDS, IGNORE, mapping_problems
from tracker.spreadsheets.services import NEW_DEPARTMENT

FIELD_CHOICES = [(IGNORE, "Do not import")] + [(field.key, field.label) for field in FIELDS]


class UploadForm(TrackerForm):
    spreadsheet = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="An Excel workbook (.xlsx) or a CSV file, smaller than 10 MB.",
        validators=[FileRequired(message="Select a spreadsheet to import")],
    )
    submit = SubmitField("Upload and check columns", widget=GovSubmitInput())


class ConfirmForm(TrackerForm):
    digest = HiddenField()


def column_field_name(index):
    return f"column_{index}"


def mapping_form(columns, formdata=None):
    """A form with one 'import as' choice per column of the sheet."""

    class MappingForm(TrackerForm):
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


def name_field_name(index):
    return f"name_{index}"


LEAVE_OUT = ("", "Leave these rows out")
MAX_DEPARTMENT_NAME = 120


def _rows_text(rows):
    if len(rows) == 1:
        return f"Row {rows[0]}."
    return f"Rows {', '.join(str(row) for row in rows[:-1])} and {rows[-1]}."


def _guesses_first(choices, guesses):
    by_value = dict(choices)
    first = [(guess, by_value[guess]) for guess in guesses if guess in by_value]
    return first + [choice for choice in choices if choice[0] not in guesses]


class _Choices:
    """The tracker's departments and people as select options keyed by id, and back to the names the import reads."""

    def __init__(self, departments, people):
        self.departments = [(str(d.id), d.name) for d in departments]
        self.people = [(str(p.id), f"{p.name} ({p.email})") for p in people]
        self._ids = {("department", d.name.lower()): str(d.id) for d in departments}
        self._ids.update({("owner", p.email.lower()): str(p.id) for p in people})
        self._read = {("department", str(d.id)): d.name for d in departments}
        self._read.update({("owner", str(p.id)): p.email for p in people})

    def value_of(self, kind, reading):
        """The option for a department name or an owner's e-mail address ('' when it is not in the list)."""
        if reading == NEW_DEPARTMENT:
            return reading
        return self._ids.get(("owner" if kind == "owner" else "department", (reading or "").lower()), "")

    def reading_of(self, kind, value):
        if value == NEW_DEPARTMENT:
            return value
        return self._read.get(("owner" if kind == "owner" else "department", value), "")


def _question_field(question, choices):
    """A select for one value in the file: the tracker's departments or people, guesses first."""
    guesses = [choices.value_of(question.kind, guess) for guess in question.guesses]
    label_of = dict(choices.departments if question.kind != "owner" else choices.people)
    guessed = " or ".join(label_of[guess] for guess in guesses if guess in label_of)
    hint = _rows_text(question.rows) + (f" Best guesses: {guessed}." if guessed else "")
    if question.kind == "owner":
        label, options = f"Owner ‘{question.value}’", _guesses_first(choices.people, guesses)
    elif question.kind == "department":
        label, options = f"Department ‘{question.value}’", _guesses_first(choices.departments, guesses)
        if len(question.value.strip()) <= MAX_DEPARTMENT_NAME:
            options.append((NEW_DEPARTMENT, f"Add a new department called ‘{question.value.strip()}’"))
    else:
        label, options = "Department for the rows with no department", list(choices.departments)
    return SelectField(
        label,
        choices=[LEAVE_OUT] + options,
        default=choices.value_of(question.kind, question.answer),
        description=hint,
        widget=GovSelect(),
        validate_choice=False,
    )


def names_form(questions, departments, people, formdata=None):
    """A form with one choice for each department or owner value the import could not read, by id."""
    choices = _Choices(departments, people)

    class NamesForm(TrackerForm):
        submit = SubmitField("Check rows", widget=GovSubmitInput())

        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            for index in range(len(questions)):
                field = self[name_field_name(index)]
                if field.data not in {value for value, _ in field.choices}:
                    field.errors.append("Choose one of the options in the list")
                    valid = False
            return valid

        def answers(self):
            """{question index: department name, owner e-mail address, NEW_DEPARTMENT or ''}."""
            return {
                index: choices.reading_of(question.kind, self[name_field_name(index)].data or "")
                for index, question in enumerate(questions)
            }

    for index, question in enumerate(questions):
        setattr(NamesForm, name_field_name(index), _question_field(question, choices))
    return NamesForm(formdata=formdata) if formdata is not None else NamesForm()
