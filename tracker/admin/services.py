"""Create and change users and departments, with an audit event for each change."""

from tracker.audit.services import record
from tracker.auth.models import Department, User
from tracker.auth.services import INVITATION_HOURS, create_reset_token, normalise_email, password_sign_in_open_to
from tracker.extensions import db
from tracker.notify.services import email_link, queue_email

USER_FIELDS = ("name", "email", "role", "department_id")


def _snapshot(user):
    return {field: getattr(user, field) for field in USER_FIELDS}


def create_user(*, name, email, role, department_id=None, password=None):
    """Add a user; without a password, queue an invitation to choose one (unless they sign in only through the provider)."""
    user = User(name=name.strip(), email=normalise_email(email), role=role, department_id=department_id or None)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(
        "user.created",
        obj=user,
        summary=f"Created {user.email} as {user.role_label}",
        changes={k: (None, v) for k, v in _snapshot(user).items()},
    )
    if not password and password_sign_in_open_to(user.email):
        secret = create_reset_token(user, hours=INVITATION_HOURS)
        link = email_link("auth.reset_password", token=secret)
        queue_email(
            "invitation",
            to_address=user.email,
            to_user=user,
            template="password_reset",
            subject="You have been invited to the Victims Code Action Tracker",
            context={
                "link": link,
                "intro": f"An administrator has given you an account as {user.role_label.lower()}.",
                "valid_for": f"{INVITATION_HOURS // 24} days",
            },
        )
    return user


def update_user(user, *, name, email, role, department_id=None):
    """Change a user's details or role; a role change ends their sessions."""
    before = _snapshot(user)
    user.name = name.strip()
    user.email = normalise_email(email)
    user.department_id = department_id or None
    if user.role != role:
        user.role = role
        user.end_sessions()
    changes = {k: (before[k], v) for k, v in _snapshot(user).items() if before[k] != v}
    if changes:
        record("user.updated", obj=user, summary=f"Changed {user.email}", changes=changes)
    return user


def set_active(user, active, actor=None):
    """Deactivate (ending every session at once) or reactivate a user; nobody deactivates themselves."""
    if not active and actor is not None and actor.id == user.id:
        raise PermissionError("You cannot deactivate your own account")
    if user.active == active:
        return user
    user.active = active
    user.end_sessions()
    record(
        "user.reactivated" if active else "user.deactivated",
        obj=user,
        summary=f"{'Reactivated' if active else 'Deactivated'} {user.email}",
        changes={"active": (not active, active)},
    )
    return user


def save_department(department, name):
    """Create or rename a department."""
    old = department.name if department else None
    if department is None:
        department = Department(name=name.strip())
        db.session.add(department)
    department.name = name.strip()
    db.session.flush()
    record(
        "department.saved",
        obj=department,
        summary=f"Department {department.name}",
        changes={"name": (old, department.name)},
    )
    return department
