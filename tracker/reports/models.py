"""Quarterly reports for the subgroup, the chair's notes for them and the distribution list."""

import enum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    false,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.common.quarters import Quarter
from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class ReportState(enum.StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    # Published, then found wrong and taken back by an admin; kept, with its PDF, for the record.
    WITHDRAWN = "withdrawn"
    # Withdrawn, and a corrected report of the same quarter has been built in its place.
    SUPERSEDED = "superseded"

    @property
    def label(self):
        return {
            "awaiting_approval": "Awaiting approval",
            "published": "Published",
            "withdrawn": "Withdrawn",
            "superseded": "Superseded",
        }[self.value]


# The states of a quarter's one current report; withdrawn and superseded ones stay in the archive beside it.
LIVE_STATES = (ReportState.AWAITING_APPROVAL.value, ReportState.PUBLISHED.value)
WITHDRAWN_STATES = (ReportState.WITHDRAWN.value, ReportState.SUPERSEDED.value)
_LIVE_WHERE = text("state IN ('awaiting_approval', 'published')")


class Report(db.Model):
    """A quarter's report: its frozen data, its PDF and its checksum.

    A quarter has at most one live report (awaiting approval or published); a published report
    that was wrong is withdrawn, and the corrected build supersedes it, both kept.
    """

    __tablename__ = "report"
    __table_args__ = (
        Index(
            "uq_report_live_quarter",
            "quarter",
            unique=True,
            sqlite_where=_LIVE_WHERE,
            postgresql_where=_LIVE_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(12), index=True)
    state: Mapped[str] = mapped_column(String(24), default=ReportState.AWAITING_APPROVAL.value)
    built_at = mapped_column(UTCDateTime, default=utcnow)
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    snapshot = deferred(mapped_column(JSON))
    pdf = deferred(mapped_column(LargeBinary))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    published_at = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    distributed_at = mapped_column(UTCDateTime)
    withdrawn_at = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    built_by = relationship("User", foreign_keys=[built_by_id], lazy="joined")
    published_by = relationship("User", foreign_keys=[published_by_id], lazy="joined")
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id], lazy="joined")
    superseded_by = relationship("Report", remote_side=[id], lazy="select")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def period(self):
        return Quarter.parse(self.quarter)

    @property
    def slug(self):
        return self.period.slug

    @property
    def is_published(self):
        return self.state == ReportState.PUBLISHED

    @property
    def is_withdrawn(self):
        """True for a withdrawn report, whether or not a corrected one has superseded it."""
        return self.state in WITHDRAWN_STATES

    @property
    def was_published(self):
        """True once published, even if withdrawn since: everyone may read it."""
        return self.state == ReportState.PUBLISHED or self.is_withdrawn

    @property
    def state_label(self):
        return ReportState(self.state).label


class PublishedReportChanged(ValueError):
    """Something tried to change a report that is already published."""


# What a published report is: once published, none of these may change.
FROZEN_FIELDS = ("quarter", "snapshot", "pdf", "pdf_size", "sha256", "built_at", "state")
# Once withdrawn, the record of the withdrawal never changes either.
WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by_id", "withdrawal_reason")
# The only ways a published report's state may move on.
LATER_STATES = {
    ReportState.PUBLISHED.value: ReportState.WITHDRAWN.value,
    ReportState.WITHDRAWN.value: ReportState.SUPERSEDED.value,
}


@event.listens_for(Report, "before_update")
def _published_reports_are_immutable(mapper, connection, target):
    table = Report.__table__
    # Read the stored state: the attribute's history is empty when the object was expired.
    was = connection.scalar(select(table.c.state).where(table.c.id == target.id))
    if was not in (ReportState.PUBLISHED, *WITHDRAWN_STATES):
        return
    attrs = inspect(target).attrs
    frozen = FROZEN_FIELDS + (WITHDRAWAL_FIELDS if was in WITHDRAWN_STATES else ())
    if was == ReportState.SUPERSEDED:
        frozen += ("superseded_by_id",)
    changed = [name for name in frozen if attrs[name].history.has_changes()]
    if "state" in changed and LATER_STATES.get(was) == target.state:
        changed.remove("state")
    if changed:
        raise PublishedReportChanged(f"A published report never changes (tried to change {', '.join(changed)})")


class ReportNotes(db.Model):
    """The chair's notes for a quarter's report: the decisions the subgroup is asked to take, and
    whether the report has a section on the quarter's meetings."""

    __tablename__ = "report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(12), unique=True)
    decisions: Mapped[str] = mapped_column(Text, default="")
    # The chair's choice: a section on the quarter's meetings (dates, attendance, decisions taken).
    include_meetings: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}


class DistributionRecipient(db.Model):
    """A member of the subgroup's distribution list."""

    __tablename__ = "distribution_recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    organisation: Mapped[str] = mapped_column(String(160), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}


class BuildState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return {"queued": "Waiting to start", "running": "Building", "done": "Built", "failed": "Failed"}[self.value]


ACTIVE_BUILD_STATES = (BuildState.QUEUED.value, BuildState.RUNNING.value)
# What was asked for: build the report, publish the one built (which draws its cover again), or make
# a draft PDF of the report as it would be built now, which is kept on the request and changes no report.
BUILD, PUBLISH, DRAFT = "build", "publish", "draft"
_ACTIVE_REPORT_WHERE = text("state IN ('queued', 'running') AND purpose <> 'draft'")
_ACTIVE_DRAFT_WHERE = text("state IN ('queued', 'running') AND purpose = 'draft'")


class ReportBuild(db.Model):
    """A quarter's report asked to be built or published: the scheduler process does it, away from any request."""

    __tablename__ = "report_build"
    __table_args__ = (
        # One build or publication of a quarter waits or runs at a time.
        Index(
            "uq_report_build_active_quarter",
            "quarter",
            unique=True,
            sqlite_where=_ACTIVE_REPORT_WHERE,
            postgresql_where=_ACTIVE_REPORT_WHERE,
        ),
        # And, beside it, one draft PDF of the quarter: a draft never waits for a build, nor a build for a draft.
        Index(
            "uq_report_build_active_draft",
            "quarter",
            unique=True,
            sqlite_where=_ACTIVE_DRAFT_WHERE,
            postgresql_where=_ACTIVE_DRAFT_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(12), index=True)
    purpose: Mapped[str] = mapped_column(String(12), default=BUILD)
    state: Mapped[str] = mapped_column(String(12), default=BuildState.QUEUED.value)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at = mapped_column(UTCDateTime, default=utcnow)
    started_at = mapped_column(UTCDateTime)
    finished_at = mapped_column(UTCDateTime)
    # The scheduler process building it: a build left running by another one was stopped part-way.
    worker: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What the person is told once it is done: "The 2026/27 Q3 report is published. It is on its way to 2 people."
    outcome: Mapped[str] = mapped_column(Text, default="")
    # A draft's PDF once made, when the plan was read for it, and the SHA-256 of what it was made from
    # (the report's data without the day it was made), to tell whether the plan has changed since;
    # and the data revision read just before, which says at once that nothing has been written since.
    pdf = deferred(mapped_column(LargeBinary))
    as_at = mapped_column(UTCDateTime)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int | None] = mapped_column(BigInteger)

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")

    @property
    def period(self):
        return Quarter.parse(self.quarter)

    @property
    def is_active(self):
        return self.state in ACTIVE_BUILD_STATES

    @property
    def state_label(self):
        return BuildState(self.state).label

    @property
    def is_publishing(self):
        return self.purpose == PUBLISH

    @property
    def is_draft(self):
        return self.purpose == DRAFT
