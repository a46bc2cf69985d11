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


def _ask_the_chairs(kind, template, subject):
    """A receiver asking every chair to decide a request; subject(action) is the e-mail's subject."""

    def receiver(action, actor=None, request=None, **_):
        for chair in active_chairs():
            _send(
                kind,
                chair,
                action,
                template=template,
                subject=subject(action),
                context={"request": request},
                actor=actor,
                dedupe_key=f"{template.replace('_', '-')}:{request.id}:{chair.id}",
            )

    return receiver


def _tell_the_owner(kind, template, subject):
    """A receiver telling the owner how their request was decided; subject(action, approved)."""

    def receiver(action, actor=None, request=None, **_):
        approved = request.state == RequestState.APPROVED.value
        _send(
            kind,
            action.owner,
            action,
            template=template,
            subject=subject(action, approved),
            context={"request": request, "approved": approved},
            actor=actor,
            dedupe_key=f"{template.replace('_', '-')}:{request.id}",
        )

    return receiver


on_extension_requested = _ask_the_chairs(
    kinds.EXTENSION_REQUESTED, "extension_requested", lambda action: f"Decide an extension for {action.reference}"
)
on_extension_decided = _tell_the_owner(
    kinds.EXTENSION_DECIDED,
    "extension_decided",
    lambda action, approved: f"Extension {'approved' if approved else 'refused'} for {action.reference}",
)
on_closure_requested = _ask_the_chairs(
    kinds.CLOSURE_REQUESTED, "closure_requested", lambda action: f"Sign off the closure of {action.reference}"
)
on_closure_decided = _tell_the_owner(
    kinds.CLOSURE_DECIDED,
    "closure_decided",
    lambda action, approved: f"{action.reference} {'signed off as complete' if approved else 'not signed off'}",
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
