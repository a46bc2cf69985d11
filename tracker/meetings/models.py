"""Meetings of the groups that hold the plan: series, meetings, attendance, agenda items and minutes."""

import enum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class MeetingState(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    HELD = "held"
    MINUTES_APPROVED = "minutes_approved"

    @property
    def label(self):
        return STATE_LABELS[self]


STATE_LABELS = {
    MeetingState.PLANNED: "Planned",
    MeetingState.IN_PROGRESS: "In progress",
    MeetingState.HELD: "Held",
    MeetingState.MINUTES_APPROVED: "Minutes approved",
}


def clock_time(moment):
    """'2pm', '9:30am', 'midday', 'midnight'."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


class ItemKind(enum.StrEnum):
    """Why an item is on the agenda."""

    LAST_MINUTES = "last_minutes"
    ACTIONS_ARISING = "actions_arising"
    ACTION = "action"
    ADDED = "added"
    COMPLIANCE = "compliance"


series_members = Table(
    "meeting_series_member",
    db.metadata,
    Column("series_id", ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MeetingSeries(db.Model):
    """A group that meets again and again, such as the Victims Code Champions meeting."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    default_chair_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    default_secretary_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The agenda goes to attendees this many working days before each meeting.
    agenda_working_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    created_at = mapped_column(UTCDateTime, default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    members = relationship("User", secondary=series_members, lazy="selectin", order_by="User.name")
    default_chair = relationship("User", foreign_keys=[default_chair_id], lazy="joined")
    default_secretary = relationship("User", foreign_keys=[default_secretary_id], lazy="joined")
    meetings = relationship(
        "Meeting", back_populates="series", lazy="dynamic", order_by="Meeting.held_on.desc(), Meeting.id.desc()"
    )

    __mapper_args__ = {"version_id_col": version_id}

    def is_member(self, user):
        return user.is_authenticated and any(member.id == user.id for member in self.members)

    def can_manage(self, user):
        """Admins and chairs set up series and their meetings."""
        return user.is_authenticated and user.can_manage_plan

    def can_view(self, user):
        """Members see their series' meetings; admins and chairs see every series."""
        return self.can_manage(user) or self.is_member(user)


class Meeting(db.Model):
    """One meeting of a series: when and where, who came, its agenda and its minutes."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    held_on = mapped_column(Date, nullable=False, index=True)
    starts_at = mapped_column(Time, nullable=False)
    place: Mapped[str] = mapped_column(String(500), default="")
    guests: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(24), default=MeetingState.PLANNED.value, index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agenda_sent_at = mapped_column(UTCDateTime)
    # How many people the agenda was last sent to.
    agenda_sent_to: Mapped[int | None] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    series = relationship("MeetingSeries", back_populates="meetings", lazy="joined")
    chair = relationship("User", foreign_keys=[chair_id], lazy="joined")
    secretary = relationship("User", foreign_keys=[secretary_id], lazy="joined")
    attendance = relationship(
        "Attendance", back_populates="meeting", lazy="selectin", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    items = relationship(
        "AgendaItem",
        back_populates="meeting",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="AgendaItem.position",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_label(self):
        return MeetingState(self.state).label

    @property
    def start_text(self):
        """The start time as GOV.UK writes times: 2pm, 9:30am, midday."""
        return clock_time(self.starts_at)

    @property
    def title(self):
        from tracker.common.dates import long_date

        return f"{self.series.name}, {long_date(self.held_on)}"

    @property
    def attendees(self):
        return [row.user for row in self.attendance if not row.apologies]

    @property
    def apologies(self):
        return [row.user for row in self.attendance if row.apologies]

    @property
    def guest_names(self):
        return [line.strip() for line in (self.guests or "").splitlines() if line.strip()]

    def can_view(self, user):
        return self.series.can_view(user)

    def can_record(self, user):
        """The meeting's chair and secretary, and administrators, prepare the agenda and record the meeting."""
        if not user.is_authenticated or not user.active:
            return False
        return user.is_admin or user.id in (self.chair_id, self.secretary_id)


class Attendance(db.Model):
    """A member expected at a meeting, or one who sent apologies."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    apologies: Mapped[bool] = mapped_column(default=False)

    meeting = relationship("Meeting", back_populates="attendance")
    user = relationship("User", lazy="joined")


class AgendaItem(db.Model):
    """One item of a meeting's agenda, and what was noted and decided on it."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    # Why the agenda proposed it, in words: "Red: 12 days past due date of ...; extension waiting".
    reason: Mapped[str] = mapped_column(Text, default="")
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"), index=True)
    # The action's rule BRAG when the agenda was proposed, to notice an action turning Red by the next one.
    rag_when_proposed: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    meeting = relationship("Meeting", back_populates="items")
    action = relationship("Action", lazy="joined")
    recorded_by = relationship("User", lazy="joined")
    arising = relationship("ActionArising", back_populates="item", lazy="selectin", order_by="ActionArising.id")

    __mapper_args__ = {"version_id_col": version_id}


class ActionArising(db.Model):
    """An action the meeting created, tied to the item it arose from."""

    __tablename__ = "action_arising"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("AgendaItem", back_populates="arising")
    action = relationship("Action", lazy="joined")


class DiscussionRequest(db.Model):
    """An owner's wish, ticked in an update, that the next meeting discuss their action."""

    __tablename__ = "discussion_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("action_update.id", ondelete="SET NULL"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Set when a meeting has discussed the action: the mark is then cleared.
    cleared_at = mapped_column(UTCDateTime)
    cleared_by_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))

    action = relationship("Action", lazy="joined")
    raised_by = relationship("User", lazy="joined")


class Minutes(db.Model):
    """The minutes of a meeting: drafted from what was recorded, worded by the chair or secretary, approved.

    Approved minutes never change; a correction is an addendum under them.
    """

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    # One name a line, as the chair words them.
    present: Mapped[str] = mapped_column(Text, default="")
    apologies: Mapped[str] = mapped_column(Text, default="")
    guests: Mapped[str] = mapped_column(Text, default="")
    # The actions arising as they stood when the minutes were drafted: reference, title, owner, due.
    arising = mapped_column(JSON, nullable=False, default=list)
    drafted_at = mapped_column(UTCDateTime, default=utcnow)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_at = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    meeting = relationship("Meeting", lazy="joined", backref=backref("minutes", uselist=False, lazy="select"))
    drafted_by = relationship("User", foreign_keys=[drafted_by_id], lazy="joined")
    edited_by = relationship("User", foreign_keys=[edited_by_id], lazy="joined")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")
    items = relationship(
        "MinutesItem",
        back_populates="minutes",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="MinutesItem.position",
    )
    addenda = relationship(
        "MinutesAddendum",
        back_populates="minutes",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="MinutesAddendum.id",
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def approved(self):
        return self.approved_at is not None

    @staticmethod
    def lines(text):
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def can_read(self, user):
        """Approved minutes are for everyone signed in; a draft only for the series' members."""
        if not user.is_authenticated:
            return False
        return self.approved or self.meeting.can_view(user)

    def can_edit(self, user):
        """The meeting's chair and secretary word the draft; nobody changes approved minutes."""
        return not self.approved and self.meeting.can_record(user)

    def can_approve(self, user):
        """The meeting's chair approves its minutes (an administrator may stand in)."""
        if not user.is_authenticated or not user.active or self.approved:
            return False
        return user.is_admin or user.id == self.meeting.chair_id

    def can_add_addendum(self, user):
        return self.approved and self.meeting.can_record(user)


class MinutesItem(db.Model):
    """One agenda item in the minutes: its title, what was said and what was decided, as minuted."""

    __tablename__ = "minutes_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    minute: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")

    minutes = relationship("Minutes", back_populates="items")


class MinutesAddendum(db.Model):
    """A dated correction to approved minutes: what it says, who added it and when."""

    __tablename__ = "minutes_addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)

    minutes = relationship("Minutes", back_populates="addenda")
    author = relationship("User", lazy="joined")


class ApprovedMinutesChanged(ValueError):
    """Something tried to change minutes that are already approved."""


# What approved minutes are: once approved, none of these may change (sent_at records each sending).
FROZEN_MINUTES = ("present", "apologies", "guests", "arising", "approved_at", "approved_by_id", "meeting_id")


def _approved_in_database(connection, minutes_id):
    table = Minutes.__table__
    return connection.scalar(select(table.c.approved_at).where(table.c.id == minutes_id)) is not None


@event.listens_for(Minutes, "before_update")
def _approved_minutes_are_immutable(mapper, connection, target):
    if not _approved_in_database(connection, target.id):
        return
    attrs = inspect(target).attrs
    changed = [name for name in FROZEN_MINUTES if attrs[name].history.has_changes()]
    if changed:
        raise ApprovedMinutesChanged(f"Approved minutes never change (tried to change {', '.join(changed)})")


@event.listens_for(MinutesItem, "before_update")
@event.listens_for(MinutesItem, "before_delete")
def _approved_items_are_immutable(mapper, connection, target):
    if _approved_in_database(connection, target.minutes_id):
        raise ApprovedMinutesChanged("Approved minutes never change: add an addendum instead")
