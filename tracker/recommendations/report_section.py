"""The quarterly report's section on recommendations: each source's recommendations by status, its response clock.

Everything is as at the report's date (the quarter's end, or today for the current quarter): a
source published after it is left out, a status decided after it is read back from the audit log,
and a response published after it counts as not yet published.
"""

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.recommendations.models import RecommendationSource, RecommendationStatus
from tracker.reports.history import end_of_day

STATUS_ORDER = [status.value for status in RecommendationStatus]


def _later_changes(recommendation_ids, as_at):
    """{recommendation id: the status it had before its first change after as_at}, from the audit log."""
    if not recommendation_ids:
        return {}
    events = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.changes)
        .where(
            AuditEvent.verb == "recommendation.status_changed",
            AuditEvent.object_type == "recommendation",
            AuditEvent.object_id.in_(recommendation_ids),
            AuditEvent.at >= end_of_day(as_at),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    before = {}
    for object_id, changes in events:
        old = (changes or {}).get("recommendation_status", [None])[0]
        if old is not None:
            before.setdefault(object_id, old)
    return before


def status_as_at(recommendation, later, as_at):
    """The recommendation's status at the end of as_at."""
    if recommendation.id in later:
        return later[recommendation.id]
    changed = recommendation.status_changed_at
    if changed is not None and changed >= end_of_day(as_at):
        # Decided after the date, with no audit of what it was before: it had not been reviewed then.
        return RecommendationStatus.AWAITING_REVIEW.value
    return recommendation.status


def _response(source, as_at):
    """The response as at the date: its due date, whether published by then, how late."""
    due = source.response_due_on
    published = source.responded_on if source.responded_on and source.responded_on <= as_at else None
    if due is None:
        state = "published" if published else "not_required"
    elif published:
        state = "published"
    elif due < as_at:
        state = "overdue"
    else:
        state = "awaiting"
    return {
        "due": due.isoformat() if due else None,
        "responded_on": published.isoformat() if published else None,
        "days_late": (published - due).days if published and due and published > due else 0,
        "overdue_days": (as_at - due).days if state == "overdue" else 0,
        "state": state,
    }


def quarter_recommendations(quarter, as_at):
    """Every source published by as_at with its recommendations by status, the responses due next quarter
    and the overdue ones, as plain data for a report snapshot; None when no source was published by then."""
    sources = db.session.scalars(
        select(RecommendationSource)
        .where(RecommendationSource.published_on <= as_at)
        .order_by(RecommendationSource.published_on, RecommendationSource.id)
    ).all()
    if not sources:
        return None
    later = _later_changes([r.id for s in sources for r in s.recommendations], as_at)
    following = quarter.next()
    rows = []
    for source in sources:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for recommendation in source.recommendations:
            counts[status_as_at(recommendation, later, as_at)] += 1
        response = _response(source, as_at)
        due = source.response_due_on
        rows.append(
            {
                "body": source.body_label,
                "title": source.title,
                "published_on": source.published_on.isoformat(),
                "rule_days": source.response_days,
                "total": len(source.recommendations),
                "by_status": counts,
                **response,
                "due_next_quarter": bool(
                    due and response["state"] == "awaiting" and following.start <= due <= following.end
                ),
            }
        )
    return {
        "next_quarter": following.label,
        "next_quarter_start": following.start.isoformat(),
        "next_quarter_end": following.end.isoformat(),
        # A list, not a mapping: the order of the columns must survive a database's JSON.
        "statuses": [[status.value, status.label] for status in RecommendationStatus],
        "sources": rows,
    }
