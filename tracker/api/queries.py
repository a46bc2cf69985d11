"""What the API reads beyond the action list's own query: timelines and open actions per right."""

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.plan.models import OPEN_STATUSES, Action, ActionUpdate, action_rights


def timeline_of(action):
    """Every timeline entry of the action, oldest first."""
    query = select(ActionUpdate).where(ActionUpdate.action_id == action.id)
    return db.session.scalars(query.order_by(ActionUpdate.created_at, ActionUpdate.id)).unique()


def open_actions_per_right():
    """{right id: how many open actions serve it}."""
    query = (
        select(action_rights.c.right_id, func.count())
        .join(Action, Action.id == action_rights.c.action_id)
        .where(Action.status.in_(OPEN_STATUSES))
        .group_by(action_rights.c.right_id)
    )
    return dict(db.session.execute(query).all())
