"""Request input is cleaned once, for every feature: nothing reaches a form, filter or API that a
database could not store."""

import json

from hypothesis import given
from hypothesis import strategies as st

from tracker.common.input import UNSTORABLE, clean_json, clean_text


def test_invisible_control_characters_go_and_line_breaks_and_tabs_stay():
    assert clean_text("Ward\x00 7\x1b[31m\x7f review") == "Ward 7[31m review"
    assert clean_text("line one\r\nline two\tcolumn") == "line one\r\nline two\tcolumn"
    assert clean_text("Évaluation – café ✓ 🚓") == "Évaluation – café ✓ 🚓"
    assert clean_text("broken \ud800 surrogate") == "broken  surrogate"


@given(st.text())
def test_cleaned_text_is_always_storable_and_cleaning_twice_changes_nothing(value):
    cleaned = clean_text(value)
    assert UNSTORABLE.search(cleaned) is None and clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # PostgreSQL's encoding: a lone surrogate would fail here


def test_forms_and_query_strings_arrive_clean(app):
    with app.test_request_context(
        "/search?q=victim%00s&page=2", method="POST", data={"name\x00": "Contact\x00 centre", "notes": "a\r\nb"}
    ) as context:
        request = context.request
        assert request.args["q"] == "victims" and request.args["page"] == "2"
        assert request.form["name"] == "Contact centre" and request.form["notes"] == "a\r\nb"
        assert request.values["q"] == "victims"


def test_json_arrives_clean_at_every_depth(app):
    body = json.dumps({"title\u0000": "A\u0000B", "rows": [{"x": "\u0007y"}, 3, None, True]})
    with app.test_request_context("/api", method="POST", data=body, content_type="application/json") as context:
        assert context.request.get_json() == {"title": "AB", "rows": [{"x": "y"}, 3, None, True]}
    assert clean_json(["\ud800ok"]) == ["ok"]


def test_uploaded_files_are_left_as_they_came(app):
    import io

    with app.test_request_context("/", method="POST", data={"file": (io.BytesIO(b"\x00\x01binary"), "a.bin")}) as c:
        assert c.request.files["file"].read() == b"\x00\x01binary"


def test_a_form_without_files_is_held_to_the_form_limit_and_uploads_to_theirs(app):
    """Only a request carrying files may be megabytes long: text gets MAX_FORM_BYTES."""
    import io

    with app.test_request_context("/", method="POST", data={"name": "short"}) as context:
        assert context.request.max_content_length == app.config["MAX_FORM_BYTES"] == 500 * 1024
    with app.test_request_context("/", method="POST", data={"file": (io.BytesIO(b"x"), "a.pdf")}) as context:
        assert context.request.max_content_length == app.config["MAX_CONTENT_LENGTH"]


def test_the_address_check_leaves_text_longer_than_any_address_to_the_length_check(app):
    """Parsing 400 KB as an e-mail address takes about a second; it is refused by length instead."""
    import time

    from tracker.auth.forms import ForgotPasswordForm

    with app.test_request_context("/", method="POST", data={"email": "a." * 200_000 + "@x.org"}):
        form = ForgotPasswordForm()
        started = time.perf_counter()
        assert not form.validate()
        assert time.perf_counter() - started < 0.5
        assert form.email.errors == ["Email address must be 254 characters or fewer"]


def test_a_form_takes_files_only_in_its_file_inputs_however_deeply_nested():
    """A file posted under a text field's name is not handed to that field (it would crash its checks)."""
    from flask_wtf import FlaskForm
    from flask_wtf.file import FileField
    from wtforms import FieldList, FormField, StringField

    from tracker.common.forms import form_class_takes_file

    class Row(FlaskForm):
        note = StringField()
        attachment = FileField()

    class Upload(FlaskForm):
        title = StringField()
        file = FileField()
        rows = FieldList(FormField(Row), min_entries=2)
        names = FieldList(StringField())

    taken = ["file", "rows-0-attachment", "rows-12-attachment"]
    refused = ["title", "rows-0-note", "rows-0", "names-0", "rows-x-attachment", "files", "rows-0-attachments"]
    assert [key for key in taken + refused if form_class_takes_file(Upload, key)] == taken


def test_a_multipart_part_without_a_name_is_dropped(app):
    """Forms that look through every key (lists of rows) must never meet a key that is not text."""
    body = (
        b"--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n"
        b'--b\r\nContent-Disposition: form-data; name="\x05"\r\n\r\ncontrol name\r\n'
        b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nkept\r\n--b--\r\n'
    )
    with app.test_request_context(
        "/", method="POST", data=body, content_type="multipart/form-data; boundary=b"
    ) as context:
        assert list(context.request.form.items(multi=True)) == [("title", "kept")]


def test_every_form_of_the_tracker_reads_the_request_through_the_tracker_form(app):
    """A form on Flask-WTF's own base would hand a file or a JSON list to validators written for text."""
    from flask_wtf import FlaskForm

    from tracker.common.forms import TrackerForm

    def subclasses(kind):
        for sub in kind.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = {form for form in subclasses(FlaskForm) if form.__module__.startswith("tracker.")}
    assert [form.__qualname__ for form in forms if not issubclass(form, TrackerForm)] == []
    assert len(forms) > 30


def test_a_prefixed_form_reads_its_own_fields_and_no_file_posted_in_a_text_field(app):
    import io

    from flask_wtf.file import FileField
    from wtforms import StringField

    from tracker.common.forms import TrackerForm

    class Arising(TrackerForm):
        class Meta:
            csrf = False

        title = StringField()
        evidence = FileField()

    data = {"arising-title": (io.BytesIO(b"not text"), "title.txt"), "arising-evidence": (io.BytesIO(b"x"), "e.txt")}
    with app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data"):
        form = Arising(prefix="arising")
        assert form.title.data is None and form.evidence.data.filename == "e.txt"
    with app.test_request_context("/", method="POST", json=["a", "list"]):
        assert Arising(prefix="arising").title.data is None
    with app.test_request_context("/", method="POST", json={"arising-title": "From JSON", "other": [1, {"a": 2}]}):
        assert Arising(prefix="arising").title.data == "From JSON"
