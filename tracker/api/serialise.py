"""The API's JSON shapes, as documented in openapi.py."""

from sqlalchemy import func, select

from tracker.auth.models import Department
from tracker.extensions import db
from tracker.plan.brag import rule_rag, rule_rag_sql
from tracker.plan.models import Action, EntryKind, action_priorities, action_rights
from tracker.plan.queries import filtered_actions
from tracker.reference.models import CodeRight, Priority
from tracker.spreadsheets.exporter import ENTRY_LABELS

RAG_KEYS = ("blue", "red", "amber", "green", "not_rated")


def _iso(value):
    return value.isoformat() if value is not None else None


def action_json(action, today, thresholds):
    """An action as the API answers it."""
    result = rule_rag(action, today, thresholds)
    return {
        "reference": action.reference,
        "title": action.title,
        "description": action.description or "",
        "source": action.source,
        "source_label": action.source_label,
        "owner": {"name": action.owner.name, "email": action.owner.email},
        "department": {"id": action.department_id, "name": action.department.name},
        "rights": [right.number for right in action.rights],
        "priorities": [priority.number for priority in action.priorities],
        "touchpoints": [touchpoint.name for touchpoint in action.touchpoints],
        "start_date": _iso(action.start_date),
        "original_due_date": _iso(action.original_due_date),
        "current_due_date": _iso(action.current_due_date),
        "extension_count": action.extension_count or 0,
        "status": action.status,
        "status_label": action.status_label,
        "progress": action.progress,
        "declared_rag": action.declared_rag,
        "rule_rag": result.rag,
        "rule_rag_reasons": list(result.reasons),
        "success_measure": action.success_measure or "",
        "completed_on": _iso(action.completed_on),
        "last_update_at": _iso(action.last_update_at),
    }


def entry_json(entry):
    """A timeline entry as the API answers it."""
    try:
        label = ENTRY_LABELS[EntryKind(entry.kind)]
    except ValueError:
        label = entry.kind
    return {
        "at": _iso(entry.created_at),
        "kind": entry.kind,
        "kind_label": label,
        "author": entry.author.name if entry.author else None,
        "narrative": entry.narrative or "",
        "status": entry.status,
        "progress": entry.progress,
        "declared_rag": entry.declared_rag,
    }


def right_json(right, open_actions):
    """A right of the Code as the API answers it."""
    return {
        "id": right.id,
        "edition": right.edition,
        "number": right.number,
        "title": right.title,
        "summary": right.summary or "",
        "open_actions": open_actions,
    }


def _empty_counts():
    return dict.fromkeys(RAG_KEYS, 0) | {"total": 0}


def _add(counts, rag, number):
    counts[rag or "not_rated"] += number
    counts["total"] += number


def summary_json(filters, today, thresholds):
    """Counts by BRAG overall and per department, priority and right, over the filtered actions."""
    ids = filtered_actions(filters, today, thresholds).with_only_columns(Action.id).order_by(None).subquery()
    # The BRAG CASE is computed once in a subquery so that grouping never repeats its parameters.
    rows = (
        select(
            Action.id.label("id"),
            Action.department_id.label("group_id"),
            rule_rag_sql(Action, today, thresholds).label("rag"),
        )
        .where(Action.id.in_(select(ids.c.id)))
        .subquery()
    )
    overall = _empty_counts()
    for value, number in db.session.execute(select(rows.c.rag, func.count()).group_by(rows.c.rag)):
        _add(overall, value, number)
    by_department = select(rows.c.group_id, rows.c.rag, func.count()).group_by(rows.c.group_id, rows.c.rag)
    return {
        "date": today.isoformat(),
        "counts": overall,
        "by_department": _grouped(by_department, Department, lambda d: {"id": d.id, "name": d.name}),
        "by_priority": _grouped(
            _linked(rows, action_priorities, action_priorities.c.priority_id),
            Priority,
            lambda p: {"id": p.id, "number": p.number, "title": p.title},
        ),
        "by_right": _grouped(
            _linked(rows, action_rights, action_rights.c.right_id),
            CodeRight,
            lambda r: {"id": r.id, "number": r.number, "title": r.title},
        ),
    }


def _linked(rows, link_table, key):
    return (
        select(key, rows.c.rag, func.count())
        .select_from(rows)
        .join(link_table, link_table.c.action_id == rows.c.id)
        .group_by(key, rows.c.rag)
    )


def _grouped(query, model, describe):
    counts = {}
    for group_id, value, number in db.session.execute(query):
        _add(counts.setdefault(group_id, _empty_counts()), value, number)
    items = db.session.scalars(select(model).where(model.id.in_(list(counts)))).unique().all()
    ordered = sorted(items, key=lambda item: (getattr(item, "number", 0), getattr(item, "name", "")))
    return [describe(item) | {"counts": counts[item.id]} for item in ordered]
