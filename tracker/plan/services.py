"""Operations on the plan. Each flushes and never commits; the request or job commits once."""

import re
from dataclasses import dataclass

from sqlalchemy import func, insert, select

from tracker.audit.services import record, record_many
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan import signals

# Requests and decisions live in decisions.py; they are importable from here as well.
from tracker.plan.decisions import (  # noqa: F401
    decide_closure,
    decide_extension,
    pending_closure,
    pending_extension,
    request_closure,
    request_extension,
    signoff_exception,
    withdraw_pending,
    withdraw_request,
)
from tracker.plan.due_dates import check_date_changes, move_current_due_date
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.evidence import attach, check_link
from tracker.plan.models import (
    UPDATE_STATUSES,
    Action,
    ActionUpdate,
    EntryKind,
    Rag,
    Status,
)
from tracker.plan.timeline import add_entry, entry_values

REFERENCE_PREFIX = "VV-"
FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "source": "source",
    "owner": "owner",
    "department": "department",
    "start_date": "start date",
    "original_due_date": "original due date",
    "current_due_date": "current due date",
    "success_measure": "success measure",
    "rights": "Code rights",
    "priorities": "priorities",
    "touchpoints": "touchpoints",
}
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
    # Why the chair moves the current due date, or an admin corrects the original one.
    date_reason: str = ""


def next_reference():
    """The next free reference, VV-001 upwards."""
    references = db.session.scalars(select(Action.reference).where(Action.reference.like(f"{REFERENCE_PREFIX}%")))
    numbers = [int(m[1]) for ref in references if (m := re.fullmatch(rf"{REFERENCE_PREFIX}(\d+)", ref))]
    return f"{REFERENCE_PREFIX}{max(numbers, default=0) + 1:03d}"


def snapshot(action):
    """The editable fields of an action (or of ActionData) as plain values, to compare and audit."""
    values = {name: getattr(action, name) for name in EDITABLE_FIELDS}
    if values["department"] is None and values["owner"] is not None:
        values["department"] = values["owner"].department
    if values["current_due_date"] is None:
        values["current_due_date"] = values["original_due_date"]
    for name in ("owner", "department"):
        values[name] = getattr(values[name], "name", None)
    for name in ("rights", "priorities", "touchpoints"):
        values[name] = [getattr(item, "number", None) or item.name for item in values[name] or []]
    return values


def _check_dates(start, due, field="original_due_date"):
    if start and due and due < start:
        raise PlanError("Due date must be the same as or after the start date", field)


def _check_data(data: ActionData):
    if not (data.title or "").strip():
        raise PlanError("Enter a title for the action", "title")
    if data.owner is None or not data.owner.active:
        raise PlanError("Choose an owner from the list of people who can sign in", "owner")
    if (data.department or data.owner.department) is None:
        raise PlanError("The owner has no department. Choose the department that owns this action", "department")
    if data.start_date is None:
        raise PlanError("Enter the start date", "start_date")
    if data.original_due_date is None:
        raise PlanError("Enter the due date", "original_due_date")
    _check_dates(data.start_date, data.original_due_date)
    _check_dates(data.start_date, data.current_due_date, "current_due_date")


def creation_records(action, actor, *, changes, summary, at, **entry_fields):
    """What creating an action writes beside its row, however it is created (a form, a meeting, an
    import): its "created" timeline entry and its action.created audit event, as row values.

    `action` needs only id, reference and owner; write the records with write_creation_records.
    """
    entry = entry_values(
        action.id, actor, EntryKind.CREATED, f"Action created and assigned to {action.owner.name}", at, **entry_fields
    )
    event = {"verb": "action.created", "obj": action, "action": action, "actor": actor, "summary": summary}
    return entry, event | {"changes": changes}


def write_creation_records(entries, events):
    """Write timeline entries and audit events in one statement each."""
    if entries:
        db.session.execute(insert(ActionUpdate.__table__), entries)
    record_many(events)


def create_action(data: ActionData, actor, reference=None):
    """Add an action to the plan and tell its owner."""
    if not actor.can_manage_plan:
        raise PermissionError("Only the chair or an administrator can add actions")
    _check_data(data)
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
    db.session.add(action)
    db.session.flush()
    entry, event = creation_records(
        action,
        actor,
        changes={k: (None, v) for k, v in snapshot(action).items()},
        summary=f"Created {action.reference}",
        at=utcnow(),
    )
    write_creation_records([entry], [event])
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
    """Change an action's details; reassigning tells the new owner. Moving a due date needs a reason."""
    if not action.can_edit(actor):
        raise PermissionError("Only the chair or an administrator can change actions")
    check_version(action, expected_version)
    if not action.is_open:
        raise PlanError("A closed action cannot be changed")
    _check_data(data)
    new_due = data.current_due_date or action.current_due_date
    reason = check_date_changes(
        action, actor, original_due_date=data.original_due_date, current_due_date=new_due, reason=data.date_reason
    )
    before = snapshot(action)
    previous_owner = action.owner
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        if name in ("rights", "priorities", "touchpoints"):
            value = list(value or [])
        elif name == "department":
            value = value or data.owner.department
        elif name == "current_due_date":
            continue  # moved below, through the one path that counts extensions
        elif isinstance(value, str):
            value = value.strip()
        setattr(action, name, value)
    if new_due == data.original_due_date and not action.extension_count:
        action.current_due_date = new_due  # an unextended action's dates corrected together: no extension
    else:
        move_current_due_date(action, actor, new_due, reason)
    after = snapshot(action)
    changes = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
    if not changes:
        return {}
    db.session.flush()
    audited = {**changes, **({"date_reason": (None, reason)} if reason else {})}
    record(
        "action.updated", actor=actor, obj=action, action=action, summary=f"Changed {action.reference}", changes=audited
    )
    if previous_owner.id != action.owner.id:
        add_entry(action, actor, EntryKind.ASSIGNED, f"Reassigned from {previous_owner.name} to {action.owner.name}")
        signals.action_assigned.send(action, actor=actor, previous_owner=previous_owner)
    moved_alone = "current_due_date" in changes and "original_due_date" not in changes
    edited = [
        name
        for name in changes
        if name not in ("owner", "department") and not (moved_alone and name == "current_due_date")
    ]
    if edited:
        note = f"\n\nReason: {reason}" if "original_due_date" in edited else ""
        add_entry(action, actor, EntryKind.EDITED, "Changed " + ", ".join(FIELD_NAMES[k] for k in edited) + note)
    return changes


def cancel_action(action, reason, actor):
    """Cancel an open action; a reason is required."""
    if not action.can_edit(actor):
        raise PermissionError("Only the chair or an administrator can cancel actions")
    if not (reason or "").strip():
        raise PlanError("Enter why the action is being cancelled", "reason")
    if not action.is_open:
        raise PlanError("Only an open action can be cancelled")
    old = action.status
    withdraw_pending(action, "Closed because the action was cancelled", actor=actor)
    action.status = Status.CANCELLED.value
    action.cancel_reason = reason.strip()
    add_entry(action, actor, EntryKind.CANCELLED, reason.strip(), status=action.status)
    record(
        "action.cancelled",
        actor=actor,
        obj=action,
        action=action,
        summary=f"Cancelled {action.reference}",
        changes={"status": (old, action.status), "cancel_reason": (None, action.cancel_reason)},
    )
    signals.action_cancelled.send(action, actor=actor, reason=reason.strip())
    return action


def reopen_action(action, reason, actor):
    """Open a completed or cancelled action again, saying why; the owner is told."""
    if not action.can_decide(actor):
        raise PermissionError("Only the chair or an administrator can reopen actions")
    if action.is_open:
        raise PlanError("Only a completed or cancelled action can be reopened")
    if not (reason or "").strip():
        raise PlanError("Enter why the action is being reopened", "reason")
    before = {"status": action.status, "completed_on": action.completed_on, "cancel_reason": action.cancel_reason}
    action.status, action.completed_on, action.cancel_reason = Status.IN_PROGRESS.value, None, None
    add_entry(action, actor, EntryKind.REOPENED, reason.strip(), status=action.status)
    record(
        "action.reopened",
        actor=actor,
        obj=action,
        action=action,
        summary=f"Reopened {action.reference}",
        changes={**{k: (v, getattr(action, k)) for k, v in before.items()}, "reason": (None, reason.strip())},
    )
    signals.action_reopened.send(action, actor=actor, reason=reason.strip())
    return action


def post_update(action, actor, *, narrative, status, progress, declared_rag, upload=None, link="", link_description=""):
    """Add a progress update (with a checked file or a link as evidence); updates are never changed."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can post updates")
    if not action.is_open or action.status == Status.AWAITING_SIGNOFF:
        raise PlanError("Updates cannot be posted while the action is closed or awaiting sign-off")
    if not (narrative or "").strip():
        raise PlanError("Enter what has happened since the last update", "narrative")
    if (link or "").strip():
        check_link(link)
    if status not in UPDATE_STATUSES:
        raise PlanError("Choose a status", "status")
    if not 0 <= int(progress) <= 100:
        raise PlanError("Progress must be between 0 and 100", "progress")
    if declared_rag not in (Rag.RED, Rag.AMBER, Rag.GREEN):
        raise PlanError("Choose Red, Amber or Green", "declared_rag")
    before = {"status": action.status, "progress": action.progress, "declared_rag": action.declared_rag}
    update = add_entry(
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
    attach(action, actor, upload=upload, link=link, description=link_description, update=update)
    record(
        "action.update_posted",
        actor=actor,
        obj=update,
        action=action,
        summary=f"Update on {action.reference}",
        changes={k: (v, getattr(action, k)) for k, v in before.items()},
    )
    signals.update_posted.send(action, actor=actor, update=update)
    return update


def action_by_reference(reference):
    """The action with this reference (case-insensitive), or None.

    References are nearly always stored in capitals (VV-001), so the unique index answers; only a
    reference imported in other letters needs the slower case-blind search.
    """
    reference = (reference or "").strip()
    found = db.session.scalar(select(Action).where(Action.reference.in_({reference, reference.upper()})))
    if found is None and reference:
        found = db.session.scalar(select(Action).where(func.upper(Action.reference) == reference.upper()))
    return found
