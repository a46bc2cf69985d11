"""Reference data: the rights of the Victims' Code, the group's priorities, the victim journey."""

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

touchpoint_rights = Table(
    "touchpoint_right",
    db.metadata,
    Column("touchpoint_id", ForeignKey("touchpoint.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("code_right.id", ondelete="CASCADE"), primary_key=True),
)


class CodeRight(db.Model):
    """One right of one edition of the Code of Practice for Victims of Crime."""

    __tablename__ = "code_right"
    __table_args__ = (UniqueConstraint("edition", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def label(self):
        return f"Right {self.number}: {self.title}"

    def __repr__(self):
        return f"<CodeRight {self.edition}/{self.number}>"


class Priority(db.Model):
    """One of the Task & Finish group's priorities."""

    __tablename__ = "priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def label(self):
        return f"Priority {self.number}: {self.title}"


class Touchpoint(db.Model):
    """A point in the victim's journey, who owns it, and how victim feedback is captured there."""

    __tablename__ = "touchpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    stage: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    # Empty or "none" means no feedback is captured here, the gap the group most wants to see.
    feedback_mechanism: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    department = relationship("Department", lazy="joined")
    rights = relationship("CodeRight", secondary=touchpoint_rights, lazy="selectin", order_by="CodeRight.number")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def has_feedback_mechanism(self):
        text = (self.feedback_mechanism or "").strip().lower()
        return text not in {"", "none", "no", "n/a", "none.", "nothing"}
