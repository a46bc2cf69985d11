"""Authentication, throttling and account changes. Services flush; callers commit."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth.models import PasswordResetToken, SignInAttempt, User
from tracker.common.types import utcnow
from tracker.extensions import db


class SignInThrottled(Exception):
    """Too many failed attempts for this account or address."""


RESET_HOURS = 2
INVITATION_HOURS = 72


def normalise_email(email):
    """Compare addresses case-insensitively and without surrounding space."""
    return (email or "").strip().lower()


def user_by_email(email):
    """The user with this address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def password_sign_in_open_to(email):
    """Whether this address may use a password: passwords are on, or it is a named break-glass administrator."""
    config = current_app.config
    return config["PASSWORD_SIGN_IN"] or normalise_email(email) in config["PASSWORD_BREAK_GLASS_EMAILS"]


def password_allowed(email):
    """False when passwords are off and the address is not a named break-glass administrator; audited."""
    email = normalise_email(email)
    if password_sign_in_open_to(email):
        return True
    record(
        "auth.password_sign_in_refused",
        summary=f"Password sign-in refused for {email}: passwords are off",
        actor_label=email,
    )
    return False


def _recent_failures(column, value):
    window = utcnow() - timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])
    query = select(func.count(SignInAttempt.id)).where(
        column == value, SignInAttempt.succeeded.is_(False), SignInAttempt.at >= window
    )
    return db.session.scalar(query)


def is_throttled(email, address):
    """True when this account or this address has failed too often recently."""
    config = current_app.config
    return (
        _recent_failures(SignInAttempt.email, normalise_email(email)) >= config["SIGN_IN_MAX_FAILURES"]
        or _recent_failures(SignInAttempt.address, address) >= config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]
    )


def _hash_for_unknown_accounts():
    # Checking a password against this when there is no such account takes as long as a real check,
    # so the time taken does not tell a guesser which addresses have accounts.
    config = current_app.config
    if "_UNKNOWN_ACCOUNT_HASH" not in config:
        config["_UNKNOWN_ACCOUNT_HASH"] = generate_password_hash(secrets.token_hex(16), config["PASSWORD_HASH_METHOD"])
    return config["_UNKNOWN_ACCOUNT_HASH"]


def authenticate(email, password, address):
    """Return the user for good credentials, None for bad ones; raise SignInThrottled when locked out."""
    email = normalise_email(email)
    if is_throttled(email, address):
        record("auth.sign_in_throttled", summary=f"Sign-in refused for {email}: too many attempts", actor_label=email)
        raise SignInThrottled()
    user = user_by_email(email)
    if user is None:
        check_password_hash(_hash_for_unknown_accounts(), password)
    ok = user is not None and user.active and user.check_password(password)
    db.session.add(SignInAttempt(email=email, address=address or "", succeeded=ok))
    if not ok:
        record("auth.sign_in_failed", summary=f"Failed sign-in for {email}", actor_label=email)
        return None
    note_sign_in(user, utcnow())
    record("auth.sign_in", obj=user, actor=user, summary=f"{user.email} signed in")
    return user


def note_sign_in(user, now):
    """Write when the user last signed in, outside the row's version check.

    Bookkeeping is not an edit: concurrent sign-ins to one account must not conflict with each
    other, nor with an admin saving the account, as a versioned save would.
    """
    db.session.execute(
        update(User).where(User.id == user.id).values(last_sign_in_at=now).execution_options(synchronize_session=False)
    )
    set_committed_value(user, "last_sign_in_at", now)


def sign_out(user):
    """End every session of the user on the server side."""
    user.end_sessions()
    record("auth.sign_out", obj=user, actor=user, summary=f"{user.email} signed out")


def change_password(user, new_password):
    """Set a new password, end other sessions and cancel outstanding reset links."""
    user.set_password(new_password)
    user.end_sessions()
    cancel_reset_tokens(user)
    record("auth.password_changed", obj=user, summary=f"Password changed for {user.email}")


def reset_link_allowed(user):
    """False when the user has been sent as many reset links as an hour allows."""
    since = utcnow() - timedelta(hours=1)
    sent = db.session.scalar(
        select(func.count(PasswordResetToken.id)).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.created_at >= since
        )
    )
    return sent < current_app.config["PASSWORD_RESET_LINKS_PER_HOUR"]


def create_reset_token(user, hours=RESET_HOURS):
    """Make a single-use token for the user; return the secret to put in the e-mailed link."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hashlib.sha256(secret.encode()).hexdigest(),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return secret


def redeem_reset_token(secret):
    """The token record for a valid, unused, unexpired secret, or None."""
    digest = hashlib.sha256((secret or "").encode()).hexdigest()
    token = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == digest))
    if token is None or token.used_at is not None or token.expires_at < utcnow() or not token.user.active:
        return None
    return token


def cancel_reset_tokens(user):
    """Make every unused reset link of the user stop working."""
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def reset_password(token, new_password):
    """Spend the token on a new password; False when another request spent it first."""
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        return False
    user = token.user
    user.set_password(new_password)
    user.end_sessions()
    cancel_reset_tokens(user)
    record("auth.password_reset", obj=user, actor=user, summary="Password set with a reset link")
    return True
