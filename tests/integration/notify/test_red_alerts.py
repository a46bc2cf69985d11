"""Alerts for actions turning Red: once per change, to the owner and the chairs."""

from datetime import date

from sqlalchemy import select

from tests.integration.notify.conftest import london
from tracker.notify.models import OutboundEmail
from tracker.notify.red import send_red_alerts
from tracker.plan.models import Action

MONDAY = london(2026, 11, 30, 8, 0)


def _alerts(db):
    return db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "action_red").order_by(OutboundEmail.to_address)
    ).all()


def _action(make, **fields):
    fields.setdefault("last_update_at", london(2026, 11, 27, 9, 0))
    return make.action(today=date(2026, 11, 30), **fields)


def test_owner_and_chair_hear_once_when_an_action_turns_red_with_the_reasons(db, make):
    chair = make.user("chair", name="Chris Chair", email="chair@opcc.example.org")
    owner = make.user("lead", name="Lee Lead", email="lead@force.example.org")
    action = _action(make, owner=owner, reference="VV-070", due=date(2026, 11, 27), progress=60, last_rule_rag="amber")
    version = action.version_id

    [alert] = send_red_alerts(MONDAY)
    db.session.commit()

    assert alert.action.id == action.id
    to_chair, to_owner = _alerts(db)
    assert (to_chair.to_address, to_owner.to_address) == (chair.email, owner.email)
    assert to_owner.subject == "VV-070 has turned Red"
    assert "Why it is Red:\n- 3 days past due date of 27 November 2026\n" in to_owner.body_text
    assert "Post an update to say what is happening" in to_owner.body_text
    assert "http://127.0.0.1:5000/actions/VV-070" in to_chair.body_text
    db.session.expire_all()
    refreshed = db.session.get(Action, action.id)
    # Recording the colour must not look like an edit to people editing the action.
    assert refreshed.last_rule_rag == "red" and refreshed.version_id == version
    assert send_red_alerts(london(2026, 11, 30, 9, 0)) == []
    db.session.commit()
    assert len(_alerts(db)) == 2


def test_first_sight_of_an_action_is_recorded_without_mail(db, make):
    make.user("chair")
    action = _action(make, due=date(2026, 11, 20), last_rule_rag=None)

    assert send_red_alerts(MONDAY) == []
    db.session.commit()

    assert _alerts(db) == []
    db.session.expire_all()
    assert db.session.get(Action, action.id).last_rule_rag == "red"


def test_an_action_that_recovers_and_turns_red_again_is_news_again(db, make):
    owner = make.user("lead")
    action = _action(make, owner=owner, due=date(2026, 11, 27), last_rule_rag="green")
    send_red_alerts(MONDAY)
    db.session.commit()

    action = db.session.get(Action, action.id)
    action.current_due_date = date(2027, 3, 31)
    db.session.commit()
    assert send_red_alerts(london(2026, 12, 1, 8, 0)) == []
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Action, action.id).last_rule_rag == "green"

    action = db.session.get(Action, action.id)
    action.status = "blocked"
    db.session.commit()
    [alert] = send_red_alerts(london(2026, 12, 2, 8, 0))
    db.session.commit()

    assert alert.rag.reasons == ("blocked",)
    assert len(_alerts(db)) == 2


def test_digest_only_owner_gets_no_red_alert_but_the_chair_does(db, make):
    chair = make.user("chair")
    owner = make.user("lead")
    owner.immediate_mail = False
    db.session.commit()
    _action(make, owner=owner, due=date(2026, 11, 27), last_rule_rag="amber")

    [alert] = send_red_alerts(MONDAY)

    assert [user.id for user in alert.recipients] == [chair.id]
    assert [mail.to_address for mail in _alerts(db)] == [chair.email]
