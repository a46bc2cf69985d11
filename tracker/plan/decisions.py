"""Extension and closure requests from owners, and the chair's decisions on them."""

from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.common.dates import local_today
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan import signals
from tracker.plan.due_dates import apply_extension
from tracker.plan.errors import PlanError
from tracker.plan.evidence import attach, check_link
from tracker.plan.models import ClosureRequest, EntryKind, Evidence, ExtensionRequest, RequestState, Status
from tracker.plan.timeline import add_entry


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


def withdraw_pending(action, reason, keep=None, actor=None):
    """Close requests nobody needs to decide any more, because the action has closed, saying so on the timeline."""
    for model, kind, link in (
        (ExtensionRequest, EntryKind.EXTENSION_WITHDRAWN, "extension_request_id"),
        (ClosureRequest, EntryKind.CLOSURE_WITHDRAWN, "closure_request_id"),
    ):
        pending = db.session.scalars(
            select(model).where(model.action_id == action.id, model.state == RequestState.PENDING.value)
        ).all()
        for request in pending:
            if request is not keep:
                request.state, request.decided_at, request.decision_reason = (
                    RequestState.WITHDRAWN.value,
                    utcnow(),
                    reason,
                )
                add_entry(action, actor, kind, reason, **{link: request.id})


def request_extension(action, actor, *, new_due_date, reason):
    """Ask the chair to move the current due date."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can ask for an extension")
    if not action.is_open:
        raise PlanError("A closed action cannot be extended")
    if pending_extension(action):
        raise PlanError("An extension request is already waiting for a decision")
    if new_due_date is None:
        raise PlanError("Enter the new due date", "new_due_date")
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
    add_entry(action, actor, EntryKind.EXTENSION_REQUESTED, reason.strip(), extension_request_id=request.id)
    record(
        "extension.requested",
        actor=actor,
        obj=request,
        action=action,
        summary=f"Extension asked for {action.reference}",
        changes={"new_due_date": (action.current_due_date, new_due_date)},
    )
    signals.extension_requested.send(action, actor=actor, request=request)
    return request


def _decide(request, actor, approve, reason, not_allowed, ask_reason):
    """Check a chair's decision on a pending request and record who decided, when and why."""
    if not request.action.can_decide(actor):
        raise PermissionError(not_allowed)
    if request.state != RequestState.PENDING:
        raise PlanError("This request has already been decided")
    if not request.action.is_open:
        raise PlanError("This action is closed, so the request no longer needs a decision")
    if not approve and not (reason or "").strip():
        raise PlanError(ask_reason, "reason")
    request.state = (RequestState.APPROVED if approve else RequestState.REFUSED).value
    request.decided_by, request.decided_at, request.decision_reason = actor, utcnow(), (reason or "").strip()


def decide_extension(request, actor, *, approve, reason):
    """Approve (moving the current due date, keeping the original) or refuse an extension."""
    action = request.action
    _decide(
        request, actor, approve, reason, "Only the chair can decide extensions", "Enter why the extension is refused"
    )
    old_due = action.current_due_date
    if approve:
        apply_extension(action, request)
    kind = EntryKind.EXTENSION_APPROVED if approve else EntryKind.EXTENSION_REFUSED
    add_entry(action, actor, kind, request.decision_reason, extension_request_id=request.id)
    record(
        f"extension.{request.state}",
        actor=actor,
        obj=request,
        action=action,
        summary=f"Extension {request.state} for {action.reference}",
        changes={"current_due_date": (old_due, action.current_due_date), "state": ("pending", request.state)},
    )
    signals.extension_decided.send(action, actor=actor, request=request)
    return request


def request_closure(action, actor, *, summary, upload=None, link="", link_description=""):
    """Ask the chair to sign the action off as complete, with evidence that it is done."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can ask for closure")
    if pending_closure(action):
        raise PlanError("A request for sign-off is already waiting for the chair's decision")
    if not action.is_open:
        raise PlanError(f"This action is {action.status_label.lower()}, so it cannot be put forward for sign-off")
    if not (summary or "").strip():
        raise PlanError("Summarise what was done and how the success measure was met", "summary")
    if (link or "").strip():
        check_link(link)
    request = ClosureRequest(action=action, requested_by=actor, summary=summary.strip())
    db.session.add(request)
    old = action.status
    action.status = Status.AWAITING_SIGNOFF.value
    db.session.flush()
    entry = add_entry(
        action, actor, EntryKind.CLOSURE_REQUESTED, summary.strip(), closure_request_id=request.id, status=action.status
    )
    attach(action, actor, upload=upload, link=link, description=link_description, update=entry, closure_request=request)
    record(
        "closure.requested",
        actor=actor,
        obj=request,
        action=action,
        summary=f"Closure asked for {action.reference}",
        changes={"status": (old, action.status)},
    )
    signals.closure_requested.send(action, actor=actor, request=request)
    return request


def has_evidence(action):
    """True when any file or link is attached to the action."""
    return bool(db.session.scalar(select(func.count(Evidence.id)).where(Evidence.action_id == action.id)))


def signoff_exception(action):
    """Why signing this action off needs the chair's explicit reason, or None: no evidence, or not at 100%."""
    gaps = []
    if not has_evidence(action):
        gaps.append("without evidence")
    if (action.progress or 0) < 100:
        gaps.append(f"at {action.progress or 0}% progress")
    return "Signed off " + " and ".join(gaps) if gaps else None


def _check_exception(action, confirmed, exception_reason):
    """The note recorded when the chair signs off despite the gaps, or a PlanError asking for it."""
    exception = signoff_exception(action)
    if exception is None:
        return None
    if not confirmed:
        raise PlanError(f"Confirm that you are signing this action off {exception[11:]}", "confirm_exception")
    if not (exception_reason or "").strip():
        raise PlanError(f"Enter why you are signing it off {exception[11:]}", "exception_reason")
    return f"{exception}: {exception_reason.strip()}"


def decide_closure(request, actor, *, approve, reason, today=None, confirm_exception=False, exception_reason=""):
    """Sign the action off (Blue) or refuse, sending it back to in progress.

    Signing off an action with no evidence, or not at 100%, needs the chair's confirmation and reason.
    """
    action = request.action
    if not action.can_decide(actor):
        raise PermissionError("Only the chair can sign actions off")
    waiting = request.state == RequestState.PENDING and action.is_open
    # Checked before _decide() marks the request decided, so a refused approval changes nothing.
    note = _check_exception(action, confirm_exception, exception_reason) if approve and waiting else None
    _decide(
        request,
        actor,
        approve,
        reason,
        "Only the chair can sign actions off",
        "Enter why the action cannot be closed yet",
    )
    old = action.status
    if approve:
        request.exception_note = note
        withdraw_pending(action, "Closed because the action was signed off as complete", keep=request, actor=actor)
        action.status, action.progress = Status.COMPLETE.value, 100
        action.completed_on = today or local_today()
    else:
        action.status = Status.IN_PROGRESS.value
    kind = EntryKind.CLOSURE_APPROVED if approve else EntryKind.CLOSURE_REFUSED
    narrative = "\n\n".join(text for text in (note, request.decision_reason) if text)
    add_entry(action, actor, kind, narrative, closure_request_id=request.id, status=action.status)
    changes = {"status": (old, action.status), **({"exception_note": (None, note)} if note else {})}
    record(
        f"closure.{request.state}",
        actor=actor,
        obj=request,
        action=action,
        summary=f"Closure {request.state} for {action.reference}",
        changes=changes,
    )
    signals.closure_decided.send(action, actor=actor, request=request)
    return request


def withdraw_request(request, actor):
    """The owner takes back their own pending extension or closure request; the chair no longer sees it."""
    action = request.action
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can withdraw a request")
    if request.state != RequestState.PENDING:
        raise PlanError("This request has already been decided, so it cannot be withdrawn")
    is_closure = isinstance(request, ClosureRequest)
    request.state, request.decided_at = RequestState.WITHDRAWN.value, utcnow()
    request.decision_reason = f"Withdrawn by {actor.name}"
    old = action.status
    if is_closure and action.status == Status.AWAITING_SIGNOFF:
        action.status = Status.IN_PROGRESS.value
    kind = EntryKind.CLOSURE_WITHDRAWN if is_closure else EntryKind.EXTENSION_WITHDRAWN
    link = {"closure_request_id": request.id} if is_closure else {"extension_request_id": request.id}
    add_entry(action, actor, kind, request.decision_reason, status=action.status if is_closure else None, **link)
    verb = "closure.withdrawn" if is_closure else "extension.withdrawn"
    record(
        verb,
        actor=actor,
        obj=request,
        action=action,
        summary=f"{'Closure' if is_closure else 'Extension'} request withdrawn for {action.reference}",
        changes={"state": ("pending", "withdrawn"), **({"status": (old, action.status)} if is_closure else {})},
    )
    return request
