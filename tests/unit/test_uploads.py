"""Upload checks: the kind is judged by content, size and emptiness are refused, names are made safe."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage

from tracker.common.uploads import (
    EVIDENCE_KINDS,
    AcceptedUpload,
    UploadRefused,
    check_upload,
    describe_kinds,
    safe_filename,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
CSV = b"reference,title\nVV-001,Rewrite the letter in plain English\n"
MEGABYTE = 1024 * 1024


def upload(content, filename="evidence.pdf"):
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def xlsx():
    workbook = Workbook()
    workbook.active["A1"] = "Action"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "kind", "content_type"),
    [
        (PDF, "Letter review.pdf", "pdf", "application/pdf"),
        (PNG, "chart.png", "png", "image/png"),
        (JPEG, "photo.jpeg", "jpg", "image/jpeg"),
        (docx(), "minutes.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx(), "plan.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (CSV, "plan.csv", "csv", "text/csv"),
        ("Notes about the VPS leaflet – draft".encode("cp1252"), "notes.txt", "txt", "text/plain"),
    ],
)
def test_each_kind_is_recognised_by_its_content(content, filename, kind, content_type):
    checked = check_upload(upload(content, filename), EVIDENCE_KINDS, MEGABYTE)
    assert (checked.kind, checked.content_type, checked.filename) == (kind, content_type, filename)
    assert checked.content == content and checked.size == len(content) and len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "filename"),
    [(EXE, "minutes.pdf"), (EXE, "setup.exe"), (b"\x00\x01\x02binary\x00" * 10, "data.pdf"), (PNG, "chart.png")],
)
def test_a_file_whose_content_is_not_an_allowed_kind_is_refused_whatever_its_name(content, filename):
    with pytest.raises(UploadRefused) as refusal:
        check_upload(upload(content, filename), ("pdf", "docx"), MEGABYTE)
    assert str(refusal.value) == "The selected file must be a PDF or Word document"


def test_a_mislabelled_file_of_an_allowed_kind_gets_the_right_extension():
    checked = check_upload(upload(PNG, "photo.jpg"), EVIDENCE_KINDS, MEGABYTE)
    assert (checked.kind, checked.filename) == ("png", "photo.png")


def test_an_oversized_file_is_refused_and_reading_stops_at_the_limit():
    stream = io.BytesIO(PDF + b"0" * (2 * MEGABYTE))
    with pytest.raises(UploadRefused, match="The selected file must be smaller than 2 MB"):
        check_upload(FileStorage(stream=stream, filename="big.pdf"), ("pdf",), 2 * MEGABYTE)
    assert check_upload(upload(PDF + b"0" * (2 * MEGABYTE - len(PDF))), ("pdf",), 2 * MEGABYTE).size == 2 * MEGABYTE


def test_an_empty_file_and_no_file_are_refused_with_different_messages():
    with pytest.raises(UploadRefused, match="^The selected file is empty$"):
        check_upload(upload(b"", "empty.pdf"), ("pdf",), MEGABYTE)
    for nothing in (None, upload(b"", ""), "not a file"):
        with pytest.raises(UploadRefused, match="^Select a file$"):
            check_upload(nothing, ("pdf",), MEGABYTE)


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.pdf", "/etc/passwd.pdf", "C:\\Users\\jo\\evidence.pdf", "..", "evidence/x.pdf"]
)
def test_path_like_names_are_refused(filename):
    with pytest.raises(UploadRefused, match="The file name must not include a folder"):
        check_upload(upload(PDF, filename), ("pdf",), MEGABYTE)


@pytest.mark.parametrize("filename", ["evil.php\x00.pdf", "report\x07.pdf", "  "])
def test_unprintable_or_blank_names_are_refused(filename):
    with pytest.raises(UploadRefused):
        check_upload(upload(PDF, filename), ("pdf",), MEGABYTE)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("  Plan   review .PDF", "pdf", "Plan review.pdf"),
        (".hidden.pdf", "pdf", "hidden.pdf"),
        ("report.final", "pdf", "report.final.pdf"),
        ("v1.2 plan", "pdf", "v1.2 plan.pdf"),
        ("Évaluation des droits.docx", "docx", "Évaluation des droits.docx"),
        ("x" * 300 + ".pdf", "pdf", "x" * 251 + ".pdf"),
    ],
)
def test_stored_names_are_tidy_short_enough_and_end_in_the_real_extension(name, kind, expected):
    assert safe_filename(name, kind) == expected


def test_describing_what_is_allowed_reads_as_plain_english():
    assert describe_kinds(("pdf",)) == "a PDF"
    assert describe_kinds(("xlsx", "csv")) == "an Excel spreadsheet or CSV file"
    assert describe_kinds(("pdf", "docx", "png")) == "a PDF, Word document or PNG image"


def test_unknown_kinds_are_a_programming_mistake():
    with pytest.raises(ValueError, match="unknown upload kinds"):
        check_upload(upload(PDF), ("pdf", "exe"), MEGABYTE)


def test_the_form_validator_puts_the_message_on_the_field_and_the_checked_file_on_it(app):
    from flask_wtf import FlaskForm
    from flask_wtf.file import FileField

    class EvidenceForm(FlaskForm):
        file = FileField("File", validators=[AcceptedUpload(("pdf",), max_bytes=MEGABYTE)])

    with app.test_request_context(method="POST", data={"file": (io.BytesIO(EXE), "minutes.pdf")}):
        form = EvidenceForm()
        assert not form.validate()
        assert form.file.errors == ["The selected file must be a PDF"] and form.file.upload is None
    with app.test_request_context(method="POST", data={"file": (io.BytesIO(PDF), "minutes.pdf")}):
        form = EvidenceForm()
        assert form.validate() and form.file.upload.filename == "minutes.pdf"
