"""Sources (inspection reports, reviews, audits), their recommendations and the actions that answer them."""

import enum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class Body(enum.StrEnum):
    HMICFRS = "hmicfrs"
    VICTIMS_COMMISSIONER = "victims_commissioner"
    MOJ = "moj"
    INTERNAL_AUDIT = "internal_audit"
    OTHER = "other"

    @property
    def label(self):
        return BODY_LABELS[self]


BODY_LABELS = {
    Body.HMICFRS: "HMICFRS",
    Body.VICTIMS_COMMISSIONER: "Victims' Commissioner",
    Body.MOJ: "Ministry of Justice",
    Body.INTERNAL_AUDIT: "Internal audit",
    Body.OTHER: "Other",
}
# Police Act 1996, s.55 (HMICFRS) and the Victims and Prisoners Act 2024 (the Victims' Commissioner).
DEFAULT_RESPONSE_DAYS = {Body.HMICFRS: 56, Body.VICTIMS_COMMISSIONER: 56}


class Addressee(enum.StrEnum):
    FORCE = "force"
    PCC = "pcc"
    BOTH = "both"
    OTHERS = "others"

    @property
    def label(self):
        return ADDRESSEE_LABELS[self]


ADDRESSEE_LABELS = {
    Addressee.FORCE: "The force",
    Addressee.PCC: "The PCC",
    Addressee.BOTH: "The force and the PCC",
    Addressee.OTHERS: "Others",
}


class RecommendationStatus(enum.StrEnum):
    AWAITING_REVIEW = "awaiting_review"
    BEING_PROGRESSED = "being_progressed"
    COMPLETE = "complete"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self):
        return RECOMMENDATION_STATUS_LABELS[self]


RECOMMENDATION_STATUS_LABELS = {
    RecommendationStatus.AWAITING_REVIEW: "Awaiting review",
    RecommendationStatus.BEING_PROGRESSED: "Being progressed",
    RecommendationStatus.COMPLETE: "Complete",
    RecommendationStatus.NOT_ACCEPTED: "Not accepted",
}

recommendation_rights = Table(
    "recommendation_right",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("code_right.id", ondelete="CASCADE"), primary_key=True, index=True),
)
recommendation_priorities = Table(
    "recommendation_priority",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True, index=True),
)
# An action can answer several recommendations, and a recommendation be answered by several actions.
recommendation_actions = Table(
    "recommendation_action",
    db.metadata,
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class RecommendationSource(db.Model):
    """A report or review that makes recommendations, and the rule for responding to it."""

    __tablename__ = "recommendation_source"
    __table_args__ = (
        CheckConstraint("response_days IS NULL OR (response_days >= 1 AND response_days <= 365)", name="days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(32), default=Body.OTHER.value, index=True)
    title: Mapped[str] = mapped_column(String(300))
    published_on = mapped_column(Date, nullable=False)
    link: Mapped[str | None] = mapped_column(String(2000))
    # None: no response is required. Otherwise a response is published within this many calendar days.
    response_days: Mapped[int | None] = mapped_column(Integer)
    # When the response was published: the clock stops.
    responded_on = mapped_column(Date)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    recommendations = relationship(
        "Recommendation",
        back_populates="source",
        lazy="selectin",
        order_by="Recommendation.position, Recommendation.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def body_label(self):
        return Body(self.body).label

    @property
    def response_due_on(self):
        """The last day for the published response, or None when no response is required."""
        from tracker.recommendations.clocks import response_due_date

        return response_due_date(self.published_on, self.response_days)

    @property
    def rule_text(self):
        if self.response_days is None:
            return "No response required"
        return f"Publish a response within {self.response_days} days of publication"

    def can_manage(self, user):
        """The chair and admins add and change sources and their recommendations."""
        return user.is_authenticated and user.active and user.can_manage_plan

    def can_view(self, user):
        return user.is_authenticated


class Recommendation(db.Model):
    """One recommendation or area for improvement of a source, with its lead and status."""

    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("source_id", "reference", name="uq_recommendation_source_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("recommendation_source.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    reference: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    addressed_to: Mapped[str] = mapped_column(String(16), default=Addressee.FORCE.value)
    lead_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), default=RecommendationStatus.AWAITING_REVIEW.value, index=True)
    # The lead's reason for the latest status (for "not accepted", why nothing will be done).
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    source = relationship("RecommendationSource", back_populates="recommendations", lazy="joined")
    lead = relationship("User", foreign_keys=[lead_id], lazy="joined")
    status_changed_by = relationship("User", foreign_keys=[status_changed_by_id], lazy="select")
    rights = relationship("CodeRight", secondary=recommendation_rights, lazy="selectin", order_by="CodeRight.number")
    priorities = relationship(
        "Priority", secondary=recommendation_priorities, lazy="selectin", order_by="Priority.number"
    )
    actions = relationship("Action", secondary=recommendation_actions, lazy="selectin", order_by="Action.reference")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self):
        return RecommendationStatus(self.status).label

    @property
    def addressed_to_label(self):
        return Addressee(self.addressed_to).label

    def can_manage(self, user):
        return self.source.can_manage(user)

    def can_update_status(self, user):
        """The recommendation's lead decides its status; the chair and admins may too."""
        if not user.is_authenticated or not user.active:
            return False
        return user.id == self.lead_id or user.can_manage_plan

    def can_view(self, user):
        return user.is_authenticated
