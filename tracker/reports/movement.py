"""Movement since the previous quarter: new, completed, turned Red, recovered from Red, extended.

The previous quarter's stored report is the baseline when there is one, so that the movement
reported agrees with what the subgroup was told last time. Without one, the baseline is the plan
as it stood at the previous quarter's end, read back from the timeline.
"""

from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.brag import rule_rag
from tracker.plan.models import Rag
from tracker.reports import history
from tracker.reports.models import LIVE_STATES, Report

RAG_ORDER = (Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value)
MOVEMENT_KINDS = ("new", "completed", "turned_red", "recovered", "extended")


def stored_snapshot(quarter):
    """The snapshot of a quarter's live stored report, or None: a withdrawn report was wrong."""
    query = select(Report.snapshot).where(Report.quarter == quarter.label, Report.state.in_(LIVE_STATES))
    return db.session.scalar(query)


def baseline_from_report(snapshot):
    """{action id: (rag, extension count)} from a stored report's snapshot."""
    return {row["id"]: (row["rag"], row["extension_count"]) for row in snapshot["actions"]}


def baseline_from_timeline(day, actions, timeline, thresholds):
    """{action id: (rag, extension count)} for the actions that existed at the end of the day."""
    baseline = {}
    cutoff = history.end_of_day(day)
    for action in actions:
        if action.created_at >= cutoff:
            continue
        state = history.state_as_at(action, day, timeline)
        baseline[action.id] = (rule_rag(state, day, thresholds).rag, state.extension_count)
    return baseline


def compare(baseline, rows):
    """References of the rated actions in each kind of movement against the baseline."""
    moved = {kind: [] for kind in MOVEMENT_KINDS}
    for row in rows:
        rag = row["rag"]
        if rag is None:
            continue
        before, extensions_before = baseline.get(row["id"], (None, 0))
        if row["id"] not in baseline:
            moved["new"].append(row["reference"])
        if rag == Rag.BLUE.value and before != Rag.BLUE.value:
            moved["completed"].append(row["reference"])
        if rag == Rag.RED.value and before != Rag.RED.value:
            moved["turned_red"].append(row["reference"])
        if before == Rag.RED.value and rag != Rag.RED.value:
            moved["recovered"].append(row["reference"])
        if row["extension_count"] > (extensions_before or 0):
            moved["extended"].append(row["reference"])
    return moved


def movement(quarter, rows, actions, timeline, thresholds):
    """The movement since the previous quarter, with the baseline's counts by BRAG."""
    previous = quarter.previous()
    snapshot = stored_snapshot(previous)
    if snapshot is not None:
        baseline, source = baseline_from_report(snapshot), "report"
    else:
        baseline, source = baseline_from_timeline(previous.end, actions, timeline, thresholds), "timeline"
    counts = dict.fromkeys(RAG_ORDER, 0)
    for rag, _extensions in baseline.values():
        if rag in counts:
            counts[rag] += 1
    return {
        "previous_quarter": previous.label,
        "source": source,
        "previous_by_rag": counts,
        "previous_total": sum(counts.values()),
        **compare(baseline, rows),
    }
