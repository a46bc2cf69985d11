"""A realistic, deterministic demo plan: departments, one user per role, actions and updates."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from tracker.auth.models import Department, Role, User
from tracker.compliance.demo import load_demo_assessments
from tracker.extensions import db
from tracker.plan.models import Action, ActionUpdate, EntryKind, ExtensionRequest, Rag, RequestState, Source, Status
from tracker.reference.models import CodeRight, Priority, Touchpoint

DEMO_PASSWORD_SUFFIX = "-demo-pass-2026"
DEMO_USERS = [
    (Role.ADMIN, "Alex Morgan", "admin@example.org", "OPCC Victim Services"),
    (Role.CHAIR, "Sam Whitfield", "chair@example.org", None),
    (Role.LEAD, "Jordan Blake", "lead@example.org", "Contact Management"),
    (Role.VIEWER, "Robin Ellis", "viewer@example.org", None),
]
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Faisal",
    "Grace",
    "Harvey",
    "Isla",
    "Jamal",
    "Kerry",
    "Liam",
    "Maya",
    "Niall",
    "Olive",
    "Pravin",
    "Rosa",
    "Tom",
    "Uma",
    "Viktor",
    "Wendy",
    "Zac",
]
SURNAMES = [
    "Ashdown",
    "Brennan",
    "Carver",
    "Dalton",
    "Everly",
    "Fenwick",
    "Garside",
    "Holloway",
    "Ingram",
    "Jessop",
    "Kirkby",
    "Lowther",
    "Marsden",
    "Norbury",
    "Oakes",
    "Pickering",
    "Quarry",
    "Rowntree",
    "Sowerby",
    "Thackeray",
    "Upton",
    "Varley",
    "Whitlock",
    "Yardley",
]

# (title, description, success measure, source, rights, priorities, touchpoint names)
ACTIONS = [
    (
        "Map every contact touchpoint of the victim's journey",
        "Walk through 999, 101 and online reporting with call handlers and record how victim feedback is captured at each step.",
        "A journey map agreed by the Champions meeting showing the feedback route at every touchpoint.",
        Source.JOURNEY_MAPPING,
        [2, 3],
        [1],
        ["Initial contact by 999", "Initial contact by 101", "Online reporting"],
    ),
    (
        "Run focus groups with victims of burglary and robbery",
        "Commission the victim care service to hold three focus groups with victims and survivors and report the themes.",
        "Themes reported to the Task & Finish group and turned into actions within one quarter.",
        Source.FOCUS_GROUP,
        [3, 6],
        [1, 4],
        ["Attendance by an officer"],
    ),
    (
        "Revise the written acknowledgement letter",
        "Rewrite the acknowledgement letter in plain English with the Code rights explained and test it with the forum.",
        "New letter in use for all crime types; 90% of sampled victims receive it within 5 working days.",
        Source.SELF_ASSESSMENT,
        [3],
        [2],
        ["Initial contact by 101", "Online reporting"],
    ),
    (
        "Offer every eligible victim a Victim Personal Statement",
        "Add a VPS prompt to the statement-taking process and record the offer and the victim's choice on the crime record.",
        "VPS offer recorded on 95% of eligible crimes in the monthly audit.",
        Source.SELF_ASSESSMENT,
        [7],
        [2, 5],
        ["Taking the statement"],
    ),
    (
        "Complete a needs assessment within 48 hours of report",
        "Embed the enhanced needs assessment in the crime recording workflow for vulnerable and intimidated victims.",
        "Needs assessment completed within 48 hours for 90% of enhanced-rights victims.",
        Source.INSPECTION,
        [4],
        [2, 5],
        ["Victim needs assessment"],
    ),
    (
        "Review NFA letters with ISVAs",
        "Review no-further-action letters for rape and serious sexual offences with independent sexual violence advisers and the Voice of the Victim forum.",
        "Revised letter templates approved by the forum and used for all RASSO NFA decisions.",
        Source.FORUM,
        [6, 9],
        [1, 5],
        ["Charging decision"],
    ),
    (
        "Set investigation update contracts with victims",
        "Agree with each victim how and how often they will be updated, and record it as an update contract.",
        "Update contract recorded on 85% of investigations in the monthly sample.",
        Source.SELF_ASSESSMENT,
        [6],
        [2, 3],
        ["Investigation updates"],
    ),
    (
        "Train call handlers on interpreters and communication needs",
        "Refresh training on the language line, British Sign Language interpreters and easy-read materials.",
        "All call handlers trained; interpreter use recorded on every call where needed.",
        Source.SELF_ASSESSMENT,
        [1],
        [2, 4],
        ["Initial contact by 999", "Initial contact by 101"],
    ),
    (
        "Publish clear information on compensation",
        "Add Criminal Injuries Compensation Authority information to victim packs and the force website.",
        "Compensation information included in every victim pack issued.",
        Source.SELF_ASSESSMENT,
        [5],
        [2],
        ["Outcome of the case"],
    ),
    (
        "Return property to victims promptly",
        "Set a standard for returning property held as evidence and tell victims how to claim expenses.",
        "Property returned within 28 days of case closure in 80% of cases.",
        Source.COMPLAINTS,
        [10],
        [4, 6],
        ["Court and giving evidence"],
    ),
    (
        "Explain the Victim Contact Scheme after conviction",
        "Make sure witness care officers refer eligible victims to the Probation Victim Contact Scheme.",
        "Referral recorded for every eligible victim at sentencing.",
        Source.INSPECTION,
        [11],
        [2, 6],
        ["After conviction"],
    ),
    (
        "Make the complaints route clear to victims",
        "Add how to complain about Code rights not being met to letters, the website and officer scripts.",
        "Complaints about Code rights logged and reported to the Champions meeting each quarter.",
        Source.COMPLAINTS,
        [12],
        [1, 6],
        ["After conviction"],
    ),
    (
        "Start a Voice of the Victim forum for RASSO",
        "Set up a forum for survivors of rape and serious sexual offences, with the ISVA service, to review force practice.",
        "Forum meets quarterly and its recommendations are tracked as actions.",
        Source.FORUM,
        [4, 6, 8],
        [1, 5],
        ["Taking the statement", "Court and giving evidence"],
    ),
    (
        "Record crimes without unjustified delay",
        "Audit time from report to crime recording and fix the queues in the crime management unit.",
        "95% of crimes recorded within 24 hours of report.",
        Source.INSPECTION,
        [2],
        [2, 3],
        ["Initial contact by 101"],
    ),
    (
        "Prepare witnesses for court with pre-trial visits",
        "Offer pre-trial court familiarisation visits and special measures discussions to all vulnerable witnesses.",
        "Pre-trial visit offered to every vulnerable witness.",
        Source.SELF_ASSESSMENT,
        [8],
        [3, 5],
        ["Court and giving evidence"],
    ),
    (
        "Tell victims the outcome of their case within 5 days",
        "Automate outcome notifications from the witness care unit and check they reach victims.",
        "Outcome communicated within 5 working days in 90% of cases.",
        Source.SELF_ASSESSMENT,
        [9],
        [2, 4],
        ["Outcome of the case"],
    ),
    (
        "Add victim feedback to online reporting",
        "Add a short feedback question at the end of the online reporting form.",
        "Feedback captured from at least 10% of online reports.",
        Source.JOURNEY_MAPPING,
        [3],
        [1],
        ["Online reporting"],
    ),
    (
        "Reduce victim withdrawal in domestic abuse cases",
        "Analyse why victims withdraw and pilot support from an independent domestic violence adviser at the first attendance.",
        "Withdrawal rate in pilot area reduced by 10%.",
        Source.FOCUS_GROUP,
        [4, 6],
        [3, 5],
        ["Attendance by an officer", "Referral to support services"],
    ),
    (
        "Check Code compliance in the monthly dip sample",
        "Add Code rights to the monthly crime file dip sample and report the results to the Champions meeting.",
        "Dip sample covers all 12 rights and is reported every month.",
        Source.SELF_ASSESSMENT,
        [2, 3, 6, 7],
        [2],
        [],
    ),
    (
        "Improve referral to victim support services",
        "Make referral to the commissioned victim care service opt-out rather than opt-in for eligible victims.",
        "Referral rate to support services above 80%.",
        Source.SELF_ASSESSMENT,
        [4],
        [2, 4],
        ["Referral to support services"],
    ),
]

UPDATE_LINES = [
    "Met the department team to agree the approach and owners for each step.",
    "Draft shared with the Victims Code Champions for comment.",
    "Feedback from the victim care service has been built into the draft.",
    "Pilot running in two policing areas; early figures look encouraging.",
    "Waiting on IT to change the crime recording system; change request raised.",
    "Audit of 50 crime files completed; results going to the next Champions meeting.",
    "Training sessions booked for all shifts over the next six weeks.",
    "Focus group sessions held; themes written up and shared with the group.",
    "ISVA service reviewed the letters and asked for plainer wording on next steps.",
    "Staff shortages in the unit have slowed progress this month.",
    "New template approved and in use from the first of the month.",
    "Monthly figures show the measure is being met in most areas.",
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


def _department_leads(departments, rng, per_department, extra_users):
    leads = []
    index = 0
    for _name, department in sorted(departments.items()):
        for _ in range(per_department):
            first, last = FIRST_NAMES[index % len(FIRST_NAMES)], SURNAMES[(index * 7) % len(SURNAMES)]
            email = f"{first}.{last}.{index}@example.org".lower()
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(name=f"{first} {last}", email=email, role=Role.LEAD.value, department=department)
                user.password_hash = None
                db.session.add(user)
            leads.append(user)
            index += 1
    for _ in range(extra_users):
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], SURNAMES[(index * 5) % len(SURNAMES)]
        email = f"{first}.{last}.{index}@example.org".lower()
        if db.session.scalar(select(User).where(User.email == email)) is None:
            db.session.add(User(name=f"{first} {last}", email=email, role=Role.VIEWER.value))
        index += 1
    return leads


STATUS_WEIGHTS = [
    (Status.NOT_STARTED, 14),
    (Status.IN_PROGRESS, 44),
    (Status.BLOCKED, 6),
    (Status.AWAITING_SIGNOFF, 6),
    (Status.COMPLETE, 25),
    (Status.CANCELLED, 5),
]


def _pick_status(rng):
    statuses, weights = zip(*STATUS_WEIGHTS, strict=False)
    return rng.choices(statuses, weights=weights)[0]


def load_demo(*, actions=40, seed=2026, today, updates_per_action=None, users=0, leads_per_department=2):
    """Load demo users and a plan of `actions` actions; return {role: user} and the number created."""
    rng = random.Random(seed)
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    demo_users = _demo_users(departments)
    leads = [demo_users[Role.LEAD]] + _department_leads(departments, rng, leads_per_department, users)
    db.session.flush()
    rights = {r.number: r for r in db.session.scalars(select(CodeRight))}
    priorities = {p.number: p for p in db.session.scalars(select(Priority))}
    touchpoints = {t.name: t for t in db.session.scalars(select(Touchpoint))}
    start_number = (db.session.scalar(select(func.count(Action.id))) or 0) + 1
    created = 0
    for offset in range(actions):
        number = start_number + offset
        template = ACTIONS[offset % len(ACTIONS)]
        owner = leads[rng.randrange(len(leads))] if offset % 5 else demo_users[Role.LEAD]
        action = _demo_action(number, template, owner, rng, today, rights, priorities, touchpoints, updates_per_action)
        action.created_by = demo_users[Role.CHAIR]
        db.session.add(action)
        created += 1
        if created % 500 == 0:
            db.session.flush()
    db.session.flush()
    load_demo_assessments(today=today, seed=seed, recorded_by=demo_users[Role.ADMIN])
    return demo_users, created


def _demo_action(number, template, owner, rng, today, rights, priorities, touchpoints, updates_per_action):
    title, description, measure, source, right_numbers, priority_numbers, touchpoint_names = template
    cycle = (number - 1) // len(ACTIONS)
    start = today - timedelta(days=rng.randrange(30, 300))
    due = today + timedelta(days=rng.randrange(-90, 200))
    if due <= start:
        due = start + timedelta(days=rng.randrange(30, 120))
    status = _pick_status(rng)
    progress = {Status.NOT_STARTED: 0, Status.COMPLETE: 100}.get(status, rng.choice([10, 25, 40, 50, 60, 75, 90]))
    extra_right = rights[1 + rng.randrange(12)]
    action = Action(
        reference=f"VV-{number:03d}",
        title=title if cycle == 0 else f"{title} (phase {cycle + 1})",
        description=description,
        success_measure=measure,
        source=source.value,
        owner=owner,
        department=owner.department,
        start_date=start,
        original_due_date=due,
        current_due_date=due,
        status=status.value,
        progress=progress,
        rights=sorted(
            {rights[n] for n in right_numbers} | ({extra_right} if rng.random() < 0.2 else set()),
            key=lambda r: r.number,
        ),
        priorities=[priorities[n] for n in priority_numbers],
        touchpoints=[touchpoints[n] for n in touchpoint_names if n in touchpoints],
        created_at=_moment(start, rng),
    )
    if status == Status.CANCELLED:
        action.cancel_reason = "Superseded by a force-wide change agreed at the Champions meeting."
    if status == Status.COMPLETE:
        action.completed_on = min(today, due + timedelta(days=rng.randrange(-20, 10)))
    _demo_timeline(action, rng, today, updates_per_action)
    return action


def _demo_timeline(action, rng, today, updates_per_action):
    count = updates_per_action if updates_per_action is not None else rng.randrange(0, 5)
    if action.status == Status.NOT_STARTED.value and updates_per_action is None:
        count = 0
    span = max((today - action.start_date).days, 1)
    days = sorted(rng.randrange(span) for _ in range(count))
    progress = 0
    last = None
    for index, day_offset in enumerate(days):
        day = action.start_date + timedelta(days=day_offset)
        progress = min(action.progress, progress + rng.choice([5, 10, 15, 20]))
        if index == len(days) - 1:
            progress = action.progress
        rag = rng.choice([Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED])
        status = (
            Status.BLOCKED.value
            if action.status == Status.BLOCKED.value and index == len(days) - 1
            else Status.IN_PROGRESS.value
        )
        last = ActionUpdate(
            author=action.owner,
            created_at=_moment(day, rng),
            kind=EntryKind.UPDATE.value,
            narrative=UPDATE_LINES[rng.randrange(len(UPDATE_LINES))],
            status=status,
            progress=progress,
            declared_rag=rag.value,
        )
        action.entries.append(last)
    if last is not None:
        action.last_update_at = last.created_at
        action.declared_rag = last.declared_rag
    if rng.random() < 0.12 and action.is_open:
        _demo_extension(action, rng)


def _demo_extension(action, rng):
    new_due = action.current_due_date + timedelta(days=rng.choice([28, 42, 56]))
    request = ExtensionRequest(
        action=action,
        requested_by=action.owner,
        requested_at=datetime.combine(action.current_due_date - timedelta(days=10), time(10), tzinfo=UTC),
        previous_due_date=action.current_due_date,
        new_due_date=new_due,
        reason="Waiting on a system change outside the department's control.",
        state=RequestState.APPROVED.value,
        decided_at=datetime.combine(action.current_due_date - timedelta(days=7), time(15), tzinfo=UTC),
        decision_reason="Agreed at the Champions meeting.",
    )
    db.session.add(request)
    action.current_due_date = new_due
    action.extension_count = 1
