"""Finding actions: the filters of the action list, shared by the list, exports and the API."""

from dataclasses import dataclass, field, fields
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, or_, select, union
from sqlalchemy.orm import defaultload, raiseload, selectinload

from tracker.audit.models import AuditEvent
from tracker.auth.models import Department, User
from tracker.common.dates import last_day_within_working_days
from tracker.common.input import is_whole_number
from tracker.common.quarters import quarter_of
from tracker.common.templating import pluralise
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag_sql
from tracker.plan.models import (
    OPEN_STATUSES,
    Action,
    ClosureRequest,
    ExtensionRequest,
    Rag,
    RequestState,
    Status,
    action_priorities,
    action_rights,
)
from tracker.reference.models import CodeRight, Priority
from tracker.reference.queries import rights_in_force

# Filters that are a checkbox: field name -> URL argument, "1" when ticked.
CHECKBOX_ARGS = {"open_only": "open", "waiting": "waiting"}
DUE_WINDOWS = {
    "overdue": "Overdue",
    "soon": "Due soon (as on the dashboard)",
    "14": "Due in the next 14 days",
    "30": "Due in the next 30 days",
    "quarter": "Due this quarter",
}
SORTS = {
    "due": ("Due date (soonest first)", lambda: (Action.current_due_date.asc(), Action.id.asc())),
    "-due": ("Due date (latest first)", lambda: (Action.current_due_date.desc(), Action.id.desc())),
    "reference": ("Reference", lambda: (Action.reference.asc(),)),
    "updated": ("Last updated (newest first)", lambda: (Action.last_update_at.desc().nulls_last(), Action.id.desc())),
    "progress": ("Progress (lowest first)", lambda: (Action.progress.asc(), Action.id.asc())),
    # Ordered by the rule BRAG in filtered_actions, which knows the day and the thresholds.
    "rag": ("Most at risk first", lambda: (Action.current_due_date.asc(), Action.id.asc())),
}
RISK_ORDER = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2, Rag.BLUE.value: 3}
LINKS = (Action.rights, Action.priorities, Action.touchpoints)


def without_links(*path):
    """Loader options that leave rights, priorities and touchpoints unloaded, for pages that do not show them.

    Loading them anyway would cost a query per list; raising instead makes a template that
    starts using them fail loudly rather than quietly run a query per row.
    """
    return [defaultload(*path).raiseload(link) if path else raiseload(link) for link in LINKS]


@dataclass
class ActionFilters:
    """The filters and sort of an action list, read from and written to the URL."""

    q: str = ""
    status: list = field(default_factory=list)
    rag: list = field(default_factory=list)
    owner: str = ""
    department: str = ""
    right: str = ""
    priority: str = ""
    due: str = ""
    open_only: bool = False
    waiting: bool = False
    sort: str = "due"

    @classmethod
    def from_args(cls, args):
        """Read filters from request.args, ignoring values that make no sense."""
        filters = cls(
            q=(args.get("q") or "").strip()[:200],
            status=[s for s in args.getlist("status") if s],
            rag=[r for r in args.getlist("rag") if r],
            owner=_digits(args.get("owner")),
            department=_digits(args.get("department")),
            right=_digits(args.get("right")),
            priority=_digits(args.get("priority")),
            due=args.get("due") if args.get("due") in DUE_WINDOWS else "",
            open_only=args.get(CHECKBOX_ARGS["open_only"]) == "1",
            waiting=args.get(CHECKBOX_ARGS["waiting"]) == "1",
            sort=args.get("sort") if args.get("sort") in SORTS else "due",
        )
        return filters

    def to_args(self):
        """The filters as URL arguments, leaving out empty ones."""
        args = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in CHECKBOX_ARGS:
                if value:
                    args[CHECKBOX_ARGS[item.name]] = "1"
            elif value and not (item.name == "sort" and value == "due"):
                args[item.name] = value
        return args

    @property
    def active(self):
        return bool(set(self.to_args()) - {"sort"})


def due_soon_until(today):
    """The last day of "due soon": DUE_SOON_DAYS working days on, for the dashboard, the list and the digest alike."""
    return last_day_within_working_days(today, current_app.config["DUE_SOON_DAYS"])


def due_soon_heading():
    """'Due in the next 14 working days': the window of due_soon_until() in words."""
    return f"Due in the next {pluralise(current_app.config['DUE_SOON_DAYS'], 'working day')}"


def _digits(value):
    return value if is_whole_number(value) else ""


def _due_window(query, window, today):
    if window == "overdue":
        return query.where(Action.current_due_date < today, Action.status.in_(OPEN_STATUSES))
    if window == "soon":
        return query.where(
            Action.current_due_date >= today,
            Action.current_due_date <= due_soon_until(today),
            Action.status.in_(OPEN_STATUSES),
        )
    if window in ("14", "30"):
        return query.where(
            Action.current_due_date >= today,
            Action.current_due_date <= today + timedelta(days=int(window)),
            Action.status.in_(OPEN_STATUSES),
        )
    if window == "quarter":
        quarter = quarter_of(today)
        return query.where(Action.current_due_date.between(quarter.start, quarter.end))
    return query


def waiting_for_decision():
    """The ids of actions with an extension or sign-off request the chair has not decided."""
    pending = RequestState.PENDING.value
    return union(
        select(ExtensionRequest.action_id).where(ExtensionRequest.state == pending),
        select(ClosureRequest.action_id).where(ClosureRequest.state == pending),
    )


def filtered_actions(filters: ActionFilters, today, thresholds=None, with_links=True):
    """A select of actions matching the filters, sorted, with owners loaded, and links unless told not to."""
    thresholds = thresholds or current_thresholds()
    links = [selectinload(link) for link in LINKS] if with_links else without_links()
    query = select(Action).options(*links)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        owners = select(User.id).where(User.name.ilike(like))
        query = query.where(
            or_(
                Action.reference.ilike(like),
                Action.title.ilike(like),
                Action.description.ilike(like),
                Action.owner_id.in_(owners),
            )
        )
    if filters.status:
        query = query.where(Action.status.in_(filters.status))
    if filters.open_only:
        query = query.where(Action.status.in_(OPEN_STATUSES))
    if filters.waiting:
        query = query.where(Action.id.in_(waiting_for_decision()))
    if filters.rag:
        query = query.where(rule_rag_sql(Action, today, thresholds).in_(filters.rag))
    if filters.owner:
        query = query.where(Action.owner_id == int(filters.owner))
    if filters.department:
        query = query.where(Action.department_id == int(filters.department))
    if filters.right:
        query = query.where(
            Action.id.in_(select(action_rights.c.action_id).where(action_rights.c.right_id == int(filters.right)))
        )
    if filters.priority:
        query = query.where(
            Action.id.in_(
                select(action_priorities.c.action_id).where(action_priorities.c.priority_id == int(filters.priority))
            )
        )
    query = _due_window(query, filters.due, today)
    if filters.sort == "rag":
        risk = case(RISK_ORDER, value=rule_rag_sql(Action, today, thresholds), else_=len(RISK_ORDER))
        query = query.order_by(risk)
    return query.order_by(*SORTS[filters.sort][1]())


def filter_choices():
    """The options of the action list's filters."""
    owners = db.session.execute(
        select(User.id, User.name).where(User.id.in_(select(Action.owner_id).distinct())).order_by(User.name)
    )
    departments = db.session.execute(select(Department.id, Department.name).order_by(Department.name))
    rights = rights_in_force()
    return {
        "statuses": [(s.value, s.label) for s in Status],
        "rags": [(r.value, r.label) for r in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)],
        "owners": [(str(user_id), name) for user_id, name in owners],
        "departments": [(str(department_id), name) for department_id, name in departments],
        "rights": [(str(r.id), r.label) for r in rights],
        "priorities": [(str(p.id), p.label) for p in db.session.scalars(select(Priority).order_by(Priority.number))],
        "due_windows": list(DUE_WINDOWS.items()),
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
    }


def owned_open_actions(user):
    """The open actions the person owns."""
    query = select(Action).where(Action.owner_id == user.id, Action.status.in_(OPEN_STATUSES)).options(*without_links())
    return db.session.scalars(query).unique().all()


def department_open_actions(user, limit):
    """How many open actions the rest of the person's department owns, and the first `limit` by due date."""
    query = (
        select(Action)
        .options(*without_links())
        .where(
            Action.department_id == user.department_id,
            Action.owner_id != user.id,
            Action.status.in_(OPEN_STATUSES),
        )
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    first = db.session.scalars(query.order_by(Action.current_due_date, Action.id).limit(limit)).unique().all()
    return total, first


def recently_closed_actions(user, count=10):
    """The person's most recently finished or cancelled actions."""
    query = (
        select(Action)
        .options(*without_links())
        .where(Action.owner_id == user.id, Action.status.not_in(OPEN_STATUSES))
        .order_by(Action.updated_at.desc())
        .limit(count)
    )
    return db.session.scalars(query).unique().all()


def action_events(action):
    """The audit events recorded against an action, newest first, as a query to paginate."""
    return (
        select(AuditEvent).where(AuditEvent.action_id == action.id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def right_id_numbered(number):
    """The id of the right with this number in the Code edition in force, or None."""
    query = select(CodeRight.id).where(
        CodeRight.edition == current_app.config["CODE_EDITION"], CodeRight.number == number
    )
    return db.session.scalar(query)
