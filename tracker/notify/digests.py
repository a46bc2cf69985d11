"""Weekly digests for owners and escalation digests for chairs.

Planning a digest run reads every action it needs in one query, whatever the number of actions,
so the weekly run stays fast for a large plan; queueing then writes one row per recipient.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, or_, select

from tracker.auth.models import Department, User
from tracker.common.dates import local_today, long_date, working_days_between
from tracker.common.templating import pluralise
from tracker.extensions import db
from tracker.notify import kinds
from tracker.notify.models import OutboundEmail
from tracker.notify.receivers import active_chairs
from tracker.notify.services import (
    action_link,
    disabled_kinds,
    existing_dedupe_keys,
    insert_many_unless_exist,
    outbox_row,
)
from tracker.plan.brag import current_thresholds, last_activity_date, stale_cutoff
from tracker.plan.models import OPEN_STATUSES, Action, Status
from tracker.plan.queries import due_soon_heading, due_soon_until

OVERDUE = "Overdue"
STALE = "No update for {days}"


@dataclass
class DigestLine:
    """One action in a digest, with the sentence that says why it is there."""

    action: object
    link: str
    note: str
    days: int = 0


@dataclass
class Digest:
    """One digest e-mail to one person, ready to queue."""

    kind: str
    recipient: object
    dedupe_key: str
    subject: str
    template: str
    sections: list = field(default_factory=list)

    @property
    def action_count(self):
        return sum(len(lines) for _, lines in self.sections)

    def describe(self):
        """'weekly digest to lead@example.org: 2 overdue, 1 due soon'."""
        parts = ", ".join(f"{len(lines)} {heading.lower()}" for heading, lines in self.sections)
        return f"{kinds.kind_label(self.kind).lower()} to {self.recipient.email}: {parts}"


def iso_week(day):
    """'2026-W48': the period a weekly digest belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@lru_cache(maxsize=8192)
def working_days(start, end):
    """Working days after start up to end, remembered because many actions share a due date."""
    return working_days_between(start, end)


def overdue_note(action, today):
    """'3 working days overdue (due 1 December 2026)'."""
    count = working_days(action.current_due_date, today)
    due = long_date(action.current_due_date)
    if count == 0:
        return f"Overdue: it was due on {due}"
    return f"{pluralise(count, 'working day')} overdue (due {due})"


def due_soon_note(action, today):
    """'Due in 4 working days (4 December 2026)'."""
    count = working_days(today, action.current_due_date)
    due = long_date(action.current_due_date)
    return f"Due today ({due})" if count == 0 else f"Due in {pluralise(count, 'working day')} ({due})"


def stale_note(action):
    """'Last update 2 October 2026'."""
    if action.last_update_at is None:
        return f"No update since it started on {long_date(action.start_date)}"
    return f"Last update {long_date(last_activity_date(action))}"


@dataclass(frozen=True)
class DigestAction:
    """The few facts a digest shows about an action, read without building full ORM objects."""

    id: int
    reference: str
    title: str
    status: str
    progress: int
    current_due_date: object
    start_date: object
    last_update_at: object
    owner: object
    department: object

    @property
    def status_label(self):
        return Status(self.status).label


@dataclass(frozen=True)
class DepartmentName:
    name: str


def _open_actions(*conditions):
    """Open actions meeting any condition, with their owners: two queries, whatever their number."""
    where = (Action.status.in_([s.value for s in OPEN_STATUSES]), or_(*conditions))
    owners = db.session.scalars(select(User).where(User.id.in_(select(Action.owner_id).where(*where)))).all()
    owners = {owner.id: owner for owner in owners}
    rows = db.session.execute(
        select(
            Action.id,
            Action.reference,
            Action.title,
            Action.status,
            Action.progress,
            Action.current_due_date,
            Action.start_date,
            Action.last_update_at,
            Action.owner_id,
            Department.name,
        )
        .join(Department, Action.department_id == Department.id)
        .where(*where)
        .order_by(Action.current_due_date, Action.reference)
    )
    departments = {}
    return [
        DigestAction(
            *row[:8],
            owner=owners[row.owner_id],
            department=departments.setdefault(row.name, DepartmentName(row.name)),
        )
        for row in rows
    ]


def plan_weekly_digests(now):
    """The weekly digest each owner should get this week; owners with nothing to hear get none."""
    today = local_today(now)
    horizon = due_soon_until(today)
    thresholds = current_thresholds()
    stale_days = thresholds.stale_days
    stale = or_(
        and_(Action.last_update_at.is_(None), Action.start_date <= today - timedelta(days=stale_days)),
        Action.last_update_at < stale_cutoff(today, thresholds),
    )
    soon_heading = due_soon_heading()
    stale_heading = STALE.format(days=pluralise(stale_days, "day"))
    sections = defaultdict(lambda: {OVERDUE: [], soon_heading: [], stale_heading: []})
    owners = {}
    for action in _open_actions(Action.current_due_date <= horizon, stale):
        # Each action appears once, under the most pressing reason.
        if action.current_due_date < today:
            heading, note = OVERDUE, overdue_note(action, today)
        elif action.current_due_date <= horizon:
            heading, note = soon_heading, due_soon_note(action, today)
        elif (today - last_activity_date(action)).days >= stale_days:
            heading, note = stale_heading, stale_note(action)
        else:
            continue
        if action.owner.active:
            owners[action.owner.id] = action.owner
            sections[action.owner.id][heading].append(DigestLine(action, action_link(action), note))
    week = iso_week(today)
    return [
        _weekly_digest(owners[owner_id], week, [(h, lines) for h, lines in by_heading.items() if lines])
        for owner_id, by_heading in sections.items()
    ]


def _weekly_digest(owner, week, sections):
    counts = {heading: len(lines) for heading, lines in sections}
    parts = []
    if counts.get(OVERDUE):
        parts.append(f"{counts[OVERDUE]} overdue")
    soon = sum(n for h, n in counts.items() if h.startswith("Due in"))
    if soon:
        parts.append(f"{soon} due soon")
    stale = sum(n for h, n in counts.items() if h.startswith("No update"))
    if stale:
        parts.append(f"{stale} without a recent update")
    return Digest(
        kind=kinds.WEEKLY_DIGEST,
        recipient=owner,
        dedupe_key=f"weekly-digest:{owner.id}:{week}",
        subject=f"Your actions this week: {', '.join(parts)}",
        template="weekly_digest",
        sections=sections,
    )


def plan_escalation_digests(now):
    """The escalation digest each chair should get this week: actions overdue beyond the limit."""
    limit = current_app.config["ESCALATION_WORKING_DAYS"]
    today = local_today(now)
    # Working days are never more than calendar days, so this bound loses nothing.
    candidates = _open_actions(Action.current_due_date < today - timedelta(days=limit))
    lines = []
    for action in candidates:
        count = working_days(action.current_due_date, today)
        if count > limit:
            lines.append(DigestLine(action, action_link(action), overdue_note(action, today), days=count))
    if not lines:
        return []
    lines.sort(key=lambda line: (-line.days, line.action.reference))
    heading = f"Overdue by more than {pluralise(limit, 'working day')}"
    subject = f"Escalation: {pluralise(len(lines), 'action')} overdue by more than {pluralise(limit, 'working day')}"
    week = iso_week(today)
    return [
        Digest(
            kind=kinds.ESCALATION_DIGEST,
            recipient=chair,
            dedupe_key=f"escalation:{chair.id}:{week}",
            subject=subject,
            template="escalation_digest",
            sections=[(heading, lines)],
        )
        for chair in active_chairs()
    ]


def unsent(digests):
    """The digests not already in the outbox."""
    existing = existing_dedupe_keys([digest.dedupe_key for digest in digests])
    return [digest for digest in digests if digest.dedupe_key not in existing]


def queue_digests(digests):
    """Queue each digest once; return those this run queued (a concurrent run may have queued others)."""
    off = disabled_kinds()
    waiting = unsent(digests)
    rows = [
        outbox_row(
            digest.kind,
            dedupe_key=digest.dedupe_key,
            to_address=digest.recipient.email,
            to_user=digest.recipient,
            template=digest.template,
            subject=digest.subject,
            context={"sections": digest.sections, "digest": digest},
            enabled=digest.kind not in off,
        )
        for digest in waiting
    ]
    inserted = insert_many_unless_exist(OutboundEmail, rows, "dedupe_key")
    return [digest for digest in waiting if digest.dedupe_key in inserted]


def build_weekly_digests(now):
    """Queue this week's owner digests; return the digests queued by this run."""
    return queue_digests(plan_weekly_digests(now))


def build_escalation_digests(now):
    """Queue this week's escalation digests to chairs; return the digests queued by this run."""
    return queue_digests(plan_escalation_digests(now))
