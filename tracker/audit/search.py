"""Searching the audit log by person, action, kind of event and date."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.common.dates import local_zone
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
FIELD_LABELS = {
    "current_due_date": "Current due date",
    "original_due_date": "Original due date",
    "start_date": "Start date",
    "new_due_date": "New due date",
    "declared_rag": "Owner's BRAG",
    "cancel_reason": "Reason for cancelling",
    "success_measure": "Success measure",
    "department_id": "Department",
    "immediate_mail": "Immediate emails",
}


def field_label(name):
    """'current_due_date' as 'Current due date'."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def shown(value):
    """A recorded old or new value as a person reads it."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


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
