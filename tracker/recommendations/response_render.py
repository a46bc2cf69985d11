"""The response as one self-contained HTML document, and that document as a tagged A4 PDF.

The same machinery and standards as the quarterly report and the minutes: the report's stylesheet,
WeasyPrint's PDF/UA-1 output with the report's tag finisher, British English, the title shown by
readers, an outline from the headings and 'Page N of M' on every page.
"""

import re

from flask import current_app, render_template
from markupsafe import Markup

from tracker.common.dates import local_today
from tracker.recommendations.responses import document_title, entries
from tracker.reports.render import layout_report, report_css, write_report


def response_context(response, today=None):
    source = response.source
    today = today or local_today()
    return {
        "today": today,
        "response": response,
        "source": source,
        "source_title": response.title if response.approved else source.title,
        "source_published_on": response.source_published_on if response.approved else source.published_on,
        "title": document_title(response),
        "entries": entries(response, today),
        "marking": current_app.config["PROTECTIVE_MARKING"],
        "organisation": current_app.config["ORGANISATION_NAME"],
    }


def response_html(response):
    """The response as the PDF prints it."""
    return render_template(
        "recommendations/response_document.html", css=Markup(report_css()), **response_context(response)
    )


def response_pdf(response):
    """The response as a tagged PDF."""
    html = response_html(response)
    return write_report(layout_report(html), html)


def response_file_name(response):
    """'response-peel-2027-victim-service-assessment.pdf', with '-version-2' after the first."""
    title = response.title if response.approved else response.source.title
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].strip("-")
    version = "" if response.number == 1 else f"-version-{response.number}"
    return f"{'' if response.published else 'draft-'}response-{slug}{version}.pdf"
