"""A crafted plan history over two quarters, 2026/27 Q2 and Q3, with known movement between them.

At the end of Q2 (30 September 2026): VV-101, VV-106 and VV-107 Red; VV-102, VV-103, VV-105 Green.
During Q3: VV-101 is extended and recovers; VV-102 is blocked (turns Red); VV-103 is signed off;
VV-104 is added and goes overdue (new, turns Red); VV-105 stays Green; VV-106 is cancelled;
VV-107 stays Red. At the end of Q3 (31 December 2026): Red VV-102, VV-104, VV-107; Green VV-101,
VV-105; Blue VV-103.
"""

from datetime import UTC, date, datetime

from tracker.common.quarters import Quarter
from tracker.plan.models import ActionUpdate, EntryKind, ExtensionRequest, RequestState

Q2 = Quarter.parse("2026/27 Q2")
Q3 = Quarter.parse("2026/27 Q3")
AFTER_Q3 = date(2027, 1, 8)

EXPECTED_Q3_MOVEMENT = {
    "new": ["VV-104"],
    "completed": ["VV-103"],
    "turned_red": ["VV-102", "VV-104"],
    "recovered": ["VV-101"],
    "extended": ["VV-101"],
}
EXPECTED_Q2_BY_RAG = {"red": 3, "amber": 0, "green": 3, "blue": 0}
EXPECTED_Q3_BY_RAG = {"red": 3, "amber": 0, "green": 2, "blue": 1}


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=UTC)


def _update(db, action, when, *, progress=None, status="in_progress", rag="green", text="", kind="update"):
    entry = ActionUpdate(
        action_id=action.id,
        author_id=action.owner_id,
        created_at=when,
        kind=kind,
        narrative=text,
        status=status if kind == EntryKind.UPDATE.value else None,
        progress=progress,
        declared_rag=rag if kind == EntryKind.UPDATE.value else None,
    )
    db.session.add(entry)
    return entry


def _action(make, owner, reference, title, **fields):
    return make.action(owner=owner, reference=reference, title=title, **fields)


def crafted_history(db, make):
    """Create the two-quarter history; return the actions by reference."""
    lead = make.user("lead", name="Jordan Blake")
    early = {"start": date(2026, 5, 1), "created_at": at(2026, 5, 1)}
    a = {}
    a["VV-101"] = _action(
        make,
        lead,
        "VV-101",
        "Revise the acknowledgement letter",
        due=date(2027, 3, 31),
        original_due=date(2026, 9, 15),
        progress=60,
        extension_count=1,
        last_update_at=at(2026, 12, 20),
        declared_rag="green",
        **early,
    )
    a["VV-102"] = _action(
        make,
        lead,
        "VV-102",
        "Set investigation update contracts",
        due=date(2027, 6, 30),
        progress=50,
        status="blocked",
        last_update_at=at(2026, 12, 15),
        declared_rag="amber",
        **early,
    )
    a["VV-103"] = _action(
        make,
        lead,
        "VV-103",
        "Offer every victim a Victim Personal Statement",
        due=date(2026, 11, 30),
        progress=100,
        status="complete",
        completed_on=date(2026, 11, 20),
        last_update_at=at(2026, 11, 18),
        start=date(2026, 8, 1),
        created_at=at(2026, 8, 1),
    )
    a["VV-104"] = _action(
        make,
        lead,
        "VV-104",
        "Train call handlers on interpreters",
        due=date(2026, 12, 20),
        progress=10,
        start=date(2026, 10, 10),
        created_at=at(2026, 10, 10),
    )
    a["VV-105"] = _action(
        make,
        lead,
        "VV-105",
        "Publish information on compensation",
        due=date(2027, 9, 30),
        progress=20,
        last_update_at=at(2026, 12, 10),
        declared_rag="green",
        **early,
    )
    a["VV-106"] = _action(
        make,
        lead,
        "VV-106",
        "Return property promptly",
        due=date(2026, 8, 1),
        progress=10,
        status="cancelled",
        cancel_reason="Superseded by the force-wide property review.",
        **early,
    )
    a["VV-107"] = _action(
        make,
        lead,
        "VV-107",
        "Make the complaints route clear",
        due=date(2026, 6, 30),
        progress=40,
        **early,
    )
    _update(db, a["VV-101"], at(2026, 12, 20), progress=60, text="New letter drafted with the forum.")
    _update(db, a["VV-102"], at(2026, 9, 20), progress=50, text="Contracts piloted in two areas.")
    _update(
        db,
        a["VV-102"],
        at(2026, 12, 15),
        progress=50,
        status="blocked",
        rag="amber",
        text="Waiting on the crime recording system change.",
    )
    _update(db, a["VV-103"], at(2026, 9, 25), progress=70, text="Prompt added to statement forms.")
    _update(db, a["VV-103"], at(2026, 11, 18), progress=100, text="Audit shows the offer recorded on 96% of crimes.")
    _update(db, a["VV-103"], at(2026, 11, 20), kind=EntryKind.CLOSURE_APPROVED.value)
    _update(db, a["VV-105"], at(2026, 9, 10), progress=10, text="Information drafted.")
    _update(db, a["VV-105"], at(2026, 12, 10), progress=20, text="Packs being reprinted.")
    _update(db, a["VV-106"], at(2026, 11, 1), kind=EntryKind.CANCELLED.value)
    db.session.add(
        ExtensionRequest(
            action_id=a["VV-101"].id,
            requested_by_id=lead.id,
            requested_at=at(2026, 10, 1),
            previous_due_date=date(2026, 9, 15),
            new_due_date=date(2027, 3, 31),
            reason="Waiting on the victims' forum to review the draft.",
            state=RequestState.APPROVED.value,
            decided_at=at(2026, 10, 5),
            decision_reason="Agreed at the Champions meeting.",
        )
    )
    db.session.commit()
    return a
