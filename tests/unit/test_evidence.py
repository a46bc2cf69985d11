"""Evidence files are checked by their content, not only their name; links must be web addresses."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from tracker.plan.errors import PlanError
from tracker.plan.evidence import check_file, check_link, clean_filename, size_text

LIMIT = 100_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def xlsx_bytes():
    workbook = Workbook()
    workbook.active["A1"] = "Compliance"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("chart.PNG", PNG, "image/png"),
        ("figures.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.txt", "Feedback from the forum: “clearer letters”\n".encode(), "text/plain; charset=utf-8"),
        ("results.csv", b"\xef\xbb\xbfmonth,percent\nMay,91\n", "text/csv; charset=utf-8"),
    ],
)
def test_allowed_files_pass_with_the_type_their_content_shows(name, content, content_type):
    checked = check_file(name, content, limit=LIMIT)
    assert checked.content_type == content_type and checked.data == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),
        ("report.pdf", PNG),
        ("photo.jpg", PDF),
        ("notes.txt", EXE),
        ("notes.txt", PDF),
        ("letter.docx", zip_bytes(["evil.sh"])),
        ("letter.docx", PDF),
    ],
)
def test_disguised_files_are_refused(name, content):
    with pytest.raises(PlanError) as refused:
        check_file(name, content, limit=LIMIT)
    assert refused.value.field == "file"
    assert "content is not what its name says" in refused.value.message


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "drawing.svg", "script.js", "noextension"])
def test_kinds_that_are_not_allowed_are_refused_by_name(name):
    with pytest.raises(PlanError, match="must be a PDF, Word, Excel"):
        check_file(name, b"hello", limit=LIMIT)


def test_oversized_and_empty_files_are_refused_with_the_limit_in_words():
    with pytest.raises(PlanError, match="smaller than 98KB"):
        check_file("minutes.pdf", PDF + b" " * LIMIT, limit=LIMIT)
    with pytest.raises(PlanError, match="smaller than 10MB"):
        check_file("minutes.pdf", PDF + b" " * (10 * 1024 * 1024), limit=10 * 1024 * 1024)
    with pytest.raises(PlanError, match="is empty"):
        check_file("minutes.pdf", b"", limit=LIMIT)


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("C:\\Users\\kim\\Desktop\\minutes.pdf", "minutes.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ('report "final"; v2.pdf', "report _final_ v2.pdf"),
        ("Rapport d'été.pdf", "Rapport d'été.pdf"),
        ("line\r\nbreak.txt", "line_break.txt"),
        ("", "evidence"),
    ],
)
def test_file_names_are_made_safe(given, cleaned):
    assert clean_filename(given) == cleaned


def test_long_names_keep_their_extension():
    cleaned = clean_filename("a" * 300 + ".pdf")
    assert len(cleaned) <= 150 and cleaned.endswith(".pdf")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://files.example.org/a", "www.example.org", "https://"]
)
def test_links_must_be_web_addresses(url):
    with pytest.raises(PlanError, match="starts with https://"):
        check_link(url)


def test_a_web_address_is_kept_as_given():
    assert (
        check_link("  https://intranet.example.org/docs/minutes?id=4  ")
        == "https://intranet.example.org/docs/minutes?id=4"
    )


def test_sizes_read_as_people_say_them():
    assert (size_text(10 * 1024 * 1024), size_text(2_500_000), size_text(300)) == ("10MB", "2.4MB", "1KB")
