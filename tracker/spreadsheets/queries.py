"""What the import pages read: past imports, and what an unreadable name in a file can be matched to."""

from sqlalchemy import select

from tracker.auth.models import Department, User
from tracker.extensions import db
from tracker.spreadsheets.models import ImportBatch


def recent_batches(count=50):
    """The latest imports, newest first."""
    return db.session.scalars(select(ImportBatch).order_by(ImportBatch.created_at.desc()).limit(count)).all()


def active_departments_and_people():
    """The active departments and people, by name."""
    departments = db.session.scalars(select(Department).where(Department.active).order_by(Department.name))
    people = db.session.scalars(select(User).where(User.active).order_by(User.name, User.email))
    return departments.all(), people.all()
