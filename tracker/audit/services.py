"""Write audit events. Services call record(); it adds to the session and never commits."""

from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert

from tracker.audit.models import AuditEvent
from tracker.common.proxies import client_address
from tracker.common.types import utcnow
from tracker.extensions import db


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "label") and not isinstance(value, str):
        return value.label
    return value


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _event_values(verb, *, obj=None, action=None, summary="", changes=None, actor=None, actor_label=None):
    actor = actor if actor is not None else _current_actor()
    return {
        "verb": verb,
        "actor_id": actor.id if actor else None,
        "actor_label": actor_label or (actor.email if actor else "system"),
        "address": client_address(),
        "object_type": getattr(obj, "__tablename__", "") if obj is not None else "",
        "object_id": getattr(obj, "id", None),
        "action_id": action.id if action is not None else None,
        "summary": summary,
        "changes": {k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
    }


def record(verb, *, obj=None, action=None, summary="", changes=None, actor=None, actor_label=None):
    """Append an audit event for a change; the caller's transaction commits it."""
    event = AuditEvent(
        **_event_values(
            verb, obj=obj, action=action, summary=summary, changes=changes, actor=actor, actor_label=actor_label
        )
    )
    db.session.add(event)
    return event


def record_many(events):
    """Append many audit events in one statement; each item holds record()'s keyword arguments.

    For bulk operations (an import of thousands of rows) where an object per event costs more
    than the work itself. The events are the same rows record() would write.
    """
    rows = [_event_values(**event) for event in events]
    if rows:
        at = utcnow()
        db.session.execute(insert(AuditEvent.__table__), [dict(row, at=at) for row in rows])
    return len(rows)
