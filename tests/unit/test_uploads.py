"""Upload names: path-like and unprintable names are refused, stored names are made safe."""

import pytest

from tracker.common.uploads import UploadRefused, check_name, safe_filename


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.pdf", "/etc/passwd.pdf", "C:\\Users\\jo\\evidence.pdf", "..", "evidence/x.pdf"]
)
def test_path_like_names_are_refused(filename):
    with pytest.raises(UploadRefused, match="The file name must not include a folder"):
        check_name(filename)


@pytest.mark.parametrize("filename", ["evil.php\x00.pdf", "report\x07.pdf", "  "])
def test_unprintable_or_blank_names_are_refused(filename):
    with pytest.raises(UploadRefused):
        check_name(filename)


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
