"""A leaver's open actions go to new owners before their account is deactivated.

Each action moves through the plan's own change service (timeline entry and audit event as any
reassignment); its per-action e-mail is held back and each new owner gets one e-mail listing
everything they were given, as the plan import does.
"""

from collections import defaultdict

from sqlalchemy import select

from tracker.admin.services import set_active
from tracker.auth.models import User
from tracker.extensions import db
from tracker.notify.kinds import ACTION_ASSIGNED
from tracker.notify.services import queue_email, wants_immediate
from tracker.plan.models import OPEN_STATUSES, Action
from tracker.plan.services import ActionData, edit_action
from tracker.plan.signals import quiet_signals


def open_actions_of(user):
    """The open actions a user owns, by reference."""
    query = select(Action).where(Action.owner_id == user.id, Action.status.in_([s.value for s in OPEN_STATUSES]))
    return db.session.scalars(query.order_by(Action.reference)).all()


def possible_owners(leaver):
    """Everyone active who could take over a leaver's actions, by name."""
    query = select(User).where(User.active.is_(True), User.id != leaver.id).order_by(User.name, User.email)
    return db.session.scalars(query).all()


def check_may_deactivate(leaver, actor):
    """Refuse anyone but an administrator, and an administrator deactivating themselves."""
    if not actor.can_manage_users:
        raise PermissionError("Only an administrator can deactivate people")
    if actor.id == leaver.id:
        raise PermissionError("You cannot deactivate your own account")


def _moved(action, new_owner):
    """The action's details as they stand, with only the owner changed (the department stays)."""
    return ActionData(
        title=action.title,
        owner=new_owner,
        start_date=action.start_date,
        original_due_date=action.original_due_date,
        description=action.description or "",
        source=action.source,
        success_measure=action.success_measure or "",
        department=action.department,
        current_due_date=action.current_due_date,
        rights=list(action.rights),
        priorities=list(action.priorities),
        touchpoints=list(action.touchpoints),
    )


def hand_over_and_deactivate(leaver, moves, actor):
    """Give each of the leaver's actions to its new owner, then deactivate them.

    Returns ({new owner: [actions]}, how many e-mails were queued).

    `moves` maps each open action to its new owner. Raises PlanError when an action cannot move.
    """
    check_may_deactivate(leaver, actor)
    given = defaultdict(list)
    with quiet_signals():
        for action, new_owner in moves.items():
            edit_action(action, _moved(action, new_owner), actor)
            given[new_owner].append(action)
    set_active(leaver, False, actor=actor)
    return dict(given), queue_hand_over_emails(given, leaver, actor)


def queue_hand_over_emails(given, leaver, actor):
    """One e-mail to each new owner listing the leaver's actions they were given; returns how many."""
    queued = 0
    for owner, actions in given.items():
        if owner.id == actor.id or not wants_immediate(owner):
            continue
        count = len(actions)
        queue_email(
            ACTION_ASSIGNED,
            to_address=owner.email,
            to_user=owner,
            template="leaver_assigned",
            subject=f"{count} action{'s' if count != 1 else ''} from {leaver.name} assigned to you",
            context={"actions": actions, "leaver": leaver, "actor": actor},
            # The session version moves on at each deactivation, so a later leaving is a new message.
            dedupe_key=f"leaver:{leaver.id}:{leaver.session_version}:{owner.id}",
        )
        queued += 1
    return queued
