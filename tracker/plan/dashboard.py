"""Where the plan stands: BRAG counts by department, priority and right, and what needs attention.

Every figure is one aggregate query, so the dashboard costs the same number of queries for ten
actions as for ten thousand.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import raiseload

from tracker.auth.models import Department
from tracker.common.charts import brag_series, stacked_bar_chart
from tracker.common.narrow_charts import for_every_width, narrow_stacked_bar_chart
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag_sql
from tracker.plan.models import (
    OPEN_STATUSES,
    Action,
    ActionUpdate,
    ClosureRequest,
    EntryKind,
    ExtensionRequest,
    RequestState,
    Status,
    action_priorities,
    action_rights,
)
from tracker.plan.queries import due_soon_heading, due_soon_until, without_links
from tracker.reference.models import CodeRight, Priority

BRAG_ORDER = ("red", "amber", "green", "blue")
LIST_LIMIT = 8


@dataclass
class BragRow:
    """One line of a BRAG breakdown: a department, priority or right and its counts."""

    key: object
    label: str
    counts: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def open_total(self):
        return sum(self.counts.get(rag, 0) for rag in ("red", "amber", "green"))

    def count(self, rag):
        return self.counts.get(rag, 0)


def rated_actions(today, thresholds=None):
    """Every action that has a BRAG (all but cancelled) with its rule RAG, computed once per statement."""
    thresholds = thresholds or current_thresholds()
    return (
        select(
            Action.id.label("action_id"),
            Action.department_id.label("department_id"),
            rule_rag_sql(Action, today, thresholds).label("rag"),
        )
        .where(Action.status != Status.CANCELLED.value)
        .cte("rated")
        .prefix_with("MATERIALIZED")
    )


def brag_breakdowns(today, thresholds=None, dimensions=("all", "department", "right", "priority")):
    """{dimension: {key: {rag: count}}} for the whole plan ("all"), departments, rights and priorities.

    One statement: the rule RAG of each action is worked out once, then counted each way asked for.
    """
    rated = rated_actions(today, thresholds)

    def grouped(dimension, key, joined=None):
        query = select(literal(dimension).label("dimension"), key.label("key"), rated.c.rag, func.count())
        if joined is not None:
            query = query.select_from(joined).join(rated, rated.c.action_id == joined.c.action_id)
        return query.group_by(key, rated.c.rag)

    queries = {
        "all": lambda: grouped("all", literal(0)),
        "department": lambda: grouped("department", rated.c.department_id),
        "right": lambda: grouped("right", action_rights.c.right_id, action_rights),
        "priority": lambda: grouped("priority", action_priorities.c.priority_id, action_priorities),
    }
    statement = union_all(*(queries[dimension]() for dimension in dimensions))
    counts = {"all": {}, "department": defaultdict(dict), "right": defaultdict(dict), "priority": defaultdict(dict)}
    for dimension, key, rag, count in db.session.execute(statement):
        if not rag:
            continue
        if dimension == "all":
            counts["all"][rag] = count
        else:
            counts[dimension][key][rag] = count
    return counts


def rights_grid(today, thresholds=None):
    """BRAG counts per right of the Code in force, from one statement and one lookup."""
    return by_right(brag_breakdowns(today, thresholds, dimensions=("right",))["right"])


def by_department(counts):
    """BRAG counts per department that has any action."""
    departments = db.session.scalars(
        select(Department).where(Department.id.in_(list(counts))).order_by(Department.name)
    )
    return [BragRow(d, d.name, counts[d.id]) for d in departments]


def by_priority(counts):
    """BRAG counts per priority, every priority listed."""
    priorities = db.session.scalars(select(Priority).order_by(Priority.number))
    return [BragRow(p, p.label, counts.get(p.id, {})) for p in priorities]


def by_right(counts):
    """BRAG counts per right of the Code in force, every right listed; rights with no open action stand out."""
    edition = current_app.config["CODE_EDITION"]
    rights = db.session.scalars(select(CodeRight).where(CodeRight.edition == edition).order_by(CodeRight.number))
    return [BragRow(r, r.label, counts.get(r.id, {})) for r in rights]


def overdue(today, limit=LIST_LIMIT):
    """Open actions past their current due date, longest overdue first, and how many there are."""
    condition = (Action.status.in_(OPEN_STATUSES), Action.current_due_date < today)
    return _listed(condition, (Action.current_due_date.asc(), Action.id.asc()), limit)


def due_soon(today, limit=LIST_LIMIT):
    """Open actions due from today to the end of the due-soon window, soonest first, and how many there are."""
    condition = (
        Action.status.in_(OPEN_STATUSES),
        Action.current_due_date >= today,
        Action.current_due_date <= due_soon_until(today),
    )
    return _listed(condition, (Action.current_due_date.asc(), Action.id.asc()), limit)


def _listed(condition, order, limit):
    total = db.session.scalar(select(func.count(Action.id)).where(*condition))
    query = select(Action).where(*condition).options(*without_links()).order_by(*order).limit(limit)
    actions = db.session.scalars(query).unique().all()
    return actions, total


def recent_updates(limit=LIST_LIMIT):
    """The latest progress updates people wrote across the plan (not imported ones), with actions and authors."""
    query = (
        select(ActionUpdate)
        .where(ActionUpdate.kind == EntryKind.UPDATE.value, ActionUpdate.imported_from.is_(None))
        .options(raiseload(ActionUpdate.evidence), *without_links(ActionUpdate.action))
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).unique().all()


def pending_requests(limit=LIST_LIMIT):
    """The oldest extension and closure requests waiting for the chair, and how many wait in all."""
    pending = RequestState.PENDING.value
    total = db.session.scalar(
        select(
            select(func.count(ExtensionRequest.id)).where(ExtensionRequest.state == pending).scalar_subquery()
            + select(func.count(ClosureRequest.id)).where(ClosureRequest.state == pending).scalar_subquery()
        )
    )
    closures = (
        db.session.scalars(
            select(ClosureRequest)
            .where(ClosureRequest.state == pending)
            .options(raiseload(ClosureRequest.evidence), *without_links(ClosureRequest.action))
            .order_by(ClosureRequest.requested_at, ClosureRequest.id)
            .limit(limit)
        )
        .unique()
        .all()
    )
    # Always asked, even when sign-offs fill the list, so the page runs the same statements every time.
    extensions = (
        db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.state == pending)
            .options(*without_links(ExtensionRequest.action))
            .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
            .limit(limit)
        )
        .unique()
        .all()
    )[: limit - len(closures)]
    return extensions, closures, total


def brag_chart(title, rows):
    """A stacked BRAG bar chart of some rows, described in words for screen readers."""
    labels = [row.label for row in rows]
    counts = {row.label: row.counts for row in rows}
    described = "; ".join(f"{row.label}: " + ", ".join(f"{row.count(rag)} {rag}" for rag in BRAG_ORDER) for row in rows)
    series = brag_series(counts, labels)
    wide = stacked_bar_chart(title, described, labels, series, label_width=300, width=760)
    return for_every_width(wide, narrow_stacked_bar_chart(title, described, labels, series))


def dashboard(today, thresholds=None):
    """Everything the dashboard shows, from a fixed number of queries."""
    counts = brag_breakdowns(today, thresholds)
    departments = by_department(counts["department"])
    priorities = by_priority(counts["priority"])
    overdue_actions, overdue_total = overdue(today)
    soon_actions, soon_total = due_soon(today)
    extensions, closures, waiting_total = pending_requests()
    return {
        "brag": counts["all"],
        "departments": departments,
        "priorities": priorities,
        "rights": by_right(counts["right"]),
        "department_chart": brag_chart("BRAG by department", departments) if departments else None,
        "priority_chart": brag_chart("BRAG by priority", priorities),
        "overdue": overdue_actions,
        "overdue_total": overdue_total,
        "due_soon": soon_actions,
        "due_soon_total": soon_total,
        "due_soon_heading": due_soon_heading(),
        "recent_updates": recent_updates(),
        "pending_extensions": extensions,
        "pending_closures": closures,
        "waiting_total": waiting_total,
    }
