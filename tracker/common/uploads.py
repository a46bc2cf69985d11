"""What every upload is checked for: a safe, printable name without folders, and a tidy stored name.

Each feature checks the content of what it takes (evidence in `plan/evidence.py`, spreadsheets in
`spreadsheets/spreadsheet.py`, the logo in `admin/logo.py`) and raises UploadRefused with the message
to show beside the field.
"""

import unicodedata

from tracker.common.input import has_unstorable_text

MAX_NAME_LENGTH = 255


# The extensions of each kind of file the tracker stores; the first is the one a stored name gets.
EXTENSIONS = {
    "pdf": ("pdf",),
    "docx": ("docx",),
    "doc": ("doc",),
    "xlsx": ("xlsx",),
    "xls": ("xls",),
    "pptx": ("pptx",),
    "odt": ("odt",),
    "ods": ("ods",),
    "png": ("png",),
    "jpg": ("jpg", "jpeg"),
    "csv": ("csv",),
    "txt": ("txt",),
}


class UploadRefused(ValueError):
    """An upload that cannot be accepted; str() is the message to show next to the field."""


def describe_size(size):
    """'10 MB', '500 KB' or '900 bytes'."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def safe_filename(name, kind):
    """The name to store and offer for download: tidy, short enough, ending in the kind's extension."""
    name = " ".join(unicodedata.normalize("NFC", name).split()).lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    known = {ext for extensions in EXTENSIONS.values() for ext in extensions}
    if extension.lower() in EXTENSIONS[kind]:
        suffix = "." + extension.lower()
    elif extension.lower() in known:
        suffix = "." + EXTENSIONS[kind][0]
    else:
        stem = name
        suffix = "." + EXTENSIONS[kind][0]
    stem = stem.rstrip(". ")[: MAX_NAME_LENGTH - len(suffix)] or "file"
    return stem + suffix


def check_name(name):
    """Refuse a missing, path-like or unprintable file name."""
    if not name or not name.strip():
        raise UploadRefused("The selected file must have a name")
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise UploadRefused("The file name must not include a folder. Select the file itself")
    if has_unstorable_text(name):
        raise UploadRefused("The file name must only include letters, numbers, spaces and punctuation")
