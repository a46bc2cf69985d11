"""The minutes as one self-contained HTML document, and that document as a tagged A4 PDF.

The same machinery and standards as the quarterly report: its stylesheet, WeasyPrint's PDF/UA-1
output with the report's tag finisher (links described in words), British English, the title
shown by readers, an outline from the headings and 'Page N of M' on every page.
"""

from datetime import date

from flask import current_app, render_template
from markupsafe import Markup

from tracker.reports.render import layout_report, report_css, write_report


def document_title(minutes):
    """'Minutes: Victims Code Champions meeting, 14 January 2027', with 'Draft minutes' before approval."""
    return f"{'Minutes' if minutes.approved else 'Draft minutes'}: {minutes.meeting.title}"


def arising_due(row):
    return date.fromisoformat(row["due"])


def minutes_context(minutes):
    return {
        "minutes": minutes,
        "meeting": minutes.meeting,
        "title": document_title(minutes),
        "marking": current_app.config["PROTECTIVE_MARKING"],
        "organisation": current_app.config["ORGANISATION_NAME"],
        "lines": minutes.lines,
        "arising_due": arising_due,
    }


def minutes_html(minutes):
    """The minutes as the PDF prints them."""
    return render_template("meetings/minutes_document.html", css=Markup(report_css()), **minutes_context(minutes))


def minutes_pdf(minutes):
    """The minutes as a tagged PDF."""
    html = minutes_html(minutes)
    return write_report(layout_report(html), html)
