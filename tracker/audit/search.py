"""Searching the audit log by person, action, kind of event and date."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.common.dates import local_zone
from tracker.extensions import db
from tracker.plan.models import Action

KINDS = {
    "action": "Actions added, changed, cancelled or updated",
    "extension": "Extension requests and decisions",
    "closure": "Sign-off requests and decisions",
    "evidence": "Evidence added",
    "user": "Users added or changed",
    "department": "Departments",
    "auth": "Sign-ins, sign-outs and passwords",
    "access": "Refused requests",
}


@dataclass
class AuditFilters:
    """What an administrator searches the log for."""

    person: str = ""
    reference: str = ""
    kind: str = ""
    date_from: object = None
    date_to: object = None


def _local_midnight_utc(day):
    return datetime.combine(day, time.min, tzinfo=local_zone())


def search_events(filters: AuditFilters):
    """A select of audit events matching the filters, newest first."""
    query = select(AuditEvent)
    if filters.person:
        like = f"%{filters.person.strip()}%"
        named = select(User.id).where(or_(User.name.ilike(like), User.email.ilike(like)))
        query = query.where(or_(AuditEvent.actor_label.ilike(like), AuditEvent.actor_id.in_(named)))
    if filters.reference:
        actions = select(Action.id).where(func.upper(Action.reference) == filters.reference.strip().upper())
        query = query.where(AuditEvent.action_id.in_(actions))
    if filters.kind in KINDS:
        query = query.where(AuditEvent.verb.like(f"{filters.kind}.%"))
    if filters.date_from:
        query = query.where(AuditEvent.at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _local_midnight_utc(filters.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def action_references(action_ids):
    """{action id: reference} for the actions a page of events names."""
    if not action_ids:
        return {}
    query = select(Action.id, Action.reference).where(Action.id.in_(action_ids))
    return dict(db.session.execute(query).tuples().all())
