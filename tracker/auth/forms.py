"""Sign-in and account forms."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from tracker.auth.passwords import password_problem
from tracker.common.forms import TrackerForm, email_field


class SignInForm(TrackerForm):
    email = email_field(required="Enter your email address", check_format=False)
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=1024, message="Password is too long")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_fields():
    """The new password and its confirmation, in the place of the form they are called from."""
    return (
        PasswordField(
            "New password",
            widget=GovPasswordInput(),
            description="Use 12 characters or more. Three random words together work well.",
            validators=[InputRequired(message="Enter a new password")],
        ),
        PasswordField(
            "Confirm new password",
            widget=GovPasswordInput(),
            validators=[
                InputRequired(message="Confirm your new password"),
                EqualTo("new_password", message="Passwords do not match"),
            ],
        ),
    )


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


class ChangePasswordForm(NewPasswordMixin, TrackerForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    new_password, confirm_password = _new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordMixin, TrackerForm):
    new_password, confirm_password = _new_password_fields()
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ForgotPasswordForm(TrackerForm):
    email = email_field(required="Enter your email address")
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class PreferencesForm(TrackerForm):
    immediate_mail = BooleanField(
        "Also e-mail me straight away when something happens to my actions",
        widget=GovCheckboxInput(),
        description="If you leave this unticked you get the weekly digest only.",
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())
