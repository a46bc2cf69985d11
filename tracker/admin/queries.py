"""What the admin pages read: people and departments."""

from sqlalchemy import select

from tracker.auth.models import Department, User
from tracker.extensions import db


def people_by_name():
    """Every user, active people first, by name, as a query to paginate."""
    return select(User).order_by(User.active.desc(), User.name)


def departments_by_name():
    return db.session.scalars(select(Department).order_by(Department.name)).all()
