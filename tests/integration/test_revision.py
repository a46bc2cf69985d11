"""Figures kept per data revision: every committed write moves the revision on, and no page shows
figures from before a change, from another day or for another kind of reader."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from tracker.common.dates import local_today
from tracker.common.revision import current_revision, per_revision
from tracker.common.statements import counting_statements
from tracker.extensions import cache
from tracker.plan.models import ActionUpdate, ExtensionRequest

# Content kept by per_revision in these tests is worked out for this day (any day would do).
DAY = date(2026, 11, 30)


def page(client, url):
    """The page's main content (the whole page differs each time by its script nonce)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def test_every_committed_write_moves_the_revision_on_and_reads_do_not(db, make):
    action = make.action()
    db.session.commit()
    start = current_revision()
    assert start is not None

    db.session.get(type(action), action.id).title = "Plain English acknowledgement letter"
    db.session.commit()
    after_orm = current_revision()
    assert after_orm == start + 1

    db.session.execute(
        insert(ActionUpdate.__table__).values(
            action_id=action.id,
            author_id=action.owner_id,
            kind="update",
            narrative="Bulk",
            created_at=action.created_at,
        )
    )
    db.session.commit()
    after_core = current_revision()
    assert after_core == after_orm + 1

    db.session.execute(text("UPDATE action SET progress = 30 WHERE id = :id"), {"id": action.id})
    db.session.commit()
    after_text = current_revision()
    assert after_text == after_core + 1

    db.session.execute(text("SELECT count(*) FROM action"))
    db.session.commit()
    db.session.get(type(action), action.id).title = "Thrown away"
    db.session.flush()
    db.session.rollback()
    assert current_revision() == after_text, "reading, and a write rolled back, leave the revision alone"


def test_the_dashboard_shows_an_update_the_moment_it_is_posted(client, auth, make, db):
    action = make.action(title="Revise the acknowledgement letter")
    db.session.commit()
    auth.sign_in(action.owner)
    before = page(client, "/")
    assert before == page(client, "/"), "the second view comes from the cache and reads the same"
    assert "Interpreters booked for every interview" not in before

    update = {"narrative": "Interpreters booked for every interview", "status": "in_progress", "progress": "55"}
    assert (
        client.post(f"/actions/{action.reference}/update", data=update | {"declared_rag": "green"}).status_code == 302
    )

    after = page(client, "/")
    recent = after[after.index('id="updates-heading"') :]
    assert "Interpreters booked for every interview" in recent and "55% done" in recent


def test_a_cached_view_sends_fewer_statements_than_working_it_out(client, auth, make, db):
    for number in range(6):
        make.action(title=f"Action {number}")
    db.session.commit()
    auth.sign_in("chair")
    cache.clear()
    with counting_statements(db.engine) as worked_out:
        first = page(client, "/actions/by-right")
    with counting_statements(db.engine) as kept:
        second = page(client, "/actions/by-right")
    assert first == second
    assert kept.count < worked_out.count


def test_the_figures_are_worked_out_again_when_the_day_turns(client, auth, make, db, monkeypatch):
    today = local_today()
    make.action(title="Due tomorrow", due=today + timedelta(days=1))
    db.session.commit()
    auth.sign_in("chair")
    assert "Overdue (0)" in page(client, "/")

    monkeypatch.setattr("tracker.main.routes.local_today", lambda: today + timedelta(days=2))
    later = page(client, "/")
    assert "Overdue (1)" in later and "Due tomorrow" in later[later.index('id="overdue-heading"') :]


def test_the_chair_and_a_lead_each_see_their_own_wording(client, app, auth, make, db):
    action = make.action()
    db.session.add(
        ExtensionRequest(
            action=action,
            requested_by=action.owner,
            previous_due_date=action.current_due_date,
            new_due_date=action.current_due_date + timedelta(days=30),
            reason="Supplier delay",
        )
    )
    db.session.commit()
    chair = app.test_client()
    chair.post("/sign-in", data={"email": make.user("chair").email, "password": "correct horse battery staple"})
    assert "Waiting for your decision (1)" in page(chair, "/")
    auth.sign_in(action.owner)
    lead_view = page(client, "/")
    assert "Waiting for the chair (1)" in lead_view and "Waiting for your decision" not in lead_view


def test_nothing_is_kept_while_the_reader_has_writes_of_its_own_or_another_commits(db, make):
    action = make.action()
    db.session.commit()
    calls = []

    def compute():
        calls.append(1)
        return f"figures {len(calls)}"

    action.title = "Not yet committed"
    db.session.flush()
    assert per_revision("test", compute, day=DAY) == "figures 1"
    assert per_revision("test", compute, day=DAY) == "figures 2", "uncommitted writes of its own: worked out each time"
    db.session.commit()

    def compute_while_another_commits():
        with Session(db.engine) as other:
            other.execute(text("UPDATE action SET progress = 10"))
            other.commit()
        return compute()

    assert per_revision("test", compute_while_another_commits, day=DAY) == "figures 3"
    db.session.commit()  # a new snapshot, as a new request would have
    assert per_revision("test", compute, day=DAY) == "figures 4", "figures made while the data moved are not kept"
    assert per_revision("test", compute, day=DAY) == "figures 4", "then kept until the next write"


def test_an_action_page_kept_for_its_owner_is_not_shown_to_another_reader(app, client, auth, make, db):
    action = make.action(title="Revise the acknowledgement letter")
    db.session.commit()
    auth.sign_in(action.owner)
    owners_view = page(client, f"/actions/{action.reference}")
    assert "Post an update" in owners_view and "Ask for more time" in owners_view

    stranger = app.test_client()
    other_lead = make.user("lead", department=make.department("Witness Care"))
    stranger.post("/sign-in", data={"email": other_lead.email, "password": "correct horse battery staple"})
    strangers_view = page(stranger, f"/actions/{action.reference}")
    assert "Revise the acknowledgement letter" in strangers_view
    assert "Post an update" not in strangers_view and "Ask for more time" not in strangers_view


def test_the_action_page_and_list_show_a_request_the_moment_it_is_made(client, auth, make, db):
    action = make.action(title="Revise the acknowledgement letter")
    db.session.commit()
    auth.sign_in(action.owner)
    assert "Waiting for a decision" not in page(client, f"/actions/{action.reference}")
    assert "Revise the acknowledgement letter" not in page(client, "/actions?waiting=1")

    later = action.current_due_date + timedelta(days=30)
    asked = {"new_due_date": [str(later.day), str(later.month), str(later.year)], "reason": "Waiting for IT"}
    assert client.post(f"/actions/{action.reference}/extension", data=asked).status_code == 302

    assert "Waiting for a decision" in page(client, f"/actions/{action.reference}")
    assert "Revise the acknowledgement letter" in page(client, "/actions?waiting=1")


def test_content_holding_a_form_is_never_kept(db, make):
    make.action()
    db.session.commit()
    form = '<form method="post"><input type="hidden" name="csrf_token" value="abc"><button>Send</button></form>'
    with pytest.raises(ValueError, match="CSRF token"):
        per_revision("test-form", lambda: form, day=DAY)
    with pytest.raises(ValueError, match="CSRF token"):
        per_revision("test-form", lambda: {"title": "A page", "body": form}, day=DAY)


def test_bookkeeping_leaves_the_revision_alone_so_kept_pages_stay_kept(app, client, auth, make, db):
    """The scheduler's heartbeat, a job run, a sign-in, an API call and a draft PDF write, but change no page."""
    from tracker.api.tokens import create_token
    from tracker.notify.scheduler import TrackerScheduler, run_job

    action = make.action(due=local_today() - timedelta(days=3))
    lead = action.owner
    _, secret = create_token(lead, "Power BI", 90)
    db.session.commit()
    start = current_revision()

    TrackerScheduler(app, jobs=[]).heartbeat()
    assert current_revision() == start, "the scheduler's heartbeat"
    run_job({"id": "quiet", "func": lambda now: "Nothing to do."})
    assert current_revision() == start, "a job run's record"
    auth.sign_in(lead)
    assert current_revision() == start, "a sign-in"
    answer = client.get("/api/v1/actions", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and current_revision() == start, "an API call"
    from tracker.common.quarters import quarter_of
    from tracker.reports.builds import request_draft, work_through_builds

    request_draft(quarter_of(local_today()).previous(), lead)
    db.session.commit()
    assert work_through_builds() == "1 draft PDF made, 0 failed" and current_revision() == start, "a draft PDF"

    update = {"narrative": "Letters sent", "status": "in_progress", "progress": "55", "declared_rag": "green"}
    assert client.post(f"/actions/{action.reference}/update", data=update).status_code == 302
    assert current_revision() == start + 1, "an update to the plan moves it on"
