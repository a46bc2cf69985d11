"""An administrator uploads, replaces and removes the organisation's logo; the report's cover shows it."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tests.integration.test_report_pdf import StructureTree
from tests.visible import banner, error_messages, visible_text
from tracker.admin.models import OrganisationLogo
from tracker.audit.models import AuditEvent
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.snapshot import build_snapshot

ORGANISATION = "Office of the Police and Crime Commissioner"
SAFE_SVG = (
    b'<?xml version="1.0"?>\n<!-- drawn by hand -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
    b'<defs><linearGradient id="g"><stop offset="0" stop-color="#1d70b8"/></linearGradient></defs>'
    b'<rect width="120" height="40" fill="url(#g)"/><text x="8" y="26">OPCC</text></svg>'
)
REFUSED_SVG = {
    "script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "scripts"),
    "event handler": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "scripts"),
    "embedded page": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>Hi</p></foreignObject></svg>',
        "scripts",
    ),
    "external image": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://example.org/track.png"/></svg>',
        "link",
    ),
    "external style": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://example.org/a.css);</style></svg>',
        "link",
    ),
    "external fill": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x/y#p)"/></svg>', "link"),
    "entity": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
        "kind",
    ),
}
MESSAGES = {
    "scripts": "The SVG must not contain scripts, embedded pages or animations",
    "link": "The SVG must not link to other files or web addresses",
    "kind": "The selected file must be a PNG or SVG image",
}


def png(width=240, height=80):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#1d70b8").save(buffer, "PNG")
    return buffer.getvalue()


def send(client, content, name, url="/admin/logo"):
    return client.post(url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def logos(db):
    return db.session.scalar(select(func.count()).select_from(OrganisationLogo))


def verbs(db):
    return db.session.scalars(
        select(AuditEvent.verb).where(AuditEvent.verb.like("logo.%")).order_by(AuditEvent.id)
    ).all()


def test_an_admin_uploads_replaces_and_removes_the_logo(client, auth, db):
    auth.sign_in("admin")
    page = client.get("/admin/logo").get_data(as_text=True)
    assert "There is no logo. Reports have the organisation's name on the cover only." in visible_text(page)

    response = send(client, png(), "opcc-logo.png")
    page = client.get(response.location).get_data(as_text=True)
    assert banner(page) == "Logo uploaded. Reports built from now on show it on the cover."
    assert "opcc-logo.png, " in visible_text(page) and 'src="data:image/png;base64,' in page

    page = client.get(send(client, SAFE_SVG, "opcc.svg").location).get_data(as_text=True)
    assert banner(page) == "Logo replaced. Reports built from now on show it on the cover."
    stored = db.session.scalar(select(OrganisationLogo))
    assert stored.content_type == "image/svg+xml" and stored.filename == "opcc.svg"
    assert b"<!--" not in stored.content and b"<?xml" not in stored.content and b"<rect" in stored.content

    response = client.post("/admin/logo/remove", data={})
    page = client.get(response.location).get_data(as_text=True)
    assert banner(page) == "Logo removed. Reports built from now on have no logo."
    assert logos(db) == 0
    assert verbs(db) == ["logo.uploaded", "logo.replaced", "logo.removed"]


@pytest.mark.parametrize("case", sorted(REFUSED_SVG))
def test_an_unsafe_svg_is_refused_and_nothing_is_stored(client, auth, db, case):
    auth.sign_in("admin")
    content, message = REFUSED_SVG[case]
    response = send(client, content, "logo.svg")
    assert response.status_code == 400
    assert error_messages(response.get_data(as_text=True)) == [MESSAGES[message]]
    assert logos(db) == 0 and verbs(db) == []


def test_the_kind_is_read_from_the_content_not_the_name(client, auth, db):
    auth.sign_in("admin")
    refused = send(client, b"just some text, not an image", "logo.png")
    assert error_messages(refused.get_data(as_text=True)) == ["The selected file must be a PNG or SVG image"]
    assert send(client, png(), "logo.svg").status_code == 302
    assert db.session.scalar(select(OrganisationLogo.content_type)) == "image/png"


def test_the_cover_shows_the_logo_with_the_organisation_as_its_text(client, auth, db, make):
    crafted_history(db, make)
    auth.sign_in("admin")
    send(client, png(), "opcc-logo.png")
    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert snapshot["logo"]["alt"] == f"{ORGANISATION} logo"
    tree = StructureTree(PdfReader(io.BytesIO(render_report_pdf(render_report_html(snapshot)))))
    [logo] = [figure for figure in tree.of_type("/Figure") if tree.page_of(figure) == 0]
    assert str(logo["/Alt"]) == f"{ORGANISATION} logo"
    left, bottom, right, top = (float(value) for value in logo["/A"]["/BBox"])
    assert 0 < left < right < 595.3 and 600 < bottom < top < 841.9, "at the top of the cover"


def test_a_stored_svg_keeps_its_own_namespace_whatever_else_registered_one(db):
    from xml.etree.ElementTree import register_namespace

    from tracker.admin.logo import safe_svg

    # openpyxl and others take the default prefix in ElementTree's process-wide registry.
    register_namespace("", "http://schemas.openxmlformats.org/spreadsheetml/2006/main")
    stored = safe_svg(SAFE_SVG)
    assert stored.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"')
    assert b"ns0:" not in stored and b"<!--" not in stored
