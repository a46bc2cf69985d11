"""Due dates change only through decisions: the original is fixed, a chair's move has a reason and counts."""

from datetime import date, timedelta

from sqlalchemy import select

from tests.integration.test_every_form import _action_fields, parts
from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import long_date
from tracker.extensions import db as _db
from tracker.plan import services
from tracker.plan.brag import Thresholds, rule_rag, rule_rag_sql
from tracker.plan.models import Action, ExtensionRequest

TODAY = date.today()


class World:
    def __init__(self, action):
        self.action = action


def fields(action, **changes):
    return _action_fields(World(action), **changes)


def same_but(action, **changes):
    """The action's own details, as the service takes them, with some changed."""
    values = {
        "title": action.title,
        "owner": action.owner,
        "department": action.department,
        "description": action.description,
        "start_date": action.start_date,
        "original_due_date": action.original_due_date,
        "current_due_date": action.current_due_date,
        "rights": list(action.rights),
        "priorities": list(action.priorities),
        "source": action.source,
    }
    return services.ActionData(**{**values, **changes})


def due_row(page):
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))
    return rows["Due date"]


def test_a_chair_cannot_change_the_original_due_date(client, auth, make, db):
    action = make.action(due=TODAY + timedelta(days=60))
    auth.sign_in("chair")
    moved = TODAY + timedelta(days=90)
    page = client.post(
        f"/actions/{action.reference}/edit", data=fields(action, original_due_date=parts(moved), date_reason="Typo")
    ).text
    assert error_messages(page) == [
        "The original due date is fixed once the action is assigned. Only an administrator can correct it"
    ]
    db.session.expire_all()
    assert db.session.get(Action, action.id).original_due_date == TODAY + timedelta(days=60)


def test_an_admin_corrects_the_original_due_date_with_a_reason(client, auth, make, db):
    action = make.action(due=TODAY + timedelta(days=60))
    auth.sign_in("admin")
    corrected = TODAY + timedelta(days=61)
    data = fields(action, original_due_date=parts(corrected))
    page = client.post(f"/actions/{action.reference}/edit", data=data).text
    assert error_messages(page) == ["Enter why the due date is changing"]
    response = client.post(
        f"/actions/{action.reference}/edit", data={**data, "date_reason": "Typed a day early at the meeting."}
    )
    page = client.get(response.location).text
    assert banner(page) == "Your changes have been saved."
    assert visible_text(page, ".app-timeline__item").endswith(
        "Changed original due date Reason: Typed a day early at the meeting."
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "action.updated"))
    assert event.changes["date_reason"] == [None, "Typed a day early at the meeting."]
    assert db.session.get(Action, action.id).extension_count == 0


def test_a_chairs_later_due_date_needs_a_reason_and_counts_as_an_extension(client, auth, make, db):
    original = TODAY + timedelta(days=60)
    action = make.action(due=original)
    auth.sign_in("chair")
    later = original + timedelta(days=30)
    data = fields(action, current_due_date=parts(later))
    page = client.post(f"/actions/{action.reference}/edit", data=data).text
    assert error_messages(page) == ["Enter why the due date is changing"]
    response = client.post(
        f"/actions/{action.reference}/edit", data={**data, "date_reason": "Agreed at the Champions meeting."}
    )
    page = client.get(response.location).text
    assert banner(page) == "Your changes have been saved."
    assert due_row(page) == f"{long_date(later)} Originally {long_date(original)}; extended 1 time."
    assert texts(page, ".app-timeline__title")[0] == (
        f"Due date moved by the chair: now due {long_date(later)}, counted as an extension"
    )
    moved = db.session.scalar(select(ExtensionRequest))
    assert (moved.state, moved.previous_due_date, moved.new_due_date) == ("approved", original, later)
    assert moved.reason == "Agreed at the Champions meeting."


def test_moves_and_approved_extensions_count_alike_in_both_brag_rules(db, make):
    chair = make.user("chair")
    action = make.action(due=TODAY + timedelta(days=200), progress=90)
    request = services.request_extension(
        action, action.owner, new_due_date=action.current_due_date + timedelta(days=10), reason="Leave"
    )
    services.decide_extension(request, chair, approve=True, reason="")
    data = same_but(
        action, current_due_date=action.current_due_date + timedelta(days=20), date_reason="Moved at the meeting"
    )
    services.edit_action(action, data, chair)
    _db.session.commit()
    assert action.extension_count == 2
    assert len(_db.session.scalars(select(ExtensionRequest).where(ExtensionRequest.state == "approved")).all()) == 2
    python = rule_rag(action, TODAY, Thresholds())
    sql = _db.session.scalar(select(rule_rag_sql(Action, TODAY, Thresholds())).where(Action.id == action.id))
    assert (python.rag, sql) == ("amber", "amber")
    assert "extended 2 times" in python.reasons


def test_bringing_the_due_date_forward_is_recorded_but_is_no_extension(db, make):
    chair = make.user("chair")
    due = TODAY + timedelta(days=60)
    action = make.action(due=due)
    data = same_but(action, current_due_date=due - timedelta(days=10), date_reason="The force asked for it sooner")
    services.edit_action(action, data, chair)
    _db.session.commit()
    assert (action.current_due_date, action.extension_count) == (due - timedelta(days=10), 0)
    assert [e.narrative for e in action.entries] == [
        f"Brought forward from {long_date(due)} to {long_date(due - timedelta(days=10))}.\n\n"
        "The force asked for it sooner"
    ]
