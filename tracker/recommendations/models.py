"""Sources (inspection reports, reviews, audits), their recommendations and the actions that answer them."""

import enum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
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
    responses = relationship(
        "RecommendationResponse",
        back_populates="source",
        lazy="select",
        order_by="RecommendationResponse.number",
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


class RecommendationResponse(db.Model):
    """One version of the response a source's rule asks for: drafted, worded, approved, then published.

    While a draft, what it says of each recommendation is read from the recommendation and its
    actions as they stand; approving copies that into its items, and from then on it never changes.
    """

    __tablename__ = "recommendation_response"
    __table_args__ = (UniqueConstraint("source_id", "number", name="uq_recommendation_response_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("recommendation_source.id", ondelete="CASCADE"), index=True)
    # 1 for the first response, 2 for the next version, and so on.
    number: Mapped[int] = mapped_column(Integer, default=1)
    introduction: Mapped[str] = mapped_column(Text, default="")
    # The source's title and publication as they stood when the response was approved.
    title: Mapped[str | None] = mapped_column(String(300))
    source_published_on = mapped_column(Date)
    drafted_at = mapped_column(UTCDateTime, default=utcnow)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at = mapped_column(UTCDateTime)
    published_on = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    source = relationship("RecommendationSource", back_populates="responses", lazy="joined")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id], lazy="joined")
    edited_by = relationship("User", foreign_keys=[edited_by_id], lazy="joined")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")
    published_by = relationship("User", foreign_keys=[published_by_id], lazy="joined")
    items = relationship(
        "ResponseItem",
        back_populates="response",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="ResponseItem.position, ResponseItem.id",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def approved(self):
        return self.approved_at is not None

    @property
    def published(self):
        return self.published_at is not None

    @property
    def state_label(self):
        if self.published:
            return "Published"
        return "Approved, not yet published" if self.approved else "Draft"

    def can_read(self, user):
        """Published responses are for everyone signed in; drafts and approved ones for the managers."""
        if not user.is_authenticated:
            return False
        return self.published or self.source.can_manage(user)

    def can_edit(self, user):
        return not self.approved and self.source.can_manage(user)

    def can_approve(self, user):
        return not self.approved and self.source.can_manage(user)

    def can_publish(self, user):
        return self.approved and not self.published and self.source.can_manage(user)


class ResponseItem(db.Model):
    """What one version of a response says about one recommendation: the chair's wording and, once
    approved, the recommendation, its status and its actions as they then stood."""

    __tablename__ = "recommendation_response_item"
    __table_args__ = (UniqueConstraint("response_id", "recommendation_id", name="uq_response_item_recommendation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("recommendation_response.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    wording: Mapped[str] = mapped_column(Text, default="")
    # Copied when the response is approved.
    reference: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(24))
    status_reason: Mapped[str | None] = mapped_column(Text)
    # [{"title", "due", "status", "brag", "narrative", "narrative_on"}], dates as ISO text.
    actions = mapped_column(JSON)

    response = relationship("RecommendationResponse", back_populates="items")
    recommendation = relationship("Recommendation", lazy="joined")


class ApprovedResponseChanged(ValueError):
    """Something tried to change a response that is already approved."""


# What an approved response is: none of these may change. Publishing sets published_* once.
FROZEN_RESPONSE = (
    "introduction",
    "title",
    "source_published_on",
    "approved_at",
    "approved_by_id",
    "source_id",
    "number",
)
PUBLICATION = ("published_at", "published_on", "published_by_id")


def _response_state(connection, response_id):
    table = RecommendationResponse.__table__
    row = connection.execute(select(table.c.approved_at, table.c.published_at).where(table.c.id == response_id)).first()
    return (row.approved_at is not None, row.published_at is not None) if row else (False, False)


@event.listens_for(RecommendationResponse, "before_update")
def _approved_responses_are_immutable(mapper, connection, target):
    approved, published = _response_state(connection, target.id)
    if not approved:
        return
    attrs = inspect(target).attrs
    frozen = FROZEN_RESPONSE + (PUBLICATION if published else ())
    changed = [name for name in frozen if attrs[name].history.has_changes()]
    if changed:
        raise ApprovedResponseChanged(f"An approved response never changes (tried to change {', '.join(changed)})")


@event.listens_for(RecommendationResponse, "before_delete")
def _approved_responses_are_kept(mapper, connection, target):
    if _response_state(connection, target.id)[0]:
        raise ApprovedResponseChanged("An approved response is never deleted")


@event.listens_for(ResponseItem, "before_update")
@event.listens_for(ResponseItem, "before_delete")
def _approved_items_are_immutable(mapper, connection, target):
    if _response_state(connection, target.response_id)[0]:
        raise ApprovedResponseChanged("An approved response never changes: draft a new version instead")
