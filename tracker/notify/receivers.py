"""Immediate mail for what happens to actions: receivers of the plan's signals.

The plan sends its signals inside the transaction of the change, so each message joins the
outbox in that same transaction: the change and its mail are committed together or not at all.
"""

from sqlalchemy import select

from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.notify import kinds
from tracker.notify.services import action_link, queue_email, wants_immediate
from tracker.plan import signals
from tracker.plan.models import RequestState


def active_chairs():
    """Every active user with the chair role."""
    return db.session.scalars(select(User).where(User.role == Role.CHAIR.value, User.active.is_(True))).all()


def _send(kind, user, action, *, template, subject, context=None, actor=None, dedupe_key=None):
    """Queue one immediate mail, unless the user did it themselves or wants the digest only."""
    if user is None or (actor is not None and user.id == actor.id) or not wants_immediate(user):
        return None
    return queue_email(
        kind,
        to_address=user.email,
        to_user=user,
        action=action,
        template=template,
        subject=subject,
        context=dict(context or {}, actor=actor, link=action_link(action)),
        dedupe_key=dedupe_key,
    )


def on_action_assigned(action, actor=None, previous_owner=None, **_):
    """Tell the new owner that an action is now theirs."""
    if previous_owner is not None and previous_owner.id == action.owner_id:
        return
    verb = "reassigned to you" if previous_owner is not None else "assigned to you"
    _send(
        kinds.ACTION_ASSIGNED,
        action.owner,
        action,
        template="action_assigned",
        subject=f"{action.reference} has been {verb}",
        context={"previous_owner": previous_owner, "verb": verb},
        actor=actor,
    )


def on_extension_requested(action, actor=None, request=None, **_):
    """Ask every chair to decide an extension."""
    for chair in active_chairs():
        _send(
            kinds.EXTENSION_REQUESTED,
            chair,
            action,
            template="extension_requested",
            subject=f"Decide an extension for {action.reference}",
            context={"request": request},
            actor=actor,
            dedupe_key=f"extension-requested:{request.id}:{chair.id}",
        )


def on_extension_decided(action, actor=None, request=None, **_):
    """Tell the owner whether their extension was approved."""
    approved = request.state == RequestState.APPROVED.value
    _send(
        kinds.EXTENSION_DECIDED,
        action.owner,
        action,
        template="extension_decided",
        subject=f"Extension {'approved' if approved else 'refused'} for {action.reference}",
        context={"request": request, "approved": approved},
        actor=actor,
        dedupe_key=f"extension-decided:{request.id}",
    )


def on_closure_requested(action, actor=None, request=None, **_):
    """Ask every chair to sign off a closure."""
    for chair in active_chairs():
        _send(
            kinds.CLOSURE_REQUESTED,
            chair,
            action,
            template="closure_requested",
            subject=f"Sign off the closure of {action.reference}",
            context={"request": request},
            actor=actor,
            dedupe_key=f"closure-requested:{request.id}:{chair.id}",
        )


def on_closure_decided(action, actor=None, request=None, **_):
    """Tell the owner whether their action was signed off as complete."""
    approved = request.state == RequestState.APPROVED.value
    _send(
        kinds.CLOSURE_DECIDED,
        action.owner,
        action,
        template="closure_decided",
        subject=f"{action.reference} {'signed off as complete' if approved else 'not signed off'}",
        context={"request": request, "approved": approved},
        actor=actor,
        dedupe_key=f"closure-decided:{request.id}",
    )


def on_action_reopened(action, actor=None, reason="", **_):
    """Tell the owner that a completed or cancelled action is open again, and why."""
    _send(
        kinds.ACTION_REOPENED,
        action.owner,
        action,
        template="action_reopened",
        subject=f"{action.reference} has been reopened",
        context={"reason": reason},
        actor=actor,
    )


RECEIVERS = (
    (signals.action_assigned, on_action_assigned),
    (signals.extension_requested, on_extension_requested),
    (signals.extension_decided, on_extension_decided),
    (signals.closure_requested, on_closure_requested),
    (signals.closure_decided, on_closure_decided),
    (signals.action_reopened, on_action_reopened),
)


def register_receivers():
    """Connect the mail receivers to the plan's signals (connecting twice is harmless)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
