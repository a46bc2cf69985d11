"""The improvement plan: actions, their links, updates, requests and evidence."""

import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, object_session, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    AWAITING_SIGNOFF = "awaiting_signoff"
    COMPLETE = "complete"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.IN_PROGRESS: "In progress",
    Status.BLOCKED: "Blocked",
    Status.AWAITING_SIGNOFF: "Awaiting sign-off",
    Status.COMPLETE: "Complete",
    Status.CANCELLED: "Cancelled",
}
OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.AWAITING_SIGNOFF)
# Statuses an owner may declare in an update; complete comes only from sign-off.
UPDATE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)


class Rag(enum.StrEnum):
    BLUE = "blue"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self):
        return self.value.capitalize()


class Source(enum.StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    FOCUS_GROUP = "focus_group"
    INSPECTION = "inspection"
    FORUM = "forum"
    JOURNEY_MAPPING = "journey_mapping"
    COMPLAINTS = "complaints"
    OTHER = "other"

    @property
    def label(self):
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    Source.SELF_ASSESSMENT: "MoJ compliance self-assessment",
    Source.FOCUS_GROUP: "Focus group with victims and survivors",
    Source.INSPECTION: "HMICFRS inspection recommendation",
    Source.FORUM: "Voice of the Victim forum",
    Source.JOURNEY_MAPPING: "Victim journey mapping",
    Source.COMPLAINTS: "Complaints and feedback",
    Source.OTHER: "Other",
}


class EntryKind(enum.StrEnum):
    """What a timeline entry records."""

    CREATED = "created"
    UPDATE = "update"
    ASSIGNED = "assigned"
    EDITED = "edited"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"
    EXTENSION_WITHDRAWN = "extension_withdrawn"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSURE_APPROVED = "closure_approved"
    CLOSURE_REFUSED = "closure_refused"
    CLOSURE_WITHDRAWN = "closure_withdrawn"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    EVIDENCE_ADDED = "evidence_added"
    DUE_DATE_MOVED = "due_date_moved"
    DISCUSSED = "discussed"


class RequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


action_rights = Table(
    "action_right",
    db.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("right_id", ForeignKey("code_right.id", ondelete="CASCADE"), primary_key=True, index=True),
)
action_priorities = Table(
    "action_priority",
    db.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True, index=True),
)
action_touchpoints = Table(
    "action_touchpoint",
    db.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("touchpoint_id", ForeignKey("touchpoint.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Action(db.Model):
    """One action of the improvement plan."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_action_status_due", "status", "current_due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(250))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default=Source.OTHER.value, index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    start_date = mapped_column(Date, nullable=False)
    original_due_date = mapped_column(Date, nullable=False)
    current_due_date = mapped_column(Date, nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(24), default=Status.NOT_STARTED.value, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    success_measure: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    completed_on = mapped_column(Date)
    # Denormalised from the timeline so that lists and rules need no per-row query.
    last_update_at = mapped_column(UTCDateTime, index=True)
    declared_rag: Mapped[str | None] = mapped_column(String(8))
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    # The rule RAG last seen by the reminder reconcile, to notice an action turning Red once.
    last_rule_rag: Mapped[str | None] = mapped_column(String(8))
    created_at = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    department = relationship("Department", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="select")
    rights = relationship("CodeRight", secondary=action_rights, lazy="selectin", order_by="CodeRight.number")
    priorities = relationship("Priority", secondary=action_priorities, lazy="selectin", order_by="Priority.number")
    touchpoints = relationship(
        "Touchpoint", secondary=action_touchpoints, lazy="selectin", order_by="Touchpoint.position"
    )
    entries = relationship(
        "ActionUpdate",
        back_populates="action",
        lazy="dynamic",
        order_by="ActionUpdate.created_at.desc(), ActionUpdate.id.desc()",
    )

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self):
        return f"<Action {self.reference}>"

    @property
    def status_label(self):
        return Status(self.status).label

    @property
    def source_label(self):
        return Source(self.source).label

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_extended(self):
        return self.current_due_date != self.original_due_date

    def can_edit(self, user):
        """Chair and admin edit, assign and cancel any action."""
        return user.is_authenticated and user.can_manage_plan

    def can_update(self, user):
        """The owner, or a lead of the owning department, posts updates and makes requests."""
        if not user.is_authenticated or not user.active:
            return False
        if user.id == self.owner_id:
            return True
        return user.is_lead and user.department_id == self.department_id

    def can_add_evidence(self, user):
        """Whoever may update the action, and the chair and admin, attach evidence to it."""
        return self.can_update(user) or self.can_edit(user)

    def can_decide(self, user):
        """The chair (and admin) decide extensions and closures."""
        return user.is_authenticated and user.can_manage_plan

    def can_view(self, user):
        """Every signed-in role reads the whole plan."""
        return user.is_authenticated


# The action list's "progress" and "last updated" sorts read these in order and stop after a page,
# rather than sorting every action (ix_action_status_due and the column indexes serve the rest).
Index("ix_action_progress_order", Action.progress, Action.id)
# ix_action_updated_order, read backwards, gives "last updated, newest first, never-updated last".
# Its definition differs by database (PostgreSQL needs NULLS FIRST said, SQLite refuses the words),
# so it lives only in migration perf_0002 and autogenerate is told to leave it alone.
MIGRATION_ONLY_INDEXES = frozenset({"ix_action_updated_order"})


class ActionUpdate(db.Model):
    """An immutable timeline entry: a progress update, a request, a decision or a change."""

    __tablename__ = "action_update"
    __table_args__ = (
        Index("ix_action_update_action_created", "action_id", "created_at"),
        CheckConstraint("progress IS NULL OR (progress >= 0 AND progress <= 100)", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32), default=EntryKind.UPDATE.value)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(24))
    progress: Mapped[int | None] = mapped_column(Integer)
    declared_rag: Mapped[str | None] = mapped_column(String(8))
    extension_request_id: Mapped[int | None] = mapped_column(ForeignKey("extension_request.id"))
    closure_request_id: Mapped[int | None] = mapped_column(ForeignKey("closure_request.id"))
    # Set on entries an import wrote: the file's name and when it was imported. A person's words have neither.
    imported_from: Mapped[str | None] = mapped_column(String(255))
    imported_at = mapped_column(UTCDateTime)
    # Set on the chair's due-date moves: the current due date until then, so the plan can be read as it stood.
    due_date_before = mapped_column(Date)

    action = relationship("Action", back_populates="entries", lazy="joined")
    author = relationship("User", lazy="joined")
    evidence = relationship("Evidence", back_populates="update", lazy="selectin", order_by="Evidence.id")
    extension_request = relationship("ExtensionRequest", lazy="select")
    closure_request = relationship("ClosureRequest", lazy="select")


@event.listens_for(ActionUpdate, "before_update")
def _updates_are_immutable(mapper, connection, target):
    # Attaching evidence touches the entry's collection only; its own columns must never change.
    if object_session(target).is_modified(target, include_collections=False):
        raise ValueError("Timeline entries are never changed once written")


class ExtensionRequest(db.Model):
    """An owner's request to move the current due date, and the chair's decision."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at = mapped_column(UTCDateTime, default=utcnow)
    previous_due_date = mapped_column(Date, nullable=False)
    new_due_date = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=RequestState.PENDING.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    action = relationship("Action", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version_id}


class ClosureRequest(db.Model):
    """An owner's request to close an action as complete, and the chair's sign-off."""

    __tablename__ = "closure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=RequestState.PENDING.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # "Signed off without evidence: <the chair's reason>", when the chair signed off despite a gap.
    exception_note: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    action = relationship("Action", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")
    evidence = relationship("Evidence", back_populates="closure_request", lazy="selectin")

    __mapper_args__ = {"version_id_col": version_id}


class Evidence(db.Model):
    """A file or link attached to an action, an update or a closure request."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("action_update.id"), index=True)
    closure_request_id: Mapped[int | None] = mapped_column(ForeignKey("closure_request.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at = mapped_column(UTCDateTime, default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")
    is_link: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # Stored in the database so that every app server can serve it.
    content = deferred(mapped_column(LargeBinary))

    action = relationship("Action", lazy="joined")
    update = relationship("ActionUpdate", back_populates="evidence", lazy="select")
    closure_request = relationship("ClosureRequest", back_populates="evidence", lazy="select")
    uploaded_by = relationship("User", lazy="joined")
