"""Evidence: files checked by their content and stored in the database, or links.

Files live in the evidence table so that every app server can serve them. A file is accepted
only when its content is one of the allowed kinds and agrees with its name: a program renamed
"report.pdf" is refused.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

import filetype
from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.common.uploads import UploadRefused, check_name
from tracker.extensions import db
from tracker.plan.errors import PlanError
from tracker.plan.models import EntryKind, Evidence
from tracker.plan.timeline import add_entry

ALLOWED_KINDS_TEXT = "a PDF, Word, Excel, PowerPoint, OpenDocument, image (JPEG, PNG, GIF or WebP) or text file"
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
OLE_EXTENSIONS = {"doc", "xls", "ppt"}
# Name ending -> (content type served, the kinds filetype may detect for it).
FILE_KINDS = {
    "pdf": ("application/pdf", {"pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx", "zip"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "zip"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx", "zip"}),
    "doc": ("application/msword", OLE_EXTENSIONS),
    "xls": ("application/vnd.ms-excel", OLE_EXTENSIONS),
    "ppt": ("application/vnd.ms-powerpoint", OLE_EXTENSIONS),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "odp": ("application/vnd.oasis.opendocument.presentation", {"odp"}),
    "rtf": ("application/rtf", {"rtf"}),
    "png": ("image/png", {"png"}),
    "jpg": ("image/jpeg", {"jpg"}),
    "jpeg": ("image/jpeg", {"jpg"}),
    "gif": ("image/gif", {"gif"}),
    "webp": ("image/webp", {"webp"}),
    "txt": ("text/plain; charset=utf-8", {None}),
    "csv": ("text/csv; charset=utf-8", {None}),
}
UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]+')


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, ready to store."""

    filename: str
    content_type: str
    data: bytes


def max_bytes():
    """The largest evidence file accepted, from the settings."""
    return current_app.config["EVIDENCE_MAX_BYTES"]


def size_text(count):
    """'10MB', '512KB': sizes as people say them."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + "MB"
    return f"{max(round(count / 1024), 1)}KB"


def clean_filename(name):
    """A file name safe to store and to send back: no folders, control or quoting characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = UNSAFE_NAME_CHARACTERS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    if len(name) > 150:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 140 - len(extension)] + dot + extension) if dot and len(extension) <= 8 else name[:150]
    return name or "evidence"


def read_upload(storage, limit=None):
    """The bytes of an uploaded file, refusing one over the size limit without reading it all."""
    limit = limit or max_bytes()
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise PlanError(f"The selected file must be smaller than {size_text(limit)}", "file")
    return storage.filename or "", data


def _is_text(data):
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    return controls <= len(text) // 100


def _ooxml_has_part(data, extension):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return OOXML_PARTS[extension] in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _content_matches(extension, data):
    detected = filetype.guess(data)
    kind = detected.extension if detected else None
    allowed = FILE_KINDS[extension][1]
    if kind not in allowed:
        return False
    if kind is None:
        return _is_text(data)
    if extension in OOXML_PARTS:
        return _ooxml_has_part(data, extension)
    return True


def check_file(filename, data, limit=None):
    """Accept an allowed kind of file whose content agrees with its name; refuse anything else."""
    limit = limit or max_bytes()
    name = clean_filename(filename)
    if not filename:
        raise PlanError("Select a file", "file")
    try:
        check_name(filename)
    except UploadRefused as refusal:
        raise PlanError(str(refusal), "file") from None
    if not data:
        raise PlanError("The selected file is empty", "file")
    if len(data) > limit:
        raise PlanError(f"The selected file must be smaller than {size_text(limit)}", "file")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in FILE_KINDS:
        raise PlanError(f"The selected file must be {ALLOWED_KINDS_TEXT}", "file")
    if not _content_matches(extension, data):
        raise PlanError(
            f"The selected file's content is not what its name says ({extension.upper()}). Upload {ALLOWED_KINDS_TEXT}",
            "file",
        )
    return CheckedFile(name, FILE_KINDS[extension][0], data)


def check_link(url):
    """Accept a web address starting http:// or https://; refuse anything a browser would run."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        raise PlanError("Enter a web address that starts with https://", "link")
    if len(url) > 2000:
        raise PlanError("The web address must be 2,000 characters or fewer", "link")
    return url


def _store(action, actor, *, description, update, closure_request, summary, changes, **stored):
    """Add an Evidence row against the action (and an update or closure request) and audit it."""
    evidence = Evidence(
        action=action,
        update=update,
        closure_request=closure_request,
        uploaded_by=actor,
        description=(description or "").strip(),
        **stored,
    )
    db.session.add(evidence)
    db.session.flush()
    record("evidence.added", actor=actor, obj=evidence, action=action, summary=summary, changes=changes)
    return evidence


def attach_file(action, actor, checked: CheckedFile, *, description="", update=None, closure_request=None):
    """Store a checked file against an action (and an update or closure request)."""
    return _store(
        action,
        actor,
        description=description,
        update=update,
        closure_request=closure_request,
        summary=f"File {checked.filename} added to {action.reference}",
        changes={"file": (None, checked.filename), "size": (None, len(checked.data))},
        is_link=False,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        content=checked.data,
    )


def attach_link(action, actor, url, *, description="", update=None, closure_request=None):
    """Store a checked link against an action (and an update or closure request)."""
    url = check_link(url)
    return _store(
        action,
        actor,
        description=description,
        update=update,
        closure_request=closure_request,
        summary=f"Link added to {action.reference}",
        changes={"link": (None, url)},
        is_link=True,
        url=url,
    )


def attach(action, actor, *, upload=None, link="", description="", update=None, closure_request=None):
    """Attach whichever was given: a checked file, a link, or both; return the evidence added."""
    where = {"description": description, "update": update, "closure_request": closure_request}
    added = []
    if upload is not None:
        added.append(attach_file(action, actor, upload, **where))
    if (link or "").strip():
        added.append(attach_link(action, actor, link, **where))
    return added


def add_evidence(action, actor, *, upload=None, link="", description=""):
    """Attach evidence to an action on its own, with a timeline entry that shows it."""
    if not action.can_add_evidence(actor):
        raise PermissionError("Only the owner, a lead of the owning department or the chair can add evidence")
    if upload is None and not (link or "").strip():
        raise PlanError("Select a file or enter a web address", "file")
    if (link or "").strip():
        check_link(link)
    entry = add_entry(action, actor, EntryKind.EVIDENCE_ADDED, (description or "").strip())
    return attach(action, actor, upload=upload, link=link, description=description, update=entry)


def all_evidence(action):
    """Every file and link attached to the action, newest first."""
    query = (
        select(Evidence)
        .where(Evidence.action_id == action.id)
        .order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())
    )
    return db.session.scalars(query).unique().all()
