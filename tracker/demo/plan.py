"""A realistic, deterministic demo plan: departments, one user per role, actions and updates."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select

from tracker.auth.models import Department, Role, User
from tracker.demo.assessments import load_demo_assessments
from tracker.demo.content import ACTIONS, FIRST_NAMES, SURNAMES, UPDATE_LINES
from tracker.demo.requests import draft_requests, write_requests
from tracker.extensions import db
from tracker.plan.models import (
    OPEN_STATUSES,
    Action,
    ActionUpdate,
    EntryKind,
    ExtensionRequest,
    Rag,
    RequestState,
    Status,
    action_priorities,
    action_rights,
    action_touchpoints,
)
from tracker.reference.models import CodeRight, Priority, Touchpoint

DEMO_PASSWORD_SUFFIX = "-demo-pass-2026"
DEMO_USERS = [
    (Role.ADMIN, "Alex Morgan", "admin@example.org", "OPCC Victim Services"),
    (Role.CHAIR, "Sam Whitfield", "chair@example.org", None),
    (Role.LEAD, "Jordan Blake", "lead@example.org", "Contact Management"),
    (Role.VIEWER, "Robin Ellis", "viewer@example.org", None),
]


def demo_password(role):
    """The printed demo password for a role."""
    return f"{role.value}{DEMO_PASSWORD_SUFFIX}"


def has_plan():
    """True when any action exists."""
    return bool(db.session.scalar(select(func.count(Action.id))))


def _moment(day, rng):
    return datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tzinfo=UTC)


def _demo_users(departments):
    users = {}
    for role, name, email, department in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(name=name, email=email, role=role.value, department=departments.get(department))
            user.set_password(demo_password(role))
            db.session.add(user)
        users[role] = user
    return users


def _department_leads(departments, per_department, extra_leads):
    """Leads who own actions: `per_department` in each department, then `extra_leads` spread across them."""
    ordered = [department for _name, department in sorted(departments.items())]
    people = []
    for position, department in enumerate(ordered):
        for slot in range(per_department):
            index = position * per_department + slot
            people.append(
                (index, FIRST_NAMES[index % len(FIRST_NAMES)], SURNAMES[(index * 7) % len(SURNAMES)], department)
            )
    first_extra = len(people)
    for offset in range(extra_leads):
        index = first_extra + offset
        department = ordered[offset % len(ordered)] if ordered else None
        people.append((index, FIRST_NAMES[index % len(FIRST_NAMES)], SURNAMES[(index * 5) % len(SURNAMES)], department))
    emails = [f"{first}.{last}.{index}@example.org".lower() for index, first, last, _ in people]
    existing = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
    leads = []
    for email, (_index, first, last, department) in zip(emails, people, strict=True):
        user = existing.get(email)
        if user is None:
            # Demo leads cannot sign in: only the four printed demo accounts have passwords.
            user = User(name=f"{first} {last}", email=email, role=Role.LEAD.value, department=department)
            db.session.add(user)
        leads.append(user)
    return leads


STATUS_WEIGHTS = [
    (Status.NOT_STARTED, 14),
    (Status.IN_PROGRESS, 44),
    (Status.BLOCKED, 6),
    (Status.AWAITING_SIGNOFF, 6),
    (Status.COMPLETE, 25),
    (Status.CANCELLED, 5),
]
# Actions are written in batches of plain rows: thousands of ORM objects would make large plans slow.
BATCH_SIZE = 1000


def _pick_status(rng):
    statuses, weights = zip(*STATUS_WEIGHTS, strict=False)
    return rng.choices(statuses, weights=weights)[0]


@dataclass
class _Links:
    """Reference rows by the keys the demo content uses."""

    rights: dict
    priorities: dict
    touchpoints: dict

    @classmethod
    def load(cls):
        return cls(
            rights={r.number: r.id for r in db.session.scalars(select(CodeRight))},
            priorities={p.number: p.id for p in db.session.scalars(select(Priority))},
            touchpoints={t.name: t.id for t in db.session.scalars(select(Touchpoint))},
        )


@dataclass
class _Draft:
    """One demo action and its linked rows, before they are written."""

    action: dict
    rights: list
    priorities: list
    touchpoints: list
    entries: list = field(default_factory=list)
    extension: dict | None = None
    owner_name: str = ""
    closure: dict | None = None
    pending_extension: dict | None = None


def _next_reference_number():
    """One past the highest VV-nnn reference, so demo actions load beside any already there."""
    references = db.session.scalars(select(Action.reference).where(Action.reference.like("VV-%")))
    return max((int(ref[3:]) for ref in references if ref[3:].isdigit()), default=0) + 1


def load_demo(*, actions=40, seed=2026, today, updates_per_action=None, users=0, leads_per_department=2):
    """Load demo users and a plan of `actions` actions; return {role: user} and the number created.

    `users` adds that many more department leads, spread across the departments, who own actions.
    The same seed, size and day always give the same plan.
    """
    rng = random.Random(seed)
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    demo_users = _demo_users(departments)
    leads = [demo_users[Role.LEAD]] + _department_leads(departments, leads_per_department, users)
    db.session.flush()
    links = _Links.load()
    chair_id = demo_users[Role.CHAIR].id
    start_number = _next_reference_number()
    for batch_start in range(0, actions, BATCH_SIZE):
        drafts = []
        for offset in range(batch_start, min(actions, batch_start + BATCH_SIZE)):
            owner = leads[rng.randrange(len(leads))] if offset % 5 else demo_users[Role.LEAD]
            template = ACTIONS[offset % len(ACTIONS)]
            drafts.append(_demo_action(start_number + offset, template, owner, rng, today, links, updates_per_action))
        _write(drafts, chair_id)
    load_demo_assessments(today=today, seed=seed, recorded_by=demo_users[Role.ADMIN])
    return demo_users, actions


def _write(drafts, chair_id):
    """Insert a batch of drafted actions with their links, timelines and extensions."""
    for draft in drafts:
        draft.action["created_by_id"] = chair_id
    actions = Action.__table__
    ids = db.session.scalars(
        insert(actions).returning(actions.c.id, sort_by_parameter_order=True), [draft.action for draft in drafts]
    ).all()
    rows = {table: [] for table in (action_rights, action_priorities, action_touchpoints)}
    rows |= {ActionUpdate.__table__: [], ExtensionRequest.__table__: []}
    for action_id, draft in zip(ids, drafts, strict=True):
        rows[action_rights] += [{"action_id": action_id, "right_id": right} for right in draft.rights]
        rows[action_priorities] += [{"action_id": action_id, "priority_id": p} for p in draft.priorities]
        rows[action_touchpoints] += [{"action_id": action_id, "touchpoint_id": t} for t in draft.touchpoints]
        rows[ActionUpdate.__table__] += [entry | {"action_id": action_id} for entry in draft.entries]
        if draft.extension:
            rows[ExtensionRequest.__table__].append(
                draft.extension | {"action_id": action_id, "decided_by_id": chair_id}
            )
    for table, batch in rows.items():
        if batch:
            db.session.execute(insert(table), batch)
    write_requests(drafts, ids, chair_id)


def _demo_action(number, template, owner, rng, today, links, updates_per_action):
    title, description, measure, source, right_numbers, priority_numbers, touchpoint_names = template
    cycle = (number - 1) // len(ACTIONS)
    start = today - timedelta(days=rng.randrange(30, 300))
    due = today + timedelta(days=rng.randrange(-90, 200))
    if due <= start:
        due = start + timedelta(days=rng.randrange(30, 120))
    status = _pick_status(rng)
    progress = {Status.NOT_STARTED: 0, Status.COMPLETE: 100}.get(status, rng.choice([10, 25, 40, 50, 60, 75, 90]))
    extra_right = 1 + rng.randrange(12)
    rights = sorted(set(right_numbers) | ({extra_right} if rng.random() < 0.2 else set()))
    action = {
        "reference": f"VV-{number:03d}",
        "title": title if cycle == 0 else f"{title} (phase {cycle + 1})",
        "description": description,
        "success_measure": measure,
        "source": source.value,
        "owner_id": owner.id,
        "department_id": owner.department_id,
        "start_date": start,
        "original_due_date": due,
        "current_due_date": due,
        "status": status.value,
        "progress": progress,
        "created_at": _moment(start, rng),
        "cancel_reason": None,
        "completed_on": None,
        "last_update_at": None,
        "declared_rag": None,
        "extension_count": 0,
    }
    if status == Status.CANCELLED:
        action["cancel_reason"] = "Superseded by a force-wide change agreed at the Champions meeting."
    if status == Status.COMPLETE:
        action["completed_on"] = min(today, due + timedelta(days=rng.randrange(-20, 10)))
    draft = _Draft(
        action=action,
        rights=[links.rights[n] for n in rights],
        priorities=[links.priorities[n] for n in priority_numbers],
        touchpoints=[links.touchpoints[n] for n in touchpoint_names if n in links.touchpoints],
    )
    _demo_timeline(draft, owner, rng, today, updates_per_action)
    draft_requests(draft, number, owner, today)
    return draft


def _demo_timeline(draft, owner, rng, today, updates_per_action):
    action = draft.action
    count = updates_per_action if updates_per_action is not None else rng.randrange(0, 5)
    if action["status"] == Status.NOT_STARTED.value and updates_per_action is None:
        count = 0
    span = max((today - action["start_date"]).days, 1)
    days = sorted(rng.randrange(span) for _ in range(count))
    progress = 0
    for index, day_offset in enumerate(days):
        day = action["start_date"] + timedelta(days=day_offset)
        progress = min(action["progress"], progress + rng.choice([5, 10, 15, 20]))
        if index == len(days) - 1:
            progress = action["progress"]
        rag = rng.choice([Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED])
        blocked = action["status"] == Status.BLOCKED.value and index == len(days) - 1
        created_at = _moment(day, rng)
        draft.entries.append(
            {
                "author_id": owner.id,
                "created_at": created_at,
                "kind": EntryKind.UPDATE.value,
                "narrative": UPDATE_LINES[rng.randrange(len(UPDATE_LINES))],
                "status": Status.BLOCKED.value if blocked else Status.IN_PROGRESS.value,
                "progress": progress,
                "declared_rag": rag.value,
            }
        )
    if draft.entries:
        action["last_update_at"] = draft.entries[-1]["created_at"]
        action["declared_rag"] = draft.entries[-1]["declared_rag"]
    if rng.random() < 0.12 and Status(action["status"]) in OPEN_STATUSES:
        _demo_extension(draft, owner, rng)


def _demo_extension(draft, owner, rng):
    action = draft.action
    due = action["current_due_date"]
    new_due = due + timedelta(days=rng.choice([28, 42, 56]))
    draft.extension = {
        "requested_by_id": owner.id,
        "requested_at": datetime.combine(due - timedelta(days=10), time(10), tzinfo=UTC),
        "previous_due_date": due,
        "new_due_date": new_due,
        "reason": "Waiting on a system change outside the department's control.",
        "state": RequestState.APPROVED.value,
        "decided_at": datetime.combine(due - timedelta(days=7), time(15), tzinfo=UTC),
        "decision_reason": "Agreed at the Champions meeting.",
    }
    action["current_due_date"] = new_due
    action["extension_count"] = 1
