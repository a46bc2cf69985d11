"""Deactivating a leaver who owns open actions: new owners first, a check of what moves, one e-mail each."""

import pytest
from flask import current_app
from sqlalchemy import select

from tests.integration.notify.conftest import SmtpServer, body_of, free_port
from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.common.dates import long_date
from tracker.notify.models import OutboundEmail
from tracker.notify.sender import send_pending
from tracker.plan.models import Action, ActionUpdate


def base_url():
    return current_app.config["BASE_URL"].rstrip("/")


def leaving_world(make):
    home = make.department("Contact Management")
    leaver = make.user("lead", name="Jordan Blake", department=home)
    sam = make.user("lead", name="Sam Lead", department=home)
    kim = make.user("chair", name="Kim Chair")
    actions = [
        make.action(owner=leaver, reference="VV-001", title="Rewrite the letter"),
        make.action(owner=leaver, reference="VV-002", title="Train the call handlers"),
        make.action(owner=leaver, reference="VV-003", title="Map the journey"),
    ]
    make.action(owner=leaver, reference="VV-004", title="Done already", status="complete")
    return leaver, sam, kim, actions


def test_deactivating_a_leaver_asks_for_new_owners_checks_then_moves_and_tells_each_once(client, auth, make, db, app):
    leaver, sam, kim, (one, two, three) = leaving_world(make)
    leaver_client = app.test_client()
    leaver_client.post("/sign-in", data={"email": leaver.email, "password": "correct horse battery staple"})
    assert leaver_client.get("/actions/mine").status_code == 200
    auth.sign_in("admin", name="Alex Admin")

    response = client.post(f"/admin/users/{leaver.id}/deactivate")
    assert response.headers["Location"] == f"/admin/users/{leaver.id}/hand-over"
    page = client.get(response.headers["Location"]).text
    assert visible_text(page, "h1") == "Who takes over Jordan Blake's actions"
    assert visible_text(page, "main form p, main .govuk-body").startswith("Jordan Blake owns 3 open actions.")
    assert texts(page, "form label") == [
        "Who takes over their actions",
        "VV-001: Rewrite the letter",
        "VV-002: Train the call handlers",
        "VV-003: Map the journey",
    ]

    form = {"action_ids": f"{one.id},{two.id},{three.id}"}
    refused = client.post(f"/admin/users/{leaver.id}/hand-over", data=form).text
    assert error_messages(refused) == ["Choose who takes over their actions, or choose a person for each action"]

    form |= {"new_owner": str(sam.id), f"owner_{three.id}": str(kim.id)}
    check = client.post(f"/admin/users/{leaver.id}/hand-over", data=form).text
    assert visible_text(check, "h1") == "Check what moves"
    assert texts(check, "main h2") == ["Kim Chair takes 1 action", "Sam Lead takes 2 actions"]
    assert texts(check, "main li") == [
        "VV-003: Map the journey",
        "VV-001: Rewrite the letter",
        "VV-002: Train the call handlers",
    ]
    assert db.session.get(User, leaver.id).active and db.session.get(Action, one.id).owner_id == leaver.id

    changed = client.post(f"/admin/users/{leaver.id}/hand-over", data=form | {"change": "yes"}).text
    assert visible_text(changed, "h1") == "Who takes over Jordan Blake's actions"
    assert visible_text(changed, f"#owner_{three.id} option[selected]") == "Kim Chair"

    done = client.post(f"/admin/users/{leaver.id}/hand-over", data=form | {"confirm": "yes"})
    assert done.headers["Location"] == "/admin/users"
    assert banner(client.get("/admin/users").text) == (
        "Jordan Blake can no longer sign in. 3 actions moved to 2 people. 2 new owners have been e-mailed the list."
    )
    owners = dict(db.session.execute(select(Action.reference, Action.owner_id)).tuples().all())
    assert owners == {"VV-001": sam.id, "VV-002": sam.id, "VV-003": kim.id, "VV-004": leaver.id}
    assert db.session.get(User, leaver.id).active is False
    assert leaver_client.get("/actions/mine").headers["Location"].startswith("/sign-in"), "their session has ended"

    timeline = db.session.scalars(select(ActionUpdate.narrative).where(ActionUpdate.action_id == one.id)).all()
    assert "Reassigned from Jordan Blake to Sam Lead" in timeline
    moved = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "action.updated")).all()
    assert sorted((event.action_id, tuple(event.changes["owner"])) for event in moved) == [
        (one.id, ("Jordan Blake", "Sam Lead")),
        (two.id, ("Jordan Blake", "Sam Lead")),
        (three.id, ("Jordan Blake", "Kim Chair")),
    ]
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.verb == "user.deactivated")) == (
        f"Deactivated {leaver.email}"
    )

    mail = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.to_address)).all()
    assert [(m.to_address, m.subject) for m in mail] == sorted(
        [
            (sam.email, "2 actions from Jordan Blake assigned to you"),
            (kim.email, "1 action from Jordan Blake assigned to you"),
        ]
    )
    sams = next(m for m in mail if m.to_address == sam.email).body_text.splitlines()
    assert (
        "Jordan Blake no longer uses the tracker, and Alex Admin has given you 2 of their actions. They are now yours:"
        in sams
    )
    listed = [line for line in sams if line.startswith("- ")]
    assert [line.split(" (due ")[0] for line in listed] == [
        "- VV-001: Rewrite the letter",
        "- VV-002: Train the call handlers",
    ]


def test_a_leaver_without_open_actions_is_deactivated_at_once(client, auth, make, db):
    quiet = make.user("lead", name="Quiet Lead")
    make.action(owner=quiet, status="complete")
    auth.sign_in("admin")
    response = client.post(f"/admin/users/{quiet.id}/deactivate")
    assert response.headers["Location"] == "/admin/users"
    assert banner(client.get("/admin/users").text) == "Quiet Lead can no longer sign in."


def test_actions_that_change_while_choosing_are_checked_again(client, auth, make, db):
    leaver, sam, _, (one, two, three) = leaving_world(make)
    auth.sign_in("admin")
    form = {"action_ids": f"{one.id},{two.id},{three.id}", "new_owner": str(sam.id)}
    make.action(owner=leaver, reference="VV-009", title="Assigned meanwhile")
    page = client.post(f"/admin/users/{leaver.id}/hand-over", data=form | {"confirm": "yes"}).text
    assert visible_text(page, ".govuk-warning-text__text") == (
        "Warning Their open actions changed while you were choosing. Check who takes over each one again."
    )
    assert db.session.get(User, leaver.id).active and db.session.get(Action, one.id).owner_id == leaver.id
    assert db.session.scalars(select(OutboundEmail)).all() == []


def test_a_person_not_on_the_list_cannot_be_chosen(client, auth, make, db):
    leaver, _, _, actions = leaving_world(make)
    gone = make.user("lead", name="Gone Lead", active=False)
    auth.sign_in("admin")
    form = {"action_ids": ",".join(str(a.id) for a in actions), "new_owner": str(gone.id)}
    page = client.post(f"/admin/users/{leaver.id}/hand-over", data=form | {"confirm": "yes"}).text
    assert error_messages(page) == ["Choose a person from the list"]
    assert db.session.get(User, leaver.id).active


@pytest.fixture()
def smtp_server(app, monkeypatch):
    """A real SMTP server on localhost that the app delivers to; yields its mailbox."""
    port = free_port()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SECURITY": "none"}.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "MAIL_FROM", "tracker@opcc.example.org")
    server = SmtpServer(port).start()
    yield server.mailbox
    server.stop()


def test_each_new_owner_receives_one_message_listing_their_actions(client, auth, make, db, smtp_server):
    leaver, sam, kim, (one, two, three) = leaving_world(make)
    auth.sign_in("admin", name="Alex Admin")
    form = {"action_ids": f"{one.id},{two.id},{three.id}", "new_owner": str(sam.id), "confirm": "yes"}
    client.post(f"/admin/users/{leaver.id}/hand-over", data=form)
    assert send_pending().summary() == "Sent 1, will retry 0, failed 0."
    (message,) = smtp_server.messages
    assert (message["To"], message["Subject"]) == (sam.email, "3 actions from Jordan Blake assigned to you")
    lines = [line.strip() for line in body_of(message, "plain").splitlines() if line.strip()]
    start = lines.index("Hello Sam Lead,")
    assert lines[start + 1 : start + 8] == [
        "Jordan Blake no longer uses the tracker, and Alex Admin has given you 3 of their actions. They are now yours:",
        f"- VV-001: Rewrite the letter (due {long_date(one.current_due_date)})",
        f"{base_url()}/actions/VV-001",
        f"- VV-002: Train the call handlers (due {long_date(two.current_due_date)})",
        f"{base_url()}/actions/VV-002",
        f"- VV-003: Map the journey (due {long_date(three.current_due_date)})",
        f"{base_url()}/actions/VV-003",
    ]
    html = body_of(message, "html")
    assert visible_text(html, "ul") == (
        f"VV-001 : Rewrite the letter (due {long_date(one.current_due_date)}) "
        f"VV-002 : Train the call handlers (due {long_date(two.current_due_date)}) "
        f"VV-003 : Map the journey (due {long_date(three.current_due_date)})"
    )
