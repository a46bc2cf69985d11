"""Weekly owner digests and chair escalations: content, working days, once per week."""

import threading
from datetime import date

from sqlalchemy import event, select

from tests.integration.notify.conftest import london
from tracker.extensions import db as _db
from tracker.notify.digests import build_escalation_digests, build_weekly_digests
from tracker.notify.models import OutboundEmail

MONDAY = london(2026, 11, 30, 7, 0)
TODAY = date(2026, 11, 30)


def _digests(db, kind="weekly_digest"):
    return db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id)).all()


def _fresh(make, owner, reference, due, **fields):
    """An action updated yesterday, so only its due date can put it in a digest."""
    return make.action(
        owner=owner, reference=reference, due=due, today=TODAY, last_update_at=london(2026, 11, 29, 9, 0), **fields
    )


def test_owner_digest_lists_overdue_due_soon_and_stale_actions_as_readable_text(db, make):
    owner = make.user("lead", name="Lee Lead")
    _fresh(make, owner, "VV-001", date(2026, 11, 25), title="Publish the leaflet", progress=60)
    _fresh(make, owner, "VV-002", date(2026, 12, 10), title="Train call handlers")
    make.action(
        owner=owner,
        reference="VV-003",
        due=date(2027, 3, 31),
        today=TODAY,
        title="Map the witness care journey",
        last_update_at=london(2026, 10, 2, 10, 0),
    )
    _fresh(make, owner, "VV-004", date(2027, 3, 31), title="On track and fresh")
    _fresh(make, owner, "VV-005", date(2026, 11, 2), title="Finished", status="complete")

    [queued] = build_weekly_digests(MONDAY)
    db.session.commit()

    [mail] = _digests(db)
    assert queued.recipient.id == owner.id
    assert mail.to_address == owner.email and mail.dedupe_key == f"weekly-digest:{owner.id}:2026-W49"
    assert mail.subject == "Your actions this week: 1 overdue, 1 due soon, 1 without a recent update"
    text = mail.body_text
    assert (
        "Overdue (1)\n\n"
        "- VV-001: Publish the leaflet\n"
        "  3 working days overdue (due 25 November 2026). Progress 60%. In progress.\n"
        "  http://127.0.0.1:5000/actions/VV-001\n"
    ) in text
    assert "Due in the next 14 working days (1)\n\n- VV-002: Train call handlers\n  Due in 8 working days" in text
    assert "No update for 30 days (1)\n\n- VV-003: Map the witness care journey\n  Last update 2 October 2026" in text
    assert "VV-004" not in text and "VV-005" not in text
    assert 'href="http://127.0.0.1:5000/actions/VV-001"' in mail.body_html


def test_nothing_to_say_means_no_digest(db, make):
    owner = make.user("lead")
    _fresh(make, owner, "VV-010", date(2027, 3, 31))
    inactive = make.user("lead", active=False)
    _fresh(make, inactive, "VV-011", date(2026, 11, 2))

    assert build_weekly_digests(MONDAY) == []
    assert _digests(db) == []


def test_one_digest_per_owner_per_week_however_often_it_runs(db, make):
    owner = make.user("lead")
    _fresh(make, owner, "VV-020", date(2026, 11, 25))

    assert len(build_weekly_digests(MONDAY)) == 1
    db.session.commit()
    assert build_weekly_digests(london(2026, 12, 3, 15, 0)) == []
    db.session.commit()
    assert len(build_weekly_digests(london(2026, 12, 7, 7, 0))) == 1
    db.session.commit()
    assert [m.dedupe_key for m in _digests(db)] == [
        f"weekly-digest:{owner.id}:2026-W49",
        f"weekly-digest:{owner.id}:2026-W50",
    ]


def test_due_soon_counts_working_days_across_weekends(db, make):
    owner = make.user("lead")
    # From Monday 30 November, the 14th working day is Friday 18 December; the weekend after it
    # is still within 14 working days, Monday 21 December is the 15th.
    _fresh(make, owner, "VV-030", date(2026, 12, 18))
    _fresh(make, owner, "VV-031", date(2026, 12, 20))
    _fresh(make, owner, "VV-032", date(2026, 12, 21))

    build_weekly_digests(MONDAY)

    [mail] = _digests(db)
    assert "VV-030: Revise the acknowledgement letter\n  Due in 14 working days (18 December 2026)" in mail.body_text
    assert "VV-031: Revise the acknowledgement letter\n  Due in 14 working days (20 December 2026)" in mail.body_text
    assert "VV-032" not in mail.body_text


def test_due_soon_skips_christmas_and_new_year_bank_holidays(db, make):
    owner = make.user("lead")
    # From Monday 14 December 2026: 25 and 28 December and 1 January are bank holidays,
    # so the 14th working day is Wednesday 6 January 2027.
    make.action(owner=owner, reference="VV-040", due=date(2027, 1, 6), last_update_at=london(2026, 12, 13, 9, 0))
    make.action(owner=owner, reference="VV-041", due=date(2027, 1, 7), last_update_at=london(2026, 12, 13, 9, 0))

    build_weekly_digests(london(2026, 12, 14, 7, 0))

    [mail] = _digests(db)
    assert "VV-040: Revise the acknowledgement letter\n  Due in 14 working days (6 January 2027)" in mail.body_text
    assert "VV-041" not in mail.body_text


def test_overdue_days_skip_bank_holidays(db, make):
    owner = make.user("lead")
    make.action(owner=owner, reference="VV-050", due=date(2026, 12, 24), last_update_at=london(2026, 12, 28, 9, 0))

    build_weekly_digests(london(2026, 12, 29, 7, 0))

    [mail] = _digests(db)
    # Christmas Day (Friday), the weekend and the Boxing Day holiday (Monday 28th) do not count.
    assert "VV-050: Revise the acknowledgement letter\n  1 working day overdue (due 24 December 2026)" in mail.body_text


def test_chairs_get_actions_overdue_beyond_the_escalation_limit_in_working_days(db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "ESCALATION_WORKING_DAYS", 10)
    chair = make.user("chair", name="Chris Chair")
    make.user("chair", active=False)
    make.user("admin")
    owner = make.user("lead", name="Lee Lead")
    for day in (21, 22, 23, 24):
        make.action(owner=owner, reference=f"VV-06{day - 20}", due=date(2026, 12, day), title=f"Due {day} December")

    [queued] = build_escalation_digests(london(2027, 1, 11, 7, 0))
    db.session.commit()

    [mail] = _digests(db, "escalation_digest")
    assert queued.recipient.id == chair.id and mail.to_address == chair.email
    assert mail.subject == "Escalation: 2 actions overdue by more than 10 working days"
    text = mail.body_text
    # 21 December is 12 working days overdue on 11 January, 22 December 11; 23 December is exactly 10.
    assert text.index("VV-061: Due 21 December") < text.index("VV-062: Due 22 December")
    assert "  Owner: Lee Lead (Contact Management)\n  12 working days overdue (due 21 December 2026)" in text
    assert "11 working days overdue (due 22 December 2026)" in text
    assert "VV-063" not in text and "VV-064" not in text
    assert build_escalation_digests(london(2027, 1, 12, 7, 0)) == []


def test_no_escalation_when_nothing_is_overdue_enough(db, make):
    make.user("chair")
    make.action(due=date(2026, 11, 27))

    assert build_escalation_digests(MONDAY) == []
    assert _digests(db, "escalation_digest") == []


def test_building_digests_takes_the_same_number_of_statements_for_any_number_of_actions(db, make):
    owners = [make.user("lead") for _ in range(3)]

    def count_statements(actions_per_owner, now):
        for owner in owners:
            for _ in range(actions_per_owner):
                make.action(owner=owner, due=date(2026, 11, 20), today=TODAY)
        statements = []

        def remember(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", remember)
        try:
            queued = build_weekly_digests(now)
        finally:
            event.remove(_db.engine, "before_cursor_execute", remember)
        db.session.commit()
        assert len(queued) == len(owners)
        return len(statements)

    assert count_statements(2, MONDAY) == count_statements(20, london(2026, 12, 7, 7, 0))


def test_two_concurrent_runs_queue_each_digest_once(app, db, make):
    owners = [make.user("lead") for _ in range(6)]
    for owner in owners:
        make.action(owner=owner, due=date(2026, 11, 25), today=TODAY)
    first_inserted = threading.Event()
    results, errors = {}, []

    def run(name, wait_for=None, hold=0.0):
        try:
            with app.app_context():
                if wait_for is not None:
                    wait_for.wait(10)
                queued = build_weekly_digests(MONDAY)
                first_inserted.set()
                threading.Event().wait(hold)
                _db.session.commit()
                results[name] = {d.dedupe_key for d in queued}
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    # The first run holds its transaction open after writing; the second starts then, sees no
    # committed digests and has to be stopped by the unique key rather than by the pre-check.
    first = threading.Thread(target=run, args=("first", None, 1.0))
    second = threading.Thread(target=run, args=("second", first_inserted))
    first.start()
    second.start()
    first.join(30)
    second.join(30)

    assert errors == []
    keys = [m.dedupe_key for m in _digests(db)]
    assert sorted(keys) == sorted(f"weekly-digest:{o.id}:2026-W49" for o in owners)
    assert results == {"first": set(keys), "second": set()}
