"""Operations on the plan. Each flushes and never commits; the request or job commits once."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.common.dates import local_today
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan import signals
from tracker.plan.models import (
    UPDATE_STATUSES,
    Action,
    ActionUpdate,
    ClosureRequest,
    EntryKind,
    ExtensionRequest,
    Rag,
    RequestState,
    Status,
)

REFERENCE_PREFIX = "VV-"
EDITABLE_FIELDS = (
    "title",
    "description",
    "source",
    "owner",
    "department",
    "start_date",
    "original_due_date",
    "current_due_date",
    "success_measure",
    "rights",
    "priorities",
    "touchpoints",
)


class PlanError(Exception):
    """A request that breaks a rule of the plan; `field` names the form field to blame."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(PlanError):
    """Someone else saved the record since this form was opened."""


@dataclass
class ActionData:
    """Validated fields of an action, as a form or an import provides them."""

    title: str
    owner: object
    start_date: object
    original_due_date: object
    description: str = ""
    source: str = "other"
    success_measure: str = ""
    department: object = None
    current_due_date: object = None
    rights: list = None
    priorities: list = None
    touchpoints: list = None


def next_reference():
    """The next free reference, VV-001 upwards."""
    references = db.session.scalars(select(Action.reference).where(Action.reference.like(f"{REFERENCE_PREFIX}%")))
    numbers = [int(m[1]) for ref in references if (m := re.fullmatch(rf"{REFERENCE_PREFIX}(\d+)", ref))]
    return f"{REFERENCE_PREFIX}{max(numbers, default=0) + 1:03d}"


def _snapshot(action):
    values = {name: getattr(action, name) for name in EDITABLE_FIELDS}
    for name in ("owner", "department"):
        values[name] = getattr(values[name], "name", None)
    for name in ("rights", "priorities", "touchpoints"):
        values[name] = [getattr(item, "number", None) or item.name for item in values[name] or []]
    return values


def _entry(action, actor, kind, narrative="", **fields):
    entry = ActionUpdate(
        action=action, author=actor, kind=kind.value, narrative=narrative, created_at=utcnow(), **fields
    )
    db.session.add(entry)
    return entry


def _check_dates(start, due):
    if start and due and due < start:
        raise PlanError("Due date must be the same as or after the start date", "original_due_date")


def create_action(data: ActionData, actor, reference=None):
    """Add an action to the plan and tell its owner."""
    _check_dates(data.start_date, data.original_due_date)
    action = Action(
        reference=reference or next_reference(),
        title=data.title.strip(),
        description=(data.description or "").strip(),
        source=data.source,
        owner=data.owner,
        department=data.department or data.owner.department,
        start_date=data.start_date,
        original_due_date=data.original_due_date,
        current_due_date=data.current_due_date or data.original_due_date,
        success_measure=(data.success_measure or "").strip(),
        status=Status.NOT_STARTED.value,
        progress=0,
        rights=list(data.rights or []),
        priorities=list(data.priorities or []),
        touchpoints=list(data.touchpoints or []),
        created_by=actor,
    )
    if action.department is None:
        raise PlanError("The owner has no department. Choose the department that owns this action", "department")
    db.session.add(action)
    db.session.flush()
    _entry(action, actor, EntryKind.CREATED, f"Action created and assigned to {action.owner.name}")
    record(
        "action.created",
        obj=action,
        action=action,
        summary=f"Created {action.reference}",
        changes={k: (None, v) for k, v in _snapshot(action).items()},
    )
    signals.action_assigned.send(action, actor=actor, previous_owner=None)
    return action


def check_version(record_, expected_version):
    """Refuse a save made from a form opened before someone else's save."""
    if expected_version is not None and str(record_.version_id) != str(expected_version):
        raise StaleEdit(
            "Someone else changed this while you were editing. Your changes have not been saved: "
            "check the latest version below and make your changes again."
        )


def edit_action(action, data: ActionData, actor, expected_version=None):
    """Change an action's details; reassigning tells the new owner."""
    check_version(action, expected_version)
    if not action.is_open:
        raise PlanError("A closed action cannot be changed")
    _check_dates(data.start_date, data.original_due_date)
    _check_dates(data.start_date, data.current_due_date)
    before = _snapshot(action)
    previous_owner = action.owner
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        if name in ("rights", "priorities", "touchpoints"):
            value = list(value or [])
        elif name == "department":
            value = value or data.owner.department
        elif name == "current_due_date":
            value = value or action.current_due_date
        elif isinstance(value, str):
            value = value.strip()
        setattr(action, name, value)
    after = _snapshot(action)
    changes = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
    if not changes:
        return {}
    db.session.flush()
    record("action.updated", obj=action, action=action, summary=f"Changed {action.reference}", changes=changes)
    if previous_owner.id != action.owner.id:
        _entry(action, actor, EntryKind.ASSIGNED, f"Reassigned from {previous_owner.name} to {action.owner.name}")
        signals.action_assigned.send(action, actor=actor, previous_owner=previous_owner)
    else:
        _entry(action, actor, EntryKind.EDITED, "Changed " + ", ".join(k.replace("_", " ") for k in changes))
    return changes


def cancel_action(action, reason, actor):
    """Cancel an open action; a reason is required."""
    if not (reason or "").strip():
        raise PlanError("Enter why the action is being cancelled", "reason")
    if not action.is_open:
        raise PlanError("Only an open action can be cancelled")
    old = action.status
    action.status = Status.CANCELLED.value
    action.cancel_reason = reason.strip()
    _entry(action, actor, EntryKind.CANCELLED, reason.strip(), status=action.status)
    record(
        "action.cancelled",
        obj=action,
        action=action,
        summary=f"Cancelled {action.reference}",
        changes={"status": (old, action.status), "cancel_reason": (None, action.cancel_reason)},
    )
    signals.action_cancelled.send(action, actor=actor, reason=reason.strip())
    return action


def post_update(action, actor, *, narrative, status, progress, declared_rag):
    """Add a progress update from the owner or their department; updates are never changed."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can post updates")
    if not action.is_open or action.status == Status.AWAITING_SIGNOFF:
        raise PlanError("Updates cannot be posted while the action is closed or awaiting sign-off")
    if status not in UPDATE_STATUSES:
        raise PlanError("Choose a status", "status")
    if not 0 <= int(progress) <= 100:
        raise PlanError("Progress must be between 0 and 100", "progress")
    if declared_rag not in (Rag.RED, Rag.AMBER, Rag.GREEN):
        raise PlanError("Choose Red, Amber or Green", "declared_rag")
    before = {"status": action.status, "progress": action.progress, "declared_rag": action.declared_rag}
    update = _entry(
        action,
        actor,
        EntryKind.UPDATE,
        narrative.strip(),
        status=status,
        progress=int(progress),
        declared_rag=declared_rag,
    )
    action.status, action.progress, action.declared_rag = status, int(progress), declared_rag
    action.last_update_at = update.created_at
    db.session.flush()
    record(
        "action.update_posted",
        obj=update,
        action=action,
        summary=f"Update on {action.reference}",
        changes={k: (v, getattr(action, k)) for k, v in before.items()},
    )
    signals.update_posted.send(action, actor=actor, update=update)
    return update


def pending_extension(action):
    """The extension request awaiting a decision, if any."""
    return db.session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.action_id == action.id, ExtensionRequest.state == RequestState.PENDING.value
        )
    )


def pending_closure(action):
    """The closure request awaiting sign-off, if any."""
    return db.session.scalar(
        select(ClosureRequest).where(
            ClosureRequest.action_id == action.id, ClosureRequest.state == RequestState.PENDING.value
        )
    )


def request_extension(action, actor, *, new_due_date, reason):
    """Ask the chair to move the current due date."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can ask for an extension")
    if not action.is_open:
        raise PlanError("A closed action cannot be extended")
    if pending_extension(action):
        raise PlanError("An extension request is already waiting for a decision")
    if new_due_date <= action.current_due_date:
        raise PlanError("The new due date must be after the current due date", "new_due_date")
    if not (reason or "").strip():
        raise PlanError("Enter why you need more time", "reason")
    request = ExtensionRequest(
        action=action,
        requested_by=actor,
        previous_due_date=action.current_due_date,
        new_due_date=new_due_date,
        reason=reason.strip(),
    )
    db.session.add(request)
    db.session.flush()
    _entry(action, actor, EntryKind.EXTENSION_REQUESTED, reason.strip(), extension_request_id=request.id)
    record(
        "extension.requested",
        obj=request,
        action=action,
        summary=f"Extension asked for {action.reference}",
        changes={"new_due_date": (action.current_due_date, new_due_date)},
    )
    signals.extension_requested.send(action, actor=actor, request=request)
    return request


def decide_extension(request, actor, *, approve, reason):
    """Approve (moving the current due date, keeping the original) or refuse an extension."""
    action = request.action
    if not action.can_decide(actor):
        raise PermissionError("Only the chair can decide extensions")
    if request.state != RequestState.PENDING:
        raise PlanError("This request has already been decided")
    if not approve and not (reason or "").strip():
        raise PlanError("Enter why the extension is refused", "reason")
    request.state = (RequestState.APPROVED if approve else RequestState.REFUSED).value
    request.decided_by, request.decided_at, request.decision_reason = actor, utcnow(), (reason or "").strip()
    old_due = action.current_due_date
    if approve:
        action.current_due_date = request.new_due_date
        action.extension_count = (action.extension_count or 0) + 1
    kind = EntryKind.EXTENSION_APPROVED if approve else EntryKind.EXTENSION_REFUSED
    _entry(action, actor, kind, request.decision_reason, extension_request_id=request.id)
    record(
        f"extension.{request.state}",
        obj=request,
        action=action,
        summary=f"Extension {request.state} for {action.reference}",
        changes={"current_due_date": (old_due, action.current_due_date), "state": ("pending", request.state)},
    )
    signals.extension_decided.send(action, actor=actor, request=request)
    return request


def request_closure(action, actor, *, summary):
    """Ask the chair to sign the action off as complete."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can ask for closure")
    if not action.is_open or pending_closure(action):
        raise PlanError("This action is not open for a closure request")
    if not (summary or "").strip():
        raise PlanError("Summarise what was done and how the success measure was met", "summary")
    request = ClosureRequest(action=action, requested_by=actor, summary=summary.strip())
    db.session.add(request)
    old = action.status
    action.status = Status.AWAITING_SIGNOFF.value
    db.session.flush()
    _entry(
        action, actor, EntryKind.CLOSURE_REQUESTED, summary.strip(), closure_request_id=request.id, status=action.status
    )
    record(
        "closure.requested",
        obj=request,
        action=action,
        summary=f"Closure asked for {action.reference}",
        changes={"status": (old, action.status)},
    )
    signals.closure_requested.send(action, actor=actor, request=request)
    return request


def decide_closure(request, actor, *, approve, reason, today=None):
    """Sign the action off (Blue) or refuse, sending it back to in progress."""
    action = request.action
    if not action.can_decide(actor):
        raise PermissionError("Only the chair can sign actions off")
    if request.state != RequestState.PENDING:
        raise PlanError("This request has already been decided")
    if not approve and not (reason or "").strip():
        raise PlanError("Enter why the action cannot be closed yet", "reason")
    request.state = (RequestState.APPROVED if approve else RequestState.REFUSED).value
    request.decided_by, request.decided_at, request.decision_reason = actor, utcnow(), (reason or "").strip()
    old = action.status
    if approve:
        action.status, action.progress = Status.COMPLETE.value, 100
        action.completed_on = today or local_today()
    else:
        action.status = Status.IN_PROGRESS.value
    kind = EntryKind.CLOSURE_APPROVED if approve else EntryKind.CLOSURE_REFUSED
    _entry(action, actor, kind, request.decision_reason, closure_request_id=request.id, status=action.status)
    record(
        f"closure.{request.state}",
        obj=request,
        action=action,
        summary=f"Closure {request.state} for {action.reference}",
        changes={"status": (old, action.status)},
    )
    signals.closure_decided.send(action, actor=actor, request=request)
    return request


def action_by_reference(reference):
    """The action with this reference (case-insensitive), or None."""
    return db.session.scalar(select(Action).where(func.upper(Action.reference) == (reference or "").upper()))
