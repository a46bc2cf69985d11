"""The scheduler lease: one row that only one scheduler process holds at a time.

The holder renews it on a heartbeat; when a holder dies its lease expires and another takes over.
"""

from datetime import timedelta

from sqlalchemy import or_, select, update

from tracker.extensions import db
from tracker.notify.models import SchedulerLock
from tracker.notify.services import insert_unless_exists

LEASE_NAME = "scheduler"


def hold_lease(holder, now, seconds, name=LEASE_NAME):
    """Take or renew the lease for `seconds`; True when `holder` has it. Commits."""
    expires = now + timedelta(seconds=seconds)
    taken = db.session.execute(
        update(SchedulerLock)
        .where(
            SchedulerLock.name == name,
            or_(SchedulerLock.holder == holder, SchedulerLock.expires_at.is_(None), SchedulerLock.expires_at < now),
        )
        .values(holder=holder, expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken and db.session.scalar(select(SchedulerLock.name).where(SchedulerLock.name == name)) is None:
        taken = insert_unless_exists(SchedulerLock, {"name": name, "holder": holder, "expires_at": expires}, "name")
    db.session.commit()
    return bool(taken)


def release_lease(holder, now, name=LEASE_NAME):
    """Give the lease up at once so that another process need not wait for it to expire. Commits."""
    db.session.execute(
        update(SchedulerLock)
        .where(SchedulerLock.name == name, SchedulerLock.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
