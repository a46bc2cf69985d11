"""Personal access tokens for the read-only API."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class ApiToken(db.Model):
    """A personal access token; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    expires_at = mapped_column(UTCDateTime)
    last_used_at = mapped_column(UTCDateTime)
    revoked_at = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")
