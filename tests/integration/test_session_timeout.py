"""A session's end: the warning's settings, staying signed in, and forms sent after it ended keep what was typed."""

import json

from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.visible import banner, banners, squash, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.auth.kept_forms import KeptForm


def _let_the_session_expire(client, app):
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5


def _new_action_form(password_like=False):
    form = {"title": "Write to every victim within 5 days", "description": "Typed slowly over an hour."}
    if password_like:
        form["new_password"] = "correct horse battery staple"
    return form


def test_a_form_sent_after_the_session_ended_comes_back_filled_in_after_signing_in(client, auth, app, db):
    chair = auth.sign_in("chair")
    _let_the_session_expire(client, app)
    sent = client.post("/actions/new", data=_new_action_form(password_like=True))
    assert sent.status_code == 302 and sent.location == "/sign-in?next=/actions/new"
    sign_in_page = client.get(sent.location).text
    assert banner(sign_in_page) == (
        "You were signed out because your session expired. Sign in again to go back to your form:"
        " what you typed has been kept."
    )
    kept = db.session.scalars(select(KeptForm)).one()
    assert (kept.user_id, kept.path) == (chair.id, "/actions/new")
    assert json.loads(kept.fields) == {
        "title": ["Write to every victim within 5 days"],
        "description": ["Typed slowly over an hour."],
    }
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "auth.form_kept")).all()
    assert [event.summary for event in events] == ["What was typed on /actions/new was kept after the session ended"]

    back = client.post(sent.location, data={"email": chair.email, "password": PASSWORD})
    assert back.location == "/actions/new"
    page = client.get("/actions/new").text
    assert banners(page) == [
        "We have put back what you typed before you were signed out. Check it and send the form again."
    ]
    restored = BeautifulSoup(page, "html.parser").select_one("script#kept-form")
    assert json.loads(restored.string) == json.loads(kept.fields)
    assert "correct horse" not in page and "correct horse" not in kept.fields


def test_sending_the_form_again_forgets_what_was_kept(client, auth, app, db):
    chair = auth.sign_in("chair")
    _let_the_session_expire(client, app)
    client.post("/actions/new", data=_new_action_form())
    client.post("/sign-in?next=/actions/new", data={"email": chair.email, "password": PASSWORD})
    again = client.post("/actions/new", data={"title": ""})
    assert visible_text(again.text, ".govuk-error-summary").startswith("There is a problem")
    db.session.commit()
    assert db.session.scalars(select(KeptForm)).all() == []
    assert "We have put back" not in visible_text(client.get("/actions/new").text)


def test_a_kept_form_is_shown_only_to_its_own_person_and_page(client, auth, app, make, db):
    chair = auth.sign_in("chair")
    _let_the_session_expire(client, app)
    client.post("/actions/new", data=_new_action_form())
    other = make.user("chair")
    client.post("/sign-in?next=/actions/new", data={"email": other.email, "password": PASSWORD})
    assert banners(client.get("/actions/new").text) == []
    auth.sign_out()
    client.post("/sign-in", data={"email": chair.email, "password": PASSWORD})
    assert banners(client.get("/actions").text) == []
    assert len(banners(client.get("/actions/new").text)) == 1


def test_a_file_is_not_kept_and_the_page_says_so(client, auth, app, make, db):
    lead = auth.sign_in("lead")
    action = make.action(owner=lead)
    _let_the_session_expire(client, app)
    url = f"/actions/{action.reference}/update"
    client.post(
        url,
        data={"narrative": "Letters now go out in 3 days.", "file": (__import__("io").BytesIO(b"%PDF-1.4"), "a.pdf")},
        content_type="multipart/form-data",
    )
    client.post(f"/sign-in?next={url}", data={"email": lead.email, "password": PASSWORD})
    assert banners(client.get(url).text) == [
        "We have put back what you typed before you were signed out. Check it and send the form"
        " again. Files are not kept: choose your file again."
    ]


def test_staying_signed_in_moves_the_end_of_the_session_on(client, auth, app):
    auth.sign_in("chair")
    with client.session_transaction() as session:
        session["last_seen"] -= 50 * 60
    page = client.get("/").text
    dialog = BeautifulSoup(page, "html.parser").select_one("dialog#timeout-warning")
    assert int(dialog["data-seconds-left"]) <= 60 * 60 and dialog["data-warning-seconds"] == "300"
    assert texts(str(dialog), "h2, button") == ["You’re about to be signed out", "Stay signed in", "Sign out"]
    assert squash(dialog.select_one("#timeout-warning-message").get_text()) == (
        "For your security, we will sign you out in 5 minutes. What you have typed on this page is not saved"
        " until you send it."
    )
    answer = client.post("/session/keep-alive")
    assert answer.status_code == 200
    assert 60 * 60 - 5 <= answer.json["seconds_left"] <= 60 * 60


def test_signed_out_pages_have_no_timeout_warning(client, db):
    assert BeautifulSoup(client.get("/sign-in").text, "html.parser").select("dialog") == []
