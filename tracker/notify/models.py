"""The e-mail outbox, mail kinds an admin can switch off, and the scheduler lock."""

import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class MailState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class OutboundEmail(db.Model):
    """One message, written in the transaction of the change that caused it, then delivered."""

    __tablename__ = "outbound_email"
    __table_args__ = (Index("ix_outbound_email_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Unique per logical message (e.g. "digest:12:2026-W48") so reruns never send twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"), index=True)
    # The quarterly report a message sends or withdraws, so its page can say what was delivered.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment = deferred(mapped_column(LargeBinary))
    state: Mapped[str] = mapped_column(String(16), default=MailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at = mapped_column(UTCDateTime)
    # Set while one sender holds the message, so two senders never deliver it twice.
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at = mapped_column(UTCDateTime)

    to_user = relationship("User", lazy="joined")


class MailKindSetting(db.Model):
    """An admin's switch for a kind of mail; a kind with no row is on."""

    __tablename__ = "mail_kind_setting"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class SchedulerLock(db.Model):
    """A lease held by the one scheduler process allowed to fire jobs."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """The last time each scheduled job's reconcile ran, for operators and catch-up."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_started_at = mapped_column(UTCDateTime)
    last_finished_at = mapped_column(UTCDateTime)
    last_result: Mapped[str | None] = mapped_column(Text)
