"""Request input every database can store: no invisible control characters, no out-of-range ids.

PostgreSQL refuses text holding NUL, XML (and so Excel files and PDFs) refuses most other control
characters, and an id beyond a database integer makes the query itself fail. Cleaning the request
once, here, keeps every form, filter and API of every feature safe without each having to remember.
"""

import re

from flask import Request, abort, current_app, has_app_context, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter

# C0 controls other than tab, line feed and carriage return, DEL, and lone UTF-16 surrogates.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LARGEST_DATABASE_ID = 2**31 - 1


def clean_text(value):
    """The text without characters no person types and the database cannot keep."""
    return UNSTORABLE.sub("", value) if isinstance(value, str) else value


def has_unstorable_text(value):
    """True when the text holds a character clean_text would remove."""
    return isinstance(value, str) and UNSTORABLE.search(value) is not None


class CleanMultiDict(ImmutableMultiDict):
    """Query strings and form fields with their names and text values cleaned; nameless parts dropped."""

    def __init__(self, mapping=None):
        if mapping is not None:
            pairs = ((clean_text(key), clean_text(value)) for key, value in iter_multi_items(mapping))
            # A multipart part can arrive without a name; forms iterating their keys expect text.
            mapping = [(key, value) for key, value in pairs if isinstance(key, str) and key]
        super().__init__(mapping)


def clean_json(value):
    """A decoded JSON document with every string in it cleaned."""
    if isinstance(value, dict):
        return {clean_text(key): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return clean_text(value)


class CleanRequest(Request):
    """The request class of the app: form, query string and JSON arrive cleaned, and a body without
    files is held to MAX_FORM_BYTES (only uploads need MAX_CONTENT_LENGTH's megabytes; validators
    such as the e-mail address check take seconds over megabytes of text)."""

    parameter_storage_class = CleanMultiDict

    @property
    def max_content_length(self):
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data" or not has_app_context():
            return limit
        text_limit = current_app.config["MAX_FORM_BYTES"]
        return min(limit, text_limit) if limit else text_limit

    @max_content_length.setter
    def max_content_length(self, value):
        Request.max_content_length.fset(self, value)

    def get_json(self, *args, **kwargs):
        return clean_json(super().get_json(*args, **kwargs))


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` limited to what a database integer holds, so /users/99999999999999999999 is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_DATABASE_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_unstorable_path(endpoint, values):
    """A path segment with control characters names nothing: answer 404 before any query runs."""
    if values and any(has_unstorable_text(value) for value in values.values()):
        abort(404)


def register_input_cleaning(app):
    """Use the cleaning request class and id converter; call before any blueprint is registered."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_value_preprocessor(refuse_unstorable_path)


def is_whole_number(text, max_digits=9):
    """True for ASCII digits only, few enough to fit a database integer: str.isdigit() also takes
    "²" and "①", which int() then refuses, and any length, which a database cannot hold."""
    return isinstance(text, str) and 0 < len(text) <= max_digits and text.isascii() and text.isdigit()


# The last page any list may be asked for: far beyond any plan, well inside a database's OFFSET.
LAST_PAGE = 100_000


def page_number():
    """The list page asked for with ?page=: 1 when none is given; 404 for anything no list can have."""
    value = request.args.get("page", "")
    if value == "":
        return 1
    if not is_whole_number(value, max_digits=6) or not 1 <= int(value) <= LAST_PAGE:
        abort(404)
    return int(value)
