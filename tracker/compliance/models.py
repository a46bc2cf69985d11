"""Per-right, per-quarter compliance: the force's self-assessment beside victims' voice."""

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class SelfRating(enum.StrEnum):
    COMPLIANT = "compliant"
    PARTIAL = "partial"
    NOT_COMPLIANT = "not_compliant"

    @property
    def label(self):
        return {"compliant": "Compliant", "partial": "Partially compliant", "not_compliant": "Not compliant"}[
            self.value
        ]

    @property
    def percent(self):
        """The figure a rating stands for when the force gave no percentage of its own."""
        return {"compliant": 100, "partial": 50, "not_compliant": 0}[self.value]


class VoiceSource(enum.StrEnum):
    SURVEY = "survey"
    FOCUS_GROUP = "focus_group"
    FORUM = "forum"
    COMPLAINTS = "complaints"
    OTHER = "other"

    @property
    def label(self):
        return {
            "survey": "Victim survey",
            "focus_group": "Focus group",
            "forum": "Voice of the Victim forum",
            "complaints": "Complaints",
            "other": "Other",
        }[self.value]


class ComplianceAssessment(db.Model):
    """Aggregate figures only: never anything that identifies a victim."""

    __tablename__ = "compliance_assessment"
    __table_args__ = (
        UniqueConstraint("right_id", "quarter"),
        CheckConstraint("self_percent IS NULL OR (self_percent >= 0 AND self_percent <= 100)", name="self_pct"),
        CheckConstraint("voice_percent IS NULL OR (voice_percent >= 0 AND voice_percent <= 100)", name="voice_pct"),
        CheckConstraint("voice_sample IS NULL OR voice_sample >= 0", name="voice_sample"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("code_right.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(12), index=True)
    self_rating: Mapped[str | None] = mapped_column(String(16))
    self_percent = mapped_column(Numeric(5, 2))
    self_source: Mapped[str] = mapped_column(Text, default="")
    voice_percent = mapped_column(Numeric(5, 2))
    voice_sample: Mapped[int | None] = mapped_column(Integer)
    voice_source: Mapped[str | None] = mapped_column(String(24))
    voice_themes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    right = relationship("CodeRight", lazy="joined")
    recorded_by = relationship("User", lazy="joined")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def self_rating_label(self):
        return SelfRating(self.self_rating).label if self.self_rating else None
