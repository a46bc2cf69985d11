"""Words a person reads: plurals right everywhere, and one "due soon" window that says what it counts."""

from datetime import timedelta

from sqlalchemy import select

from tests.brag_cases import CASES, TODAY
from tests.visible import texts, visible_text
from tracker.common.dates import local_today
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.notify.digests import build_weekly_digests
from tracker.notify.models import OutboundEmail
from tracker.plan.brag import Thresholds, rule_rag
from tracker.plan.queries import due_soon_until


def test_pluralise_says_one_thing_and_many_things():
    assert [pluralise(n, "action") for n in (0, 1, 2)] == ["0 actions", "1 action", "2 actions"]
    assert [pluralise(n, "person", "people") for n in (1, 2)] == ["1 person", "2 people"]


def test_extended_once_reads_once_when_one_extension_is_enough_for_amber():
    facts = next(c for c in CASES if c.name == "extended once is green").facts
    result = rule_rag(type("Action", (), facts), TODAY, Thresholds(amber_extensions=1))
    assert (result.rag, result.reasons) == ("amber", ("extended 1 time",))


def _two_actions_around_the_window(make, owner):
    today = local_today()
    last = due_soon_until(today)
    make.action(owner=owner, reference="VV-101", due=last, last_update_at=utcnow())
    make.action(owner=owner, reference="VV-102", due=last + timedelta(days=1), last_update_at=utcnow())
    return today


def test_the_dashboard_and_the_digest_count_due_soon_alike_and_say_it_is_working_days(client, auth, make, db):
    owner = make.user("lead")
    _two_actions_around_the_window(make, owner)
    auth.sign_in("chair")
    page = client.get("/").text
    assert texts(page, "#soon-heading") == ["Due in the next 14 working days (1)"]
    soon = visible_text(page, "section[aria-labelledby=soon-heading]")
    assert "VV-101" in soon and "VV-102" not in soon

    listed = client.get("/actions?due=soon").text
    assert "VV-101" in visible_text(listed, "main table") and "VV-102" not in visible_text(listed, "main table")

    build_weekly_digests(utcnow())
    db.session.commit()
    mail = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "weekly_digest")).one()
    assert "Due in the next 14 working days (1)\n\n- VV-101:" in mail.body_text
    assert "VV-102" not in mail.body_text


def test_a_one_day_window_says_day(client, auth, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "DUE_SOON_DAYS", 1)
    auth.sign_in("chair")
    page = client.get("/").text
    assert texts(page, "#soon-heading") == ["Due in the next 1 working day (0)"]
    assert visible_text(page, "section[aria-labelledby=soon-heading] p") == "Nothing is due in the next 1 working day."
