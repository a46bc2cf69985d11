"""Change the victim journey and the reference data, with an audit event for each change."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.extensions import db
from tracker.reference.models import CodeRight, Priority, Touchpoint

TOUCHPOINT_FIELDS = ("position", "name", "stage", "description", "department", "rights", "feedback_mechanism")


class StaleEdit(Exception):
    """Someone else saved the record since this form was opened."""


@dataclass
class TouchpointData:
    """Validated fields of a touchpoint."""

    position: int
    name: str
    stage: str = ""
    description: str = ""
    department: object = None
    rights: list = field(default_factory=list)
    feedback_mechanism: str = ""


def current_edition():
    """The edition of the Code in use: a setting, so that a new Code needs no change to the code."""
    return current_app.config["CODE_EDITION"]


def current_rights():
    """The rights of the edition in use, in order."""
    return db.session.scalars(
        select(CodeRight).where(CodeRight.edition == current_edition()).order_by(CodeRight.number)
    ).all()


def check_version(record_, expected_version):
    """Refuse a save made from a form opened before someone else's save."""
    if expected_version is not None and str(record_.version_id) != str(expected_version):
        raise StaleEdit()


def journey():
    """Every touchpoint in the order a victim meets them."""
    return db.session.scalars(select(Touchpoint).order_by(Touchpoint.position, Touchpoint.name)).all()


def next_position():
    """A position after the last touchpoint, so a new one joins the end of the journey."""
    last = db.session.scalar(select(Touchpoint.position).order_by(Touchpoint.position.desc()).limit(1))
    return (last or 0) + 10


def _touchpoint_snapshot(touchpoint):
    values = {name: getattr(touchpoint, name) for name in TOUCHPOINT_FIELDS}
    values["department"] = touchpoint.department.name if touchpoint.department else None
    values["rights"] = [right.number for right in touchpoint.rights]
    return values


def save_touchpoint(touchpoint, data: TouchpointData, expected_version=None):
    """Add a touchpoint (touchpoint None) or change one."""
    if touchpoint is not None:
        check_version(touchpoint, expected_version)
    before = _touchpoint_snapshot(touchpoint) if touchpoint is not None else {}
    created = touchpoint is None
    if created:
        touchpoint = Touchpoint()
        db.session.add(touchpoint)
    touchpoint.position = data.position
    touchpoint.name = data.name.strip()
    touchpoint.stage = (data.stage or "").strip()
    touchpoint.description = (data.description or "").strip()
    touchpoint.department = data.department
    touchpoint.rights = sorted(data.rights or [], key=lambda right: right.number)
    touchpoint.feedback_mechanism = (data.feedback_mechanism or "").strip()
    db.session.flush()
    after = _touchpoint_snapshot(touchpoint)
    changes = {name: (before.get(name), value) for name, value in after.items() if before.get(name) != value}
    if changes:
        verb = "touchpoint.created" if created else "touchpoint.changed"
        record(verb, obj=touchpoint, summary=f"Touchpoint {touchpoint.name}", changes=changes)
    return touchpoint


def _save_text(item, values, expected_version, verb, summary):
    check_version(item, expected_version)
    changes = {}
    for name, value in values.items():
        value = (value or "").strip()
        if getattr(item, name) != value:
            changes[name] = (getattr(item, name), value)
            setattr(item, name, value)
    if changes:
        db.session.flush()
        record(verb, obj=item, summary=summary, changes=changes)
    return item


def save_right(right: CodeRight, *, title, summary, expected_version=None):
    """Change the wording of a right of the Code."""
    return _save_text(
        right,
        {"title": title, "summary": summary},
        expected_version,
        "code_right.changed",
        f"Right {right.number} of the {right.edition} Code",
    )


def save_priority(priority: Priority, *, title, description, expected_version=None):
    """Change the wording of one of the group's priorities."""
    return _save_text(
        priority,
        {"title": title, "description": description},
        expected_version,
        "priority.changed",
        f"Priority {priority.number}",
    )
