"""The data of a quarter's report, frozen as plain JSON: everything the report shows, nothing more.

The report's HTML is rendered from this snapshot alone, so a stored report can be rebuilt from
its snapshot and never changes when the plan changes afterwards.
"""

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from tracker.admin.logo import logo_for_report
from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.models import OPEN_STATUSES, Action, Rag, Status
from tracker.reference.models import CodeRight, Priority
from tracker.reports import history
from tracker.reports.models import ReportNotes
from tracker.reports.movement import movement

SNAPSHOT_VERSION = 1
REPORT_TITLE = "Victims' Code improvement plan: quarterly update"
OPEN_STATUS_VALUES = {status.value for status in OPEN_STATUSES}
RAG_ORDER = (Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value)


def build_snapshot(quarter, *, today=None, progress=None) -> dict:
    """Read the plan as at the quarter's end (or today, for the current quarter) into plain data.

    progress, when given, is called with 1 as each action is read, for progress displays.
    """
    today = today or local_today()
    as_at = min(quarter.end, today)
    thresholds = current_thresholds()
    actions = actions_existing_on(as_at)
    timeline = history.load_timeline(a.id for a in actions)
    rights = _rights()
    rows = []
    for action in actions:
        rows.append(_action_row(action, quarter, as_at, timeline, thresholds, rights))
        if progress:
            progress(1)
    config = current_app.config
    return {
        "version": SNAPSHOT_VERSION,
        "title": REPORT_TITLE,
        "quarter": quarter.label,
        "quarter_start": quarter.start.isoformat(),
        "quarter_end": quarter.end.isoformat(),
        "as_at": as_at.isoformat(),
        "built_on": today.isoformat(),
        "organisation": config["ORGANISATION_NAME"],
        "subgroup": config["SUBGROUP_NAME"],
        "marking": config["PROTECTIVE_MARKING"],
        "logo": logo_for_report(),
        "thresholds": asdict(thresholds),
        "summary": _summary(rows),
        "movement": movement(quarter, rows, actions, timeline, thresholds),
        "priorities": _priority_rows(rows),
        "rights": _right_rows(rows, rights),
        "compliance": compliance_section(quarter),
        "decisions": decisions_for(quarter),
        "meetings": meetings_for(quarter, as_at),
        "recommendations": recommendations_for(quarter, as_at),
        "actions": rows,
    }


def actions_existing_on(day: date):
    """Every action created on or before the day, in reference order."""
    query = (
        select(Action)
        .where(Action.created_at < history.end_of_day(day))
        # The report does not show touchpoints: loading them (and their rights) for every action is waste.
        .options(selectinload(Action.rights), selectinload(Action.priorities), lazyload(Action.touchpoints))
        .order_by(Action.reference)
    )
    return db.session.scalars(query).unique().all()


def _rights():
    edition = current_app.config["CODE_EDITION"]
    return db.session.scalars(select(CodeRight).where(CodeRight.edition == edition).order_by(CodeRight.number)).all()


def _action_row(action, quarter, as_at, timeline, thresholds, rights):
    state = history.state_as_at(action, as_at, timeline)
    result = rule_rag(state, as_at, thresholds)
    is_open = state.status in OPEN_STATUS_VALUES
    overdue_days = (as_at - state.current_due_date).days if is_open else 0
    right_ids = {r.id for r in rights}
    completed_on = state.completed_on
    return {
        "id": action.id,
        "reference": action.reference,
        "title": action.title,
        "owner": action.owner.name,
        "department": action.department.name,
        "status": state.status,
        "status_label": Status(state.status).label,
        "progress": state.progress,
        "rag": result.rag,
        "rag_reasons": list(result.reasons),
        "declared_rag": state.declared_rag if is_open else None,
        "original_due": action.original_due_date.isoformat(),
        "current_due": state.current_due_date.isoformat(),
        "extension_count": state.extension_count,
        "extensions": history.extension_history(action.id, as_at, timeline),
        "created_on": history.local_date(action.created_at).isoformat(),
        "completed_on": completed_on.isoformat() if completed_on else None,
        "completed_in_quarter": bool(completed_on and quarter.contains(completed_on)),
        "open": is_open,
        "overdue_days": max(overdue_days, 0),
        "exception": is_open and (result.rag == Rag.RED.value or overdue_days > 0),
        "rights": [r.number for r in action.rights if r.id in right_ids],
        "priorities": [p.number for p in action.priorities],
        "latest_update": history.latest_commentary(action.id, as_at, timeline),
        "updates_in_quarter": history.updates_between(action.id, quarter.start, as_at, timeline),
        "closure_summary": timeline.closures.get(action.id) if completed_on else None,
        "signoff_note": timeline.signoff_notes.get(action.id) if completed_on else None,
        "evidence": timeline.evidence.get(action.id, []) if completed_on else [],
        "cancel_reason": action.cancel_reason if state.status == Status.CANCELLED.value else None,
    }


def count_by_rag(rows):
    """{rag: count} over rows, with every BRAG colour present."""
    counts = dict.fromkeys(RAG_ORDER, 0)
    for row in rows:
        if row["rag"] in counts:
            counts[row["rag"]] += 1
    return counts


def _rated(rows):
    return [row for row in rows if row["rag"]]


def _summary(rows):
    rated = _rated(rows)
    return {
        "total": len(rated),
        "by_rag": count_by_rag(rated),
        "open": sum(1 for row in rated if row["open"]),
        "overdue": sum(1 for row in rated if row["overdue_days"] > 0),
        "exceptions": sum(1 for row in rated if row["exception"]),
        "cancelled": len(rows) - len(rated),
        "disagree": sum(1 for row in rated if row["declared_rag"] and row["declared_rag"] != row["rag"]),
        "completed_in_quarter": sum(1 for row in rated if row["completed_in_quarter"]),
        "updates_in_quarter": sum(row["updates_in_quarter"] for row in rows),
    }


def _priority_rows(rows):
    result = []
    for priority in db.session.scalars(select(Priority).order_by(Priority.number)):
        linked = [row for row in _rated(rows) if priority.number in row["priorities"]]
        open_rows = [row for row in linked if row["open"]]
        result.append(
            {
                "number": priority.number,
                "title": priority.title,
                "total": len(linked),
                "open": len(open_rows),
                "by_rag": count_by_rag(linked),
                "completed_in_quarter": sum(1 for row in linked if row["completed_in_quarter"]),
                "average_progress": round(sum(row["progress"] for row in open_rows) / len(open_rows))
                if open_rows
                else None,
            }
        )
    return result


def _right_rows(rows, rights):
    result = []
    for right in rights:
        linked = [row for row in _rated(rows) if right.number in row["rights"]]
        open_count = sum(1 for row in linked if row["open"])
        result.append(
            {
                "number": right.number,
                "title": right.title,
                "total": len(linked),
                "open": open_count,
                "by_rag": count_by_rag(linked),
                "no_open_action": open_count == 0,
            }
        )
    return result


def decisions_for(quarter):
    """The chair's decisions for the subgroup for a quarter, one per non-empty line."""
    notes = db.session.scalar(select(ReportNotes).where(ReportNotes.quarter == quarter.label))
    if notes is None:
        return []
    return [line.strip() for line in notes.decisions.splitlines() if line.strip()]


def meetings_for(quarter, as_at):
    """The quarter's meetings up to as_at, when the chair chose to include them; None when not chosen."""
    notes = db.session.scalar(select(ReportNotes).where(ReportNotes.quarter == quarter.label))
    if notes is None or not notes.include_meetings:
        return None
    from tracker.meetings.report_section import quarter_meetings

    return quarter_meetings(quarter.start, as_at)


def recommendations_for(quarter, as_at):
    """Each report or review published by as_at, its recommendations by status and its response; None when none."""
    from tracker.recommendations.report_section import quarter_recommendations

    return quarter_recommendations(quarter, as_at)


def compliance_section(quarter):
    """The compliance against victims' voice gap table and chart, when that feature has data."""
    try:
        from tracker.compliance import services
    except ImportError:
        return None
    gap_table, gap_chart = getattr(services, "gap_table", None), getattr(services, "gap_chart", None)
    if gap_table is None:
        return None
    rows = gap_table(quarter.label)
    if not rows:
        return None
    chart = gap_chart(rows) if gap_chart else None
    return {
        "rows": [row.as_dict() if hasattr(row, "as_dict") else plain(row) for row in rows],
        "chart": str(chart) if chart else "",
        "small_below": current_app.config["SMALL_SAMPLE_BELOW"],
    }


def plain(value):
    """A value as JSON-ready data: dataclasses, named tuples, enums, decimals and dates made plain."""
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    if hasattr(value, "_asdict"):
        return plain(value._asdict())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "label"):
        return value.label
    return str(value)
