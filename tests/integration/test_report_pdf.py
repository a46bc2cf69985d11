"""The PDF read back as a reader's software would: pages, numbering, marking, figures, tags, metadata."""

import hashlib
import inspect
import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.integration.report_history import AFTER_Q3, Q3, at, crafted_history
from tracker.plan.models import ActionUpdate
from tracker.reports import render
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.services import build_report
from tracker.reports.snapshot import build_snapshot


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
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp, "the PDF declares itself PDF/UA-1"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"], "readers show the title, not the file name"
    assert reader.metadata.title == "Victims' Code improvement plan: quarterly update, 2026/27 Q3"
    assert stored_report.sha256 == hashlib.sha256(stored_report.pdf).hexdigest()
    assert stored_report.pdf_size == len(stored_report.pdf)


def test_a_draft_says_so_on_its_cover_and_title(db, make):
    crafted_history(db, make)
    pdf = render_report_pdf(render_report_html(build_snapshot(Q3, today=AFTER_Q3), draft=True))
    reader = PdfReader(io.BytesIO(pdf))
    assert "Draft: not yet approved" in reader.pages[0].extract_text()
    assert reader.metadata.title.startswith("Draft: ")


def test_no_action_is_split_across_pages(db, make):
    """Each action's block (heading, ratings, latest commentary) and each table row keeps to one page."""
    lead = make.user("lead", name="Jordan Blake")
    for number in range(201, 261):
        action = make.action(
            owner=lead,
            reference=f"VV-{number}",
            title=f"Agree a shared approach to contact with victims, workstream {number}",
            start=date(2026, 5, 1),
            created_at=at(2026, 5, 1),
            due=date(2027, 9, 30),
            progress=50,
            last_update_at=at(2026, 12, 10),
            declared_rag="green",
        )
        db.session.add(
            ActionUpdate(
                action_id=action.id,
                author_id=lead.id,
                created_at=at(2026, 12, 10),
                kind="update",
                narrative=f"Commentary{number} " + "The group met the department team and agreed the next steps. " * 3,
                status="in_progress",
                progress=50,
                declared_rag="green",
            )
        )
    db.session.commit()
    reader = PdfReader(io.BytesIO(render_report_pdf(render_report_html(build_snapshot(Q3, today=AFTER_Q3)))))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]

    log_pages = set()
    for number in range(201, 261):
        [heading_page] = [i for i, text in enumerate(pages) if f"VV-{number}: Agree a shared" in text]
        assert f"Commentary{number} " in pages[heading_page], f"VV-{number}'s commentary runs onto the next page"
        log_pages.add(heading_page)
    assert len(log_pages) >= 3, "the log spans pages, so page breaks fall between blocks"


def test_the_report_is_laid_out_by_weasyprint_public_interface_alone(db, make):
    """No private WeasyPrint method is overridden: the stylesheet WeasyPrint ships lays the report out."""
    source = inspect.getsource(render)
    assert "_ua_stylesheets" not in source and "html5_ua" not in source
    crafted_history(db, make)
    reader = PdfReader(io.BytesIO(render_report_pdf(render_report_html(build_snapshot(Q3, today=AFTER_Q3)))))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "1. 2. 3. 4. 5. 6. 7. 8." in cover, "the contents list keeps its eight numbers"
