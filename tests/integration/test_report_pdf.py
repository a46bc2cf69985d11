"""The PDF read back as a reader's software would: pages, numbering, marking, figures, tags, metadata."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.services import build_report


@pytest.fixture()
def marking(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")
    monkeypatch.setitem(app.config, "SUBGROUP_NAME", "Victims and Witnesses subgroup of the Northshire LCJB")
    return "OFFICIAL-SENSITIVE"


@pytest.fixture()
def stored_report(db, make, marking):
    crafted_history(db, make)
    report = build_report(Q3, today=AFTER_Q3)
    db.session.commit()
    return report


def test_every_page_is_numbered_and_marked(stored_report, marking):
    reader = PdfReader(io.BytesIO(stored_report.pdf))
    count = len(reader.pages)
    assert count >= 6, "cover, summary, priorities, rights, exceptions, completed, log and method"
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {count}" in text, f"page {number} lacks its number"
        assert text.count(marking) >= 2, f"page {number} lacks the marking at top and bottom"
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.28, 841.89), abs=0.5)


def test_cover_and_figures_are_searchable_text(stored_report):
    reader = PdfReader(io.BytesIO(stored_report.pdf))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Victims' Code improvement plan: quarterly update" in cover
    assert "2026/27 Q3: 1 October 2026 to 31 December 2026" in cover
    assert "For the Victims and Witnesses subgroup of the Northshire LCJB" in cover
    assert "Prepared on 8 January 2027" in cover and "Draft" not in cover
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "the plan had 6 actions: 3 Red, 0 Amber, 2 Green and 1 Blue (complete)" in text
    assert "1 new action was added, 1 completed, 2 turned Red, 1 recovered from Red" in text
    assert "VV-104: Train call handlers on interpreters" in text


def structure_types(node, found=None):
    """Every structure type (/H1, /Table, /Figure ...) in a tagged PDF's structure tree, counted."""
    found = {} if found is None else found
    node = node.get_object()
    if hasattr(node, "get"):
        if node.get("/S"):
            found[node["/S"]] = found.get(node["/S"], 0) + 1
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else ([kids] if kids is not None else []):
            if hasattr(kid, "get_object"):
                structure_types(kid, found)
    return found


def test_pdf_is_tagged_titled_and_in_british_english(stored_report):
    reader = PdfReader(io.BytesIO(stored_report.pdf))
    root = reader.trailer["/Root"]
    tags = structure_types(root["/StructTreeRoot"])
    assert tags["/H1"] == 1 and tags["/H2"] >= 8 and tags["/H3"] >= 7, "headings give the document its outline"
    assert tags["/Table"] >= 3 and tags["/TH"] > 0 and tags["/Figure"] == 3, "tables have headers; charts are figures"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Victims' Code improvement plan: quarterly update, 2026/27 Q3"
    assert stored_report.sha256 == hashlib.sha256(stored_report.pdf).hexdigest()
    assert stored_report.pdf_size == len(stored_report.pdf)


def test_a_draft_says_so_on_its_cover_and_title(db, make):
    crafted_history(db, make)
    from tracker.reports.snapshot import build_snapshot

    pdf = render_report_pdf(render_report_html(build_snapshot(Q3, today=AFTER_Q3), draft=True))
    reader = PdfReader(io.BytesIO(pdf))
    assert "Draft: not yet approved" in reader.pages[0].extract_text()
    assert reader.metadata.title.startswith("Draft: ")
