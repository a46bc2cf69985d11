"""The agenda pack: the agenda as an accessible, tagged A4 PDF, laid out like the quarterly report.

Each item with why it is on the agenda; for an item about an action, the action as it stands:
owner, status, due date, its BRAG with the reasons the rules give, and its latest update.
"""

from datetime import date

from flask import current_app, render_template
from markupsafe import Markup

from tracker.common.dates import local_today, long_date
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.timeline import latest_update
from tracker.reports.render import RAG_LABELS, render_report_pdf, report_css, sentence

PACK_CSS = """
.ap-details { margin: 0 0 12pt; }
.app-report .ap-details p { margin: 0 0 2pt; }
.ap-item { break-inside: avoid; page-break-inside: avoid; margin: 0 0 10pt; }
.app-report .ap-item h2 { font-size: 13pt; margin: 8pt 0 3pt; }
.ap-reason { color: #383f43; }
"""


def pack_title(meeting):
    """'Agenda: Victims Code Champions meeting, 14 January 2027'."""
    return f"Agenda: {meeting.title}"


def file_name(meeting):
    """'agenda-victims-code-champions-meeting-2027-01-14.pdf'."""
    words = "".join(c if c.isalnum() else "-" for c in meeting.series.name.lower())
    slug = "-".join(part for part in words.split("-") if part)
    return f"agenda-{slug}-{meeting.held_on.isoformat()}.pdf"


def _action_facts(action, today, thresholds):
    result = rule_rag(action, today, thresholds)
    update = latest_update(action)
    due = f"Due {long_date(action.current_due_date)}"
    if action.current_due_date != action.original_due_date:
        due += f" (originally {long_date(action.original_due_date)})"
    declared = ""
    if action.is_open and action.declared_rag and action.declared_rag != result.rag:
        declared = f" Owner says {RAG_LABELS[action.declared_rag]}."
    return {
        "rag": result.rag,
        "brag": f"{RAG_LABELS[result.rag]}: {sentence('; '.join(result.reasons))}{declared}",
        "owner": f"{action.owner.name}, {action.department.name}. {action.status_label}, {action.progress}% done.",
        "due": sentence(due),
        "latest": (
            f"Latest update, {long_date(local_today(update.created_at))}, {update.author.name}: {update.narrative}"
            if update is not None
            else "No progress update yet."
        ),
    }


def pack_items(meeting, today=None):
    """The agenda's items in order, each with the facts the pack shows."""
    today, thresholds = today or local_today(), current_thresholds()
    rows = []
    for item in sorted(meeting.items, key=lambda each: each.position):
        facts = _action_facts(item.action, today, thresholds) if item.action is not None else None
        rows.append({"item": item, "facts": facts})
    return rows


def pack_html(meeting, today=None):
    """The agenda pack as one self-contained HTML document."""
    today = today or local_today()
    return render_template(
        "meetings/agenda_pack.html",
        css=Markup(report_css() + PACK_CSS),
        meeting=meeting,
        title=pack_title(meeting),
        rows=pack_items(meeting, today),
        marking=current_app.config["PROTECTIVE_MARKING"],
        organisation=current_app.config["ORGANISATION_NAME"],
        prepared_on=long_date(today),
        built_on=today.isoformat() if isinstance(today, date) else "",
        sentence=sentence,
    )


def pack_pdf(meeting, today=None) -> bytes:
    """The agenda pack as a tagged PDF (PDF/UA-1) with its title, language, outline and page numbers."""
    return render_report_pdf(pack_html(meeting, today))
