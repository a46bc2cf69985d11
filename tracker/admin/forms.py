"""Forms for managing users and departments."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.auth.models import ROLE_LABELS, Department, User
from tracker.auth.passwords import password_problem
from tracker.auth.services import normalise_email
from tracker.common.concurrency import VersionedForm
from tracker.common.forms import EmailAddress
from tracker.extensions import db


def department_choices():
    """Active departments for a select, with a 'none' option first."""
    departments = db.session.scalars(select(Department).where(Department.active).order_by(Department.name))
    return [("", "No department")] + [(str(d.id), d.name) for d in departments]


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the person's full name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    email = EmailField(
        "Work email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a work email address"),
            EmailAddress(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
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


class DepartmentForm(FlaskForm):
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
