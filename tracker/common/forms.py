"""What every form reads from a request: files only in file fields, JSON only as plain values.

Flask-WTF hands a form every uploaded file and any JSON body as they come, so a file posted in a
text field, or a JSON number or list, reaches validators written for text and crashes them. The
tracker's forms are HTML forms; narrowing what they read here covers every FlaskForm of every feature.
"""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # Flask-WTF's "read the data from the request" default
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict, iter_multi_items
from wtforms.fields import FieldList, FileField, FormField
from wtforms.validators import Email

_LIBRARY_WRAP_FORMDATA = FlaskForm.Meta.wrap_formdata


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


def takes_file(form, key):
    """True when the request key names one of the form's file inputs."""
    prefix = form._prefix
    return key.startswith(prefix) and form_class_takes_file(type(form), key[len(prefix) :])


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


def wrap_formdata(meta, form, formdata):
    """Flask-WTF's Meta.wrap_formdata, with files kept to file fields and JSON kept to plain values."""
    if formdata is _Auto and form.is_submitted():
        if request.files:
            files = MultiDict([(key, file) for key, file in iter_multi_items(request.files) if takes_file(form, key)])
            return CombinedMultiDict((files, request.form))
        if not request.form and request.is_json:
            return plain_values(request.get_json())
    return _LIBRARY_WRAP_FORMDATA(meta, form, formdata)


def register_form_data_rules():
    """Make every FlaskForm read request data through wrap_formdata."""
    FlaskForm.Meta.wrap_formdata = wrap_formdata


class EmailAddress(Email):
    """WTForms' e-mail address check, left to a Length validator for text longer than any address.

    Parsing megabytes as an address takes seconds; nothing over 254 characters can be one anyway.
    """

    LONGEST = 254

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > self.LONGEST:
            return
        super().__call__(form, field)


class ButtonForm(FlaskForm):
    """A button and its CSRF token, and nothing else: send, start, finish, revoke, remove."""
