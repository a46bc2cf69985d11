"""The organisation's logo for the report's cover: checked by its content, made safe, stored, audited.

A PNG must really be a PNG that opens. An SVG must be an SVG drawing and nothing more: no scripts,
event handlers, embedded pages or links to other files, so that neither a browser nor the PDF
renderer runs or fetches anything. It is stored as re-written from its parsed drawing, which leaves
out comments, processing instructions and any document type declaration.
"""

import base64
import hashlib
import io
import re
from xml.etree.ElementTree import ParseError

import filetype
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from defusedxml.minidom import parseString as minidom_parse
from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from tracker.admin.models import OrganisationLogo
from tracker.audit.services import record
from tracker.common.uploads import UploadRefused, check_name, describe_size, safe_filename
from tracker.extensions import db

SVG = "{http://www.w3.org/2000/svg}"
MAX_SIDE = 5000
# Elements that run code, embed another document or media, or animate attributes into links.
UNSAFE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
UNSAFE_ELEMENTS |= {"animate", "set", "animatetransform", "animatemotion"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def _local(name):
    return name.rsplit("}", 1)[-1].lower()


def _refers_elsewhere(value):
    return any(not target.startswith("#") for target in _URL.findall(value)) or "@import" in value.lower()


def _svg_problem(root):
    if root.tag != f"{SVG}svg":
        return "The selected file must be a PNG or SVG image"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _local(element.tag) in UNSAFE_ELEMENTS:
            return "The SVG must not contain scripts, embedded pages or animations"
        if _local(element.tag) == "style" and _refers_elsewhere(element.text or ""):
            return "The SVG must not link to other files or web addresses"
        for name, value in element.attrib.items():
            if _local(name).startswith("on"):
                return "The SVG must not contain scripts, embedded pages or animations"
            if _local(name) == "href" and not value.strip().startswith("#"):
                return "The SVG must not link to other files or web addresses"
            if _refers_elsewhere(value):
                return "The SVG must not link to other files or web addresses"
    return None


def safe_svg(content):
    """The SVG drawing re-written from its parsed elements, or UploadRefused saying what is wrong."""
    try:
        root = fromstring(content, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise UploadRefused("The selected file must be a PNG or SVG image") from error
    problem = _svg_problem(root)
    if problem:
        raise UploadRefused(problem)
    # Written out by minidom, which keeps the namespace declarations as they were: ElementTree's
    # prefixes come from a process-wide registry that other code (openpyxl) also writes to.
    document = minidom_parse(content, forbid_dtd=True)
    _drop_comments(document.documentElement)
    return document.documentElement.toxml(encoding="utf-8")


def _drop_comments(node):
    for child in list(node.childNodes):
        if child.nodeType in (child.COMMENT_NODE, child.PROCESSING_INSTRUCTION_NODE):
            node.removeChild(child)
        else:
            _drop_comments(child)


def _checked_png(content):
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UploadRefused("The selected PNG image cannot be opened. Save it again and upload it") from error
    if max(width, height) > MAX_SIDE:
        raise UploadRefused(f"The image must be no more than {MAX_SIDE} pixels wide or high")
    return content


def check_logo(file_storage):
    """(filename, content type, content) of an uploaded logo, or UploadRefused saying what is wrong."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadRefused("Select a PNG or SVG image")
    check_name(file_storage.filename)
    limit = current_app.config["LOGO_MAX_BYTES"]
    content = file_storage.stream.read(limit + 1)
    if not content:
        raise UploadRefused("The selected file is empty")
    if len(content) > limit:
        raise UploadRefused(f"The logo must be smaller than {describe_size(limit)}")
    guess = filetype.guess(content)
    if guess is not None and guess.extension == "png":
        return safe_filename(file_storage.filename, "png"), "image/png", _checked_png(content)
    if guess is not None:
        raise UploadRefused("The selected file must be a PNG or SVG image")
    name = file_storage.filename.rsplit(".", 1)[0][:250] + ".svg"
    return name, "image/svg+xml", safe_svg(content)


def organisation():
    """The organisation whose logo the report shows."""
    return current_app.config["ORGANISATION_NAME"]


def current_logo():
    """The organisation's logo, or None."""
    return db.session.scalar(select(OrganisationLogo).where(OrganisationLogo.organisation == organisation()))


def save_logo(upload, user):
    """Store the checked logo as the organisation's, replacing any before it."""
    filename, content_type, content = upload
    logo = current_logo()
    before = logo.filename if logo else None
    if logo is None:
        logo = OrganisationLogo(organisation=organisation())
        db.session.add(logo)
    logo.filename, logo.content_type, logo.content = filename, content_type, content
    logo.size, logo.sha256 = len(content), hashlib.sha256(content).hexdigest()
    logo.uploaded_by_id = user.id
    db.session.flush()
    verb = "logo.replaced" if before else "logo.uploaded"
    summary = f"{'Replaced' if before else 'Uploaded'} the report logo: {filename}"
    record(verb, obj=logo, summary=summary, changes={"filename": (before, filename)}, actor=user)
    return logo


def remove_logo(logo, user):
    """Take the logo off the report's cover."""
    record(
        "logo.removed",
        obj=logo,
        summary=f"Removed the report logo: {logo.filename}",
        changes={"filename": (logo.filename, None)},
        actor=user,
    )
    db.session.delete(logo)
    db.session.flush()


def data_uri(logo):
    """The logo as a data: address, for the report and the admin page to show without a request."""
    return f"data:{logo.content_type};base64," + base64.b64encode(logo.content).decode("ascii")


def logo_for_report():
    """The logo as a report's snapshot keeps it, or None when there is none."""
    logo = current_logo()
    if logo is None:
        return None
    return {"src": data_uri(logo), "alt": f"{organisation()} logo"}
