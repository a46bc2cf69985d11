"""Checks for uploaded files: the right kind by content, not too big, not empty, with a safe name.

A feature that takes files checks each one before storing it:

    try:
        upload = check_upload(request.files["file"], ("pdf", "docx", "png"), max_bytes)
    except UploadRefused as refusal:
        form.file.errors.append(str(refusal))

or declares it on a form field with the AcceptedUpload validator. The CheckedUpload it returns
carries what an Evidence or ImportBatch row stores: filename, content_type, size, sha256, content.
Serve stored files back as attachments with their checked content_type.
"""

import hashlib
import unicodedata
from dataclasses import dataclass

import filetype
from flask import current_app
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from tracker.common.input import has_unstorable_text

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class FileKind:
    """A kind of file people may upload: its plain name, extensions and media type."""

    label: str
    extensions: tuple
    content_type: str
    is_text: bool = False


KINDS = {
    "pdf": FileKind("PDF", ("pdf",), "application/pdf"),
    "docx": FileKind(
        "Word document", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "doc": FileKind("Word 97-2003 document", ("doc",), "application/msword"),
    "xlsx": FileKind(
        "Excel spreadsheet", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "xls": FileKind("Excel 97-2003 spreadsheet", ("xls",), "application/vnd.ms-excel"),
    "pptx": FileKind(
        "PowerPoint presentation",
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": FileKind("OpenDocument text", ("odt",), "application/vnd.oasis.opendocument.text"),
    "ods": FileKind("OpenDocument spreadsheet", ("ods",), "application/vnd.oasis.opendocument.spreadsheet"),
    "png": FileKind("PNG image", ("png",), "image/png"),
    "jpg": FileKind("JPEG image", ("jpg", "jpeg"), "image/jpeg"),
    "csv": FileKind("CSV file", ("csv",), "text/csv", is_text=True),
    "txt": FileKind("text file", ("txt",), "text/plain", is_text=True),
}
EVIDENCE_KINDS = ("pdf", "docx", "doc", "xlsx", "xls", "pptx", "odt", "ods", "png", "jpg", "csv", "txt")


class UploadRefused(ValueError):
    """An upload that cannot be accepted; str() is the message to show next to the field."""


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed every check, ready to store."""

    filename: str
    kind: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def describe_size(size):
    """'10 MB', '500 KB' or '900 bytes'."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def describe_kinds(kinds):
    """'a PDF, Word document or PNG image'."""
    labels = [KINDS[kind].label for kind in kinds]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]
    return ("an " if listed[0].lower() in "aeiou" else "a ") + listed


def _read_limited(file_storage, max_bytes):
    content = file_storage.stream.read(max_bytes + 1)
    if file_storage.stream.seekable():
        file_storage.stream.seek(0)
    return content


def _looks_like_text(content):
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def sniff_kind(content, allowed, filename):
    """The allowed kind the content really is, or None. Text kinds go by the name's extension."""
    guess = filetype.guess(content)
    if guess is not None:
        return next((kind for kind in allowed if guess.extension in KINDS[kind].extensions), None)
    if not _looks_like_text(content):
        return None
    text_kinds = [kind for kind in allowed if KINDS[kind].is_text]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return next((kind for kind in text_kinds if extension in KINDS[kind].extensions), None) or next(
        iter(text_kinds), None
    )


def safe_filename(name, kind):
    """The name to store and offer for download: tidy, short enough, ending in the kind's extension."""
    name = " ".join(unicodedata.normalize("NFC", name).split()).lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    known = {ext for file_kind in KINDS.values() for ext in file_kind.extensions}
    if extension.lower() in KINDS[kind].extensions:
        suffix = "." + extension.lower()
    elif extension.lower() in known:
        suffix = "." + KINDS[kind].extensions[0]
    else:
        stem = name
        suffix = "." + KINDS[kind].extensions[0]
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


def check_upload(file_storage, allowed_kinds, max_bytes):
    """Return a CheckedUpload, or raise UploadRefused with a message saying what is wrong."""
    unknown = set(allowed_kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    if not isinstance(file_storage, FileStorage) or (not file_storage.filename and not _read_limited(file_storage, 1)):
        raise UploadRefused("Select a file")
    check_name(file_storage.filename)
    content = _read_limited(file_storage, max_bytes)
    if not content:
        raise UploadRefused("The selected file is empty")
    if len(content) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {describe_size(max_bytes)}")
    kind = sniff_kind(content, allowed_kinds, file_storage.filename)
    if kind is None:
        raise UploadRefused(f"The selected file must be {describe_kinds(allowed_kinds)}")
    return CheckedUpload(
        filename=safe_filename(file_storage.filename, kind),
        kind=kind,
        content_type=KINDS[kind].content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


class AcceptedUpload:
    """WTForms validator running check_upload; the checked file is left on the field as `upload`."""

    def __init__(self, kinds=EVIDENCE_KINDS, max_bytes=None):
        self.kinds = kinds
        self.max_bytes = max_bytes

    def __call__(self, form, field):
        max_bytes = self.max_bytes or current_app.config["EVIDENCE_MAX_BYTES"]
        try:
            field.upload = check_upload(field.data, self.kinds, max_bytes)
        except UploadRefused as refusal:
            field.upload = None
            raise ValidationError(str(refusal)) from refusal
