"""The append-only audit log."""

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class AuditEvent(db.Model):
    """Who did what, when, to which record, from which old value to which new one."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str | None] = mapped_column(String(64))
    verb: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    # {"field": [old, new], ...}
    changes = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="joined")


@event.listens_for(AuditEvent, "before_update")
def _audit_is_append_only(mapper, connection, target):
    raise ValueError("Audit events are never changed")


@event.listens_for(AuditEvent, "before_delete")
def _audit_is_never_deleted(mapper, connection, target):
    raise ValueError("Audit events are never deleted")
