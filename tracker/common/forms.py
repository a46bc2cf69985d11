"""The base of every form, what it reads from a request, and the fields many forms share.

Flask-WTF hands a form every uploaded file and any JSON body as they come, so a file posted in a
text field, or a JSON number or list, reaches validators written for text and crashes them. The
tracker's forms are HTML forms: `TrackerForm`, which every form derives from, reads files only into
file fields and JSON only as plain values.
"""

from flask import has_request_context, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict, iter_multi_items
from wtforms.fields import EmailField, FieldList, FileField, FormField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional


def _field_takes_file(unbound, rest):
    """Whether rest (a request key after this field's own name) names a file input within the field."""
    kind = unbound.field_class
    if issubclass(kind, FileField):
        return rest == ""
    if not rest.startswith("-"):
        return False
    rest = rest[1:]
    if issubclass(kind, FieldList):
        index, dash, after = rest.partition("-")
        entry = unbound.args[0] if unbound.args else unbound.kwargs["unbound_field"]
        return index.isdigit() and _field_takes_file(entry, dash + after)
    if issubclass(kind, FormField):
        return form_class_takes_file(unbound.args[0] if unbound.args else unbound.kwargs["form_class"], rest)
    return False


def form_class_takes_file(form_class, key):
    """Whether the key names a file input of the form class, looking into nested forms and lists."""
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if (
            getattr(unbound, "_formfield", False)
            and key.startswith(name)
            and _field_takes_file(unbound, key[len(name) :])
        ):
            return True
    return False


def takes_file(form_class, prefix, key):
    """True when the request key names one of the form's file inputs."""
    return key.startswith(prefix) and form_class_takes_file(form_class, key[len(prefix) :])


def plain_values(document):
    """A JSON object's text, numbers and true/false values as form values; anything else is left out."""
    if not isinstance(document, dict):
        return ImmutableMultiDict()
    pairs = []
    for key, value in document.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                pairs.append((key, "true" if item else "false"))
            elif isinstance(item, str | int | float):
                pairs.append((key, str(item)))
    return ImmutableMultiDict(pairs)


SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_FROM_REQUEST = object()


def request_formdata(form_class, prefix):
    """What a submitted request gives the form: its fields, files only for file inputs, JSON as plain values."""
    if not (has_request_context() and request.method in SUBMIT_METHODS):
        return None
    if request.files:
        files = MultiDict(
            [(key, file) for key, file in iter_multi_items(request.files) if takes_file(form_class, prefix, key)]
        )
        return CombinedMultiDict((files, request.form))
    if request.form:
        return request.form
    if request.is_json:
        return plain_values(request.get_json())
    return None


class TrackerForm(FlaskForm):
    """Every form of the tracker: a Flask-WTF form (CSRF, submission) that reads the request as above."""

    def __init__(self, formdata=_FROM_REQUEST, **kwargs):
        if formdata is _FROM_REQUEST:
            prefix = kwargs.get("prefix", "")
            # WTForms separates a prefix from field names with a dash unless it ends in a separator.
            if prefix and prefix[-1] not in "-_;:/.":
                prefix += "-"
            formdata = request_formdata(type(self), prefix)
        super().__init__(formdata=formdata, **kwargs)


class EmailAddress(Email):
    """WTForms' e-mail address check, left to a Length validator for text longer than any address.

    Parsing megabytes as an address takes seconds; nothing over 254 characters can be one anyway.
    """

    LONGEST = 254

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > self.LONGEST:
            return
        super().__call__(form, field)


def text_field(label, max_length, *, required=None, too_long=None, description=None, area=False, widget=None):
    """A GOV.UK text input, or text area, of at most max_length characters.

    `required` is the message for a blank answer (without it the field is optional); `too_long`
    names what is too long when the label reads badly in that message.
    """
    too_long = too_long or f"{label} must be {max_length:,} characters or fewer"
    validators = [InputRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=too_long))
    kind, default_widget = (TextAreaField, GovTextArea) if area else (StringField, GovTextInput)
    return kind(label, widget=widget or default_widget(), validators=validators, description=description)


def full_name_field(required="Enter the person's full name"):
    """A person's full name, as every form that names a person asks for it."""
    return text_field("Full name", 120, required=required, too_long="Name must be 120 characters or fewer")


def email_field(label="Email address", required="Enter an email address", *, check_format=True):
    """An e-mail address of at most 254 characters, checked for its form unless check_format is False."""
    validators = [InputRequired(message=required)]
    if check_format:
        validators.append(EmailAddress(message="Enter an email address in the correct format, like name@example.org"))
    validators.append(Length(max=EmailAddress.LONGEST, message="Email address must be 254 characters or fewer"))
    return EmailField(label, widget=GovTextInput(), validators=validators)


class ButtonForm(TrackerForm):
    """A button and its CSRF token, and nothing else: send, start, finish, revoke, remove."""
