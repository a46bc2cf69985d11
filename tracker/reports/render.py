"""Turn a report snapshot into HTML, and that HTML into a tagged A4 PDF with WeasyPrint.

render_report_html(snapshot) and render_report_pdf(html) are separate so that the same HTML can be
printed by another engine for comparison, and so that a stored report is rebuilt from its snapshot.
"""

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from types import SimpleNamespace
from xml.sax.saxutils import escape

from flask import render_template
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tracker.common.charts import brag_series, stacked_bar_chart
from tracker.common.dates import long_date
from tracker.common.narrow_charts import for_every_width, narrow_stacked_bar_chart
from tracker.common.templating import pluralise
from tracker.compliance.gap import gap_movement
from tracker.reports.pdf_tags import tag_finisher
from tracker.reports.snapshot import RAG_ORDER

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue"}
MOVEMENT_LABELS = {
    "new": "New actions",
    "completed": "Completed",
    "turned_red": "Turned Red",
    "recovered": "Recovered from Red",
    "extended": "Given a later due date",
}
_CHART_ID = re.compile(r"\bchart(\d+)(?=-)")
_SVG_TITLE = re.compile(r"(<title id=\"[^\"]*\">)(.*?)(</title>)", re.DOTALL)


@lru_cache(maxsize=1)
def report_css():
    """The report's stylesheet, read from the package so that rendering needs no network or server."""
    return resources.files("tracker").joinpath("static/report.css").read_text(encoding="utf-8")


def iso_date(value):
    """'31 December 2026' from an ISO date string in a snapshot."""
    return long_date(date.fromisoformat(value)) if value else ""


def percent(value):
    """'82.5%', or 'Not recorded'."""
    if value is None:
        return "Not recorded"
    return f"{float(value):.1f}".removesuffix(".0") + "%"


def points(value):
    """A gap or change in percentage points: '12.5 points', '1 point', or 'No gap'."""
    if value is None:
        return "No gap"
    number = f"{abs(float(value)):.1f}".removesuffix(".0")
    sign = "-" if float(value) < 0 else ""
    return f"{sign}{number} point{'' if number == '1' else 's'}"


def sentence(text):
    """Text ending in a full stop, unless it already ends in punctuation."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _and_list(parts):
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_sentences(snapshot):
    """The executive summary's figures written as sentences."""
    summary, moved = snapshot["summary"], snapshot["movement"]
    counts = summary["by_rag"]
    colours = [f"{counts[rag]} {RAG_LABELS[rag]}" for rag in RAG_ORDER]
    sentences = [
        f"At {iso_date(snapshot['as_at'])} the plan had {pluralise(summary['total'], 'action')}: "
        f"{_and_list(colours)} (complete)."
    ]
    changes = [
        pluralise(len(moved["new"]), "new action") + (" was" if len(moved["new"]) == 1 else " were") + " added",
        f"{len(moved['completed'])} completed",
        f"{len(moved['turned_red'])} turned Red",
        f"{len(moved['recovered'])} recovered from Red",
        f"{len(moved['extended'])} given a later due date",
    ]
    sentences.append(f"Since {moved['previous_quarter']}, {_and_list(changes)}.")
    if summary["overdue"]:
        verb = "is" if summary["overdue"] == 1 else "are"
        sentences.append(f"{pluralise(summary['overdue'], 'open action')} {verb} past the due date.")
    else:
        sentences.append("No open action is past its due date.")
    if summary["disagree"]:
        sentences.append(
            f"For {pluralise(summary['disagree'], 'open action')} the owner's own rating differs from the "
            "rating the rules give; the action log shows both."
        )
    sentences.append(f"Owners posted {pluralise(summary['updates_in_quarter'], 'progress update')} this quarter.")
    return sentences


def brag_figures(counts):
    """'Red 4, Amber 10, Green 20, Blue 6'."""
    return ", ".join(f"{RAG_LABELS[rag]} {counts.get(rag, 0)}" for rag in RAG_ORDER)


def _chart(title, description, categories, counts, label_width, screen=False):
    # The title is the chart's alternative text in the PDF, so it carries the figures themselves.
    title = f"{title}: " + "; ".join(f"{category}: {brag_figures(counts.get(category, {}))}" for category in categories)
    series = brag_series(counts, categories)
    wide = stacked_bar_chart(
        title, description, categories, series, label_width=label_width, width=720, segment_titles=False
    )
    # On screen the report is read at any width too; the PDF keeps the wide chart alone.
    return for_every_width(wide, narrow_stacked_bar_chart(title, description, categories, series)) if screen else wide


def report_charts(snapshot, screen=False):
    """The report's SVG charts, drawn from the snapshot; on screen, each with its narrow layout too."""
    moved = snapshot["movement"]
    quarters = [moved["previous_quarter"], snapshot["quarter"]]
    summary = _chart(
        f"Actions by BRAG rating, {quarters[0]} and {quarters[1]}",
        "Stacked bars of Red, Amber, Green and Blue actions at the end of each quarter; "
        "the table that follows gives the same figures.",
        quarters,
        {quarters[0]: moved["previous_by_rag"], quarters[1]: snapshot["summary"]["by_rag"]},
        label_width=120,
        screen=screen,
    )
    priorities = {f"Priority {p['number']}": p["by_rag"] for p in snapshot["priorities"]}
    rights = {f"Right {r['number']}": r["by_rag"] for r in snapshot["rights"]}
    return {
        "summary": summary,
        "priorities": _chart(
            "Actions by priority and BRAG rating",
            "Stacked bars per Task and Finish priority; the table that follows gives the same figures.",
            list(priorities),
            priorities,
            label_width=110,
            screen=screen,
        ),
        "rights": _chart(
            "Actions by Victims' Code right and BRAG rating",
            "Stacked bars per right; the table that follows gives the same figures.",
            list(rights),
            rights,
            label_width=90,
            screen=screen,
        ),
        "compliance": _compliance_chart(snapshot.get("compliance") or {}, screen),
    }


def compliance_figures(rows):
    """'Right 3: self-assessed 80%, victims' voice 62%; ...' for the rights with a figure recorded."""
    return "; ".join(
        f"Right {row['right_number']}: self-assessed {percent(row.get('self_figure'))}, "
        f"victims' voice {percent(row.get('voice_percent'))}"
        for row in rows
        if row.get("self_figure") is not None or row.get("voice_percent") is not None
    )


def _with_figures_in_title(svg, figures):
    # The chart is stored in the snapshot as drawn; its title, the PDF's alternative text, gains the
    # figures when the report is rendered.
    if not figures:
        return svg
    return _SVG_TITLE.sub(lambda m: m[1] + m[2] + escape(": " + figures) + m[3], svg, count=1)


def _compliance_chart(compliance, screen):
    # The wide chart is kept in the snapshot as drawn; on screen its narrow layout is drawn from the
    # snapshot's rows beside it.
    wide = Markup(
        _with_figures_in_title(compliance.get("chart") or "", compliance_figures(compliance.get("rows") or []))
    )
    if not (screen and wide and compliance.get("rows")):
        return wide
    from tracker.compliance.services import narrow_gap_chart

    rows = [SimpleNamespace(**row, right_label=f"Right {row['right_number']}") for row in compliance["rows"]]
    return for_every_width(wide, narrow_gap_chart(rows))


def movement_groups(snapshot):
    """Each kind of movement with its label and the moved actions' rows (reference, title, owner)."""
    by_reference = {row["reference"]: row for row in snapshot["actions"]}
    moved = snapshot["movement"]
    return [
        (label, [by_reference.get(reference, {"reference": reference}) for reference in moved[kind]])
        for kind, label in MOVEMENT_LABELS.items()
    ]


def approval_line(snapshot):
    """'Approved by Sam Patel, Chair of the Victims Code Champions meeting, on 5 January 2027.'"""
    approval = snapshot.get("approval")
    if not approval:
        return "Not yet approved."
    return f"Approved by {approval['name']}, {approval['role']}, on {iso_date(approval['on'])}."


def report_context(snapshot, *, draft=False, screen=False):
    """What the report templates need: the snapshot, its charts (screen: for a web page) and sentences."""
    return {
        "s": snapshot,
        "draft": draft,
        "charts": report_charts(snapshot, screen=screen),
        "sentences": summary_sentences(snapshot),
        "rag_order": RAG_ORDER,
        "rag_labels": RAG_LABELS,
        "movement_labels": MOVEMENT_LABELS,
        "movement_groups": movement_groups(snapshot),
        "approval_line": approval_line(snapshot),
        "iso_date": iso_date,
        "sentence": sentence,
        "percent": percent,
        "points": points,
        "gap_movement": gap_movement,
    }


def _renumber_charts(html):
    # Chart ids come from a process-wide counter; renumbering them makes one snapshot always give
    # the same HTML, whenever and however often it is rendered.
    numbers = {}
    return _CHART_ID.sub(lambda m: f"chart{numbers.setdefault(m[1], len(numbers) + 1)}", html)


def render_report_html(snapshot, *, draft=False) -> str:
    """The report as one self-contained HTML document, rendered from the snapshot alone."""
    html = render_template("reports/document.html", css=Markup(report_css()), **report_context(snapshot, draft=draft))
    return _renumber_charts(html)


class NoNetworkFetcher(URLFetcher):
    """Fetch nothing from outside: the report's styles and charts are inline."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"The report does not fetch {url}")


def layout_report(html):
    """Lay the HTML out as A4 pages; the slow part of making the PDF."""
    return HTML(string=html, url_fetcher=NoNetworkFetcher()).render()


def write_report(document, html) -> bytes:
    """Write the pages laid out from the HTML as a tagged PDF (PDF/UA-1) with title and language."""
    return document.write_pdf(pdf_variant="pdf/ua-1", finisher=tag_finisher(html))


def render_report_pdf(html) -> bytes:
    """The PDF of the report HTML."""
    return write_report(layout_report(html), html)
