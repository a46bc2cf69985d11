"""Sign-in and account forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from tracker.auth.passwords import password_problem
from tracker.common.forms import EmailAddress


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=1024, message="Password is too long")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordMixin:
    """Validates the new password against the policy for the user it is for."""

    password_owner = None

    def validate_new_password(self, field):
        owner = self.password_owner
        problem = password_problem(
            field.data or "", email=owner.email if owner else "", name=owner.name if owner else ""
        )
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. Three random words together work well.",
        validators=[InputRequired(message="Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("new_password", message="Passwords do not match"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. Three random words together work well.",
        validators=[InputRequired(message="Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("new_password", message="Passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            EmailAddress(message="Enter an email address in the correct format, like name@example.org"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class PreferencesForm(FlaskForm):
    immediate_mail = BooleanField(
        "Also e-mail me straight away when something happens to my actions",
        widget=GovCheckboxInput(),
        description="If you leave this unticked you get the weekly digest only.",
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())
