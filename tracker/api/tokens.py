"""Personal access tokens for the read-only API: shown once, stored as SHA-256 hashes, revocable."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from tracker.api.models import ApiToken
from tracker.audit.services import record
from tracker.common.types import utcnow
from tracker.extensions import db

TOKEN_PREFIX = "vct_"
EXPIRY_CHOICES = {"30": "30 days", "90": "90 days", "365": "1 year"}


def token_hash(secret):
    """The SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name, days):
    """Make a token for the user; returns (ApiToken, the secret to show once)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        token_hash=token_hash(secret),
        prefix=secret[:12],
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=int(days)),
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api_token.created",
        obj=token,
        actor=user,
        summary=f"API token '{token.name}' created for {user.email}",
        changes={"expires_at": (None, token.expires_at)},
    )
    return token, secret


def revoke_token(token, actor):
    """Stop a token working at once; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = utcnow()
    record(
        "api_token.revoked",
        obj=token,
        actor=actor,
        summary=f"API token '{token.name}' of {token.user.email} revoked",
        changes={"revoked_at": (None, token.revoked_at)},
    )
    return token


def tokens_of(user):
    """The user's tokens, newest first."""
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def token_state(token, now=None):
    """'active', 'revoked' or 'expired'."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def authenticate(secret):
    """(token, None) for a working token; (None, reason) otherwise. Never says which part was wrong."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None, "missing"
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None:
        return None, "unknown"
    state = token_state(token)
    if state != "active":
        return token, state
    if not token.user.active:
        return token, "deactivated"
    return token, None


def unrevoked_tokens_of_others(user):
    """Everyone else's tokens that have not been revoked, newest first, for an admin to review."""
    query = (
        select(ApiToken)
        .where(ApiToken.revoked_at.is_(None), ApiToken.user_id != user.id)
        .order_by(ApiToken.created_at.desc())
    )
    return db.session.scalars(query).all()
