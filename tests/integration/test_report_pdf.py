"""The PDF read back as a reader's software would: pages, numbering, marking, figures, tags, metadata."""

import hashlib
import inspect
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from tests.integration.report_history import AFTER_Q3, Q3, at, crafted_history
from tracker.compliance.models import ComplianceAssessment
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
    assert "Draft as at 8 January 2027: not yet approved" in reader.pages[0].extract_text()
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


def marked_text(page):
    """{marked-content id: text} for one page: the text each tag of the page's structure points to."""
    texts, stack = {}, []

    def before(operator, args, cm, tm):
        if operator == b"BDC":
            properties = args[1] if len(args) > 1 else None
            stack.append(properties.get("/MCID") if isinstance(properties, DictionaryObject) else None)
        elif operator == b"BMC":
            stack.append(None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(found, cm, tm, font, size):
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None:
            texts[mcid] = texts.get(mcid, "") + found

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


class StructureTree:
    """A tagged PDF's structure elements, each with the text it tags, read back as a screen reader would."""

    def __init__(self, reader):
        self.reader = reader
        self.pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
        self._texts = {}

    def _page_text(self, number):
        if number not in self._texts:
            self._texts[number] = marked_text(self.reader.pages[number])
        return self._texts[number]

    def elements(self, node=None):
        """Every structure element, depth first."""
        node = (node or self.reader.trailer["/Root"]["/StructTreeRoot"]).get_object()
        if node.get("/S"):
            yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(getattr(kid, "get_object", None) and kid.get_object(), DictionaryObject) and (
                "/S" in kid.get_object()
            ):
                yield from self.elements(kid)

    def text(self, element, page=None):
        """The text an element tags, whitespace collapsed."""
        page = self.page_of(element) if "/Pg" in element else page
        parts = []
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                parts.append(self._page_text(page).get(kid, ""))
            elif hasattr(kid, "get_object") and "/S" in kid.get_object():
                parts.append(self.text(kid.get_object(), page))
        return " ".join(" ".join(parts).split())

    def page_of(self, element):
        """The index of the page an element is on."""
        return self.pages[element.raw_get("/Pg").idnum]

    def of_type(self, kind):
        return [element for element in self.elements() if element["/S"] == kind]


@pytest.fixture()
def tree(stored_report):
    return StructureTree(PdfReader(io.BytesIO(stored_report.pdf)))


def test_charts_alternative_text_gives_their_figures(tree):
    alts = [str(figure["/Alt"]) for figure in tree.of_type("/Figure")]
    assert alts[0] == (
        "Actions by BRAG rating, 2026/27 Q2 and 2026/27 Q3: "
        "2026/27 Q2: Red 3, Amber 0, Green 3, Blue 0; 2026/27 Q3: Red 3, Amber 0, Green 2, Blue 1"
    )
    assert alts[1].startswith("Actions by priority and BRAG rating: Priority 1: Red ")
    assert alts[2].startswith("Actions by Victims' Code right and BRAG rating: Right 1: Red ")


def test_figure_boxes_lie_within_their_pages(tree):
    for figure in tree.of_type("/Figure"):
        page = tree.reader.pages[tree.page_of(figure)]
        left, bottom, right, top = (float(value) for value in figure["/A"]["/BBox"])
        assert 0 <= left < right <= float(page.mediabox.width), f"{figure['/Alt'][:40]}: {left}-{right}"
        assert 0 <= bottom < top <= float(page.mediabox.height), f"{figure['/Alt'][:40]}: {bottom}-{top}"


def test_what_moved_is_a_list_of_actions_under_each_kind_of_movement(tree):
    headings = [tree.text(h4) for h4 in tree.of_type("/H4")]
    assert headings == [
        "New actions: 1",
        "Completed: 1",
        "Turned Red: 2",
        "Recovered from Red: 1",
        "Given a later due date: 1",
    ]
    items = [tree.text(li) for li in tree.of_type("/LI")]
    assert "• VV-102: Set investigation update contracts. Owner: Jordan Blake, Contact Management." in items
    assert "• VV-104: Train call handlers on interpreters. Owner: Jordan Blake, Contact Management." in items


def test_the_quarter_is_part_of_the_title_not_a_paragraph(tree):
    [title] = tree.of_type("/H1")
    assert tree.text(title) == (
        "Victims' Code improvement plan: quarterly update 2026/27 Q3: 1 October 2026 to 31 December 2026"
    )
    paragraphs = [tree.text(p) for p in tree.of_type("/P")]
    assert not any(text.startswith("2026/27 Q3: 1 October") for text in paragraphs)


def test_contents_links_are_described_in_words_and_give_page_numbers(stored_report, tree):
    reader = tree.reader
    links = [annotation.get_object() for annotation in reader.pages[0]["/Annots"]]
    assert [str(link["/Contents"]) for link in links] == [
        "Summary and movement since 2026/27 Q2",
        "Decisions for the subgroup",
        "Progress by priority",
        "Coverage of the Victims' Code rights",
        "Exceptions: Red and overdue actions",
        "Completed this quarter",
        "Appendix A: full action log",
        "Appendix B: how BRAG ratings are worked out",
    ]
    entries = [tree.text(li) for li in tree.of_type("/LI") if tree.page_of(li) == 0]
    headings = {tree.text(h2): tree.page_of(h2) + 1 for h2 in tree.of_type("/H2")}
    for number, entry in enumerate(entries, start=1):
        title, page = re.fullmatch(rf"{number}\. (.+) (\d+)", entry).groups()
        assert headings[title] == int(page), f"{title} is on page {headings[title]}, not {page}"


def headings_ending_a_page(tree):
    """The headings whose next element starts on a later page."""
    ending = []
    for heading in [e for e in tree.elements() if e["/S"] in ("/H2", "/H3", "/H4")]:
        kids = [kid.get_object() for kid in heading["/P"]["/K"] if hasattr(kid, "get_object")]
        following = kids[[kid.indirect_reference for kid in kids].index(heading.indirect_reference) + 1 :]
        if following and tree.page_of(following[0]) != tree.page_of(heading):
            ending.append(tree.text(heading))
    return ending


@pytest.mark.parametrize("new_actions", [0, 24, 39])
def test_a_heading_never_ends_a_page(db, make, new_actions):
    """Each heading shares its page with what follows it, however long the lists before it run."""
    crafted_history(db, make)
    lead = make.user("lead", name="Robin Ellis")
    for number in range(new_actions):
        make.action(
            owner=lead,
            reference=f"VV-{300 + number}",
            title=f"Write to victims about the outcome of their case, area {number}",
            start=date(2026, 10, 5),
            created_at=at(2026, 10, 5),
            due=date(2027, 9, 30),
        )
    for number in range(1, 13):
        db.session.add(
            ComplianceAssessment(
                right_id=make.right(number).id,
                quarter=Q3.label,
                self_percent=Decimal(80),
                voice_percent=Decimal(40 + 3 * number),
                voice_sample=60,
            )
        )
    db.session.commit()
    tree = StructureTree(
        PdfReader(io.BytesIO(render_report_pdf(render_report_html(build_snapshot(Q3, today=AFTER_Q3)))))
    )
    assert headings_ending_a_page(tree) == []
    [compliance] = [h3 for h3 in tree.of_type("/H3") if tree.text(h3) == "Compliance and victims' voice"]
    [chart] = [f for f in tree.of_type("/Figure") if str(f["/Alt"]).startswith("Self-assessed compliance")]
    assert tree.page_of(chart) == tree.page_of(compliance), "the heading stays with its chart"
