"""Forms for managing users and departments."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.admin.logo import check_logo
from tracker.auth.models import ROLE_LABELS, Department, User
from tracker.auth.passwords import password_problem
from tracker.auth.services import normalise_email
from tracker.common.concurrency import VersionedForm
from tracker.common.forms import TrackerForm, email_field, full_name_field
from tracker.common.uploads import UploadRefused
from tracker.extensions import db


def department_choices():
    """Active departments for a select, with a 'none' option first."""
    departments = db.session.scalars(select(Department).where(Department.active).order_by(Department.name))
    return [("", "No department")] + [(str(d.id), d.name) for d in departments]


class UserForm(TrackerForm):
    name = full_name_field()
    email = email_field("Work email address", "Enter a work email address")
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message="Choose a role")],
    )
    department_id = SelectField("Department", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.department_id.choices = department_choices()

    def validate_email(self, field):
        email = normalise_email(field.data)
        existing = db.session.scalar(select(User).where(User.email == email))
        if existing is not None and existing is not self.editing:
            raise ValidationError("A user with this email address already exists")

    def validate_department_id(self, field):
        if field.data and field.data not in {value for value, _ in self.department_id.choices}:
            raise ValidationError("Choose a department from the list")
        if self.role.data == "lead" and not field.data:
            raise ValidationError("Choose the department this lead works for")


class EditUserForm(VersionedForm, UserForm):
    """Changes to an existing user, refused when someone else saved first."""


class NewUserForm(UserForm):
    password = PasswordField(
        "Initial password (optional)",
        widget=GovPasswordInput(),
        description="Leave blank to e-mail the person a link to choose their own password.",
        validators=[Optional()],
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def validate_password(self, field):
        if field.data:
            problem = password_problem(field.data, email=self.email.data or "", name=self.name.data or "")
            if problem:
                raise ValidationError(problem)


class DepartmentForm(TrackerForm):
    name = StringField(
        "Department name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the department's name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    submit = SubmitField("Save department", widget=GovSubmitInput())

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_name(self, field):
        existing = db.session.scalar(select(Department).where(Department.name == field.data.strip()))
        if existing is not None and existing is not self.editing:
            raise ValidationError("A department with this name already exists")


class EditDepartmentForm(VersionedForm, DepartmentForm):
    """A new name for a department, refused when someone else saved first."""


def _person_label(user):
    return f"{user.name} ({user.department.name})" if user.department else user.name


class HandOverForm(TrackerForm):
    """Who takes over a leaver's open actions: one person for all, or a person per action."""

    new_owner = SelectField(
        "Who takes over their actions",
        widget=GovSelect(),
        description="Everything goes to this person, except the actions you give to someone else below.",
        validate_choice=False,
    )
    action_ids = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @classmethod
    def for_leaver(cls, actions, people, formdata=None):
        """The form for these actions, with a choice of person for each."""
        fields = {
            f"owner_{action.id}": SelectField(
                f"{action.reference}: {action.title}", widget=GovSelect(), validate_choice=False
            )
            for action in actions
        }
        form = type("LeaverHandOverForm", (cls,), fields)(formdata=formdata)
        people_choices = [(str(person.id), _person_label(person)) for person in people]
        form.new_owner.choices = [("", "Choose a person")] + people_choices
        for name in fields:
            form[name].choices = [("", "The person chosen above")] + people_choices
        form.actions, form.people = actions, {str(person.id): person for person in people}
        if not form.is_submitted():
            form.action_ids.data = ",".join(str(action.id) for action in actions)
        return form

    def action_fields(self):
        """Each action with its own choice of new owner."""
        return [(action, self[f"owner_{action.id}"]) for action in self.actions]

    def saw_the_same_actions(self):
        """False when the leaver's open actions changed since the form was first shown."""
        return (self.action_ids.data or "") == ",".join(str(action.id) for action in self.actions)

    def moves(self):
        """{action: new owner} as chosen; empty until the form is valid."""
        default = self.people.get(self.new_owner.data or "")
        return {action: self.people.get(field.data or "") or default for action, field in self.action_fields()}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.new_owner.data and self.new_owner.data not in self.people:
            self.new_owner.errors.append("Choose a person from the list")
            return False
        for _, field in self.action_fields():
            if field.data and field.data not in self.people:
                field.errors.append("Choose a person from the list")
                valid = False
        if valid and any(owner is None for owner in self.moves().values()):
            self.new_owner.errors.append("Choose who takes over their actions, or choose a person for each action")
            valid = False
        return valid


class LogoForm(TrackerForm):
    """The organisation's logo for the report's cover; checked by its content when sent."""

    file = FileField("Upload a PNG or SVG image", widget=GovFileInput())
    submit = SubmitField("Upload logo", widget=GovSubmitInput())

    def validate_file(self, field):
        try:
            self.upload = check_logo(field.data)
        except UploadRefused as refusal:
            raise ValidationError(str(refusal)) from refusal


class RemoveLogoForm(TrackerForm):
    """Confirms taking the logo off the report's cover."""

    submit = SubmitField("Remove logo", widget=GovSubmitInput())
