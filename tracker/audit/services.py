"""Write audit events. Services call record(); it adds to the session and never commits."""

from datetime import date, datetime

from flask import has_request_context, request
from flask_login import current_user

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "label") and not isinstance(value, str):
        return value.label
    return value


def diff(old: dict, new: dict):
    """The fields whose values differ, as {field: [old, new]}."""
    return {k: [_plain(old.get(k)), _plain(new.get(k))] for k in new if _plain(old.get(k)) != _plain(new.get(k))}


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record(verb, *, obj=None, action=None, summary="", changes=None, actor=None, actor_label=None):
    """Append an audit event for a change; the caller's transaction commits it."""
    actor = actor if actor is not None else _current_actor()
    event = AuditEvent(
        verb=verb,
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (actor.email if actor else "system"),
        address=request.remote_addr if has_request_context() else None,
        object_type=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=getattr(obj, "id", None),
        action_id=action.id if action is not None else None,
        summary=summary,
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
    )
    db.session.add(event)
    return event
