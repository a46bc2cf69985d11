"""Who a verified ID token is: matching, linking, optional creation and role mapping. Flushes; callers commit."""

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.auth.services import normalise_email, user_by_email
from tracker.common.types import utcnow
from tracker.extensions import db

# When a person's groups map to several roles, the one that can do most wins.
ROLE_ORDER = [Role.ADMIN, Role.CHAIR, Role.LEAD, Role.VIEWER]


class Refused(Exception):
    """A verified person the tracker will not sign in; message is what they are told."""

    def __init__(self, reason, message):
        super().__init__(reason)
        self.reason = reason
        self.message = message


ASK_ADMIN = "You do not have an account on the tracker yet. Ask an administrator to add you, then try again."


def subject_of(claims):
    """The provider's stable id for the person: Entra's object id (oid) when given, otherwise sub."""
    return str(claims.get("oid") or claims["sub"])


def verified_email(claims):
    """The e-mail address the provider vouches for, or None.

    Accepted when email_verified is true (the OpenID Connect rule) or, for Entra ID, when the
    optional claim xms_edov says the tenant owns the address's domain. preferred_username is
    never trusted for matching: Entra lets people and admins change it freely.
    """
    email = normalise_email(claims.get("email"))
    if email and (claims.get("email_verified") is True or claims.get("xms_edov") in (True, "1", "true")):
        return email
    return None


def mapped_role(claims):
    """The tracker role the person's groups or app roles map to, or None when none is mapped."""
    mapping = current_app.config["OIDC_ROLE_GROUPS"]
    held = set(claims.get("groups") or []) | set(claims.get("roles") or [])
    roles = {Role(mapping[name]) for name in held if name in mapping and mapping[name] in set(Role)}
    return next((role for role in ROLE_ORDER if role in roles), None)


def _by_subject(issuer, subject):
    return db.session.scalar(select(User).where(User.identity_issuer == issuer, User.identity_subject == subject))


def _link(user, issuer, subject):
    if user.identity_subject and (user.identity_issuer, user.identity_subject) != (issuer, subject):
        raise Refused("linked_to_another_identity", ASK_ADMIN)
    user.identity_issuer, user.identity_subject = issuer, subject
    record("auth.identity_linked", obj=user, summary=f"Linked {user.email} to their organisation account")


def _create(claims, email, issuer, subject, role):
    user = User(
        name=(claims.get("name") or email.split("@")[0]).strip()[:120],
        email=email,
        role=role,
        identity_issuer=issuer,
        identity_subject=subject,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user.created",
        obj=user,
        actor_label="Organisation sign-in",
        summary=f"Created {user.email} as {user.role_label} from their organisation groups",
        changes={"email": (None, email), "role": (None, role.value)},
    )
    return user


def _apply_role(user, role):
    if role is None or user.role == role:
        return
    old = user.role
    user.role = role.value
    record(
        "user.updated",
        obj=user,
        actor_label="Organisation sign-in",
        summary=f"Role of {user.email} set from their organisation groups",
        changes={"role": (old, role.value)},
    )


def find_user(claims, issuer):
    """The active user the verified claims belong to, linked and with their mapped role; or raise Refused."""
    subject = subject_of(claims)
    email = verified_email(claims)
    role = mapped_role(claims)
    user = _by_subject(issuer, subject) or (user_by_email(email) if email else None)
    if user is None:
        if not (current_app.config["OIDC_CREATE_USERS"] and email and role):
            raise Refused("unknown_person", ASK_ADMIN)
        user = _create(claims, email, issuer, subject, role)
    if not user.active:
        raise Refused(
            "deactivated", "Your account on the tracker has been closed. Ask an administrator if you need it."
        )
    if user.identity_subject != subject or user.identity_issuer != issuer:
        _link(user, issuer, subject)
    _apply_role(user, role)
    user.last_sign_in_at = utcnow()
    return user
