"""Sign-in, sign-out, sessions ended on the server, throttling and password rules."""

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.auth.models import User


def test_sign_in_lands_on_dashboard_and_sign_out_ends_session(client, make):
    user = make.user("chair", name="Casey Chair")
    response = client.post("/sign-in", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Casey Chair" in page and "Dashboard - Victims Code Action Tracker" in page
    client.post("/sign-out")
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, make):
    user = make.user("lead")
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "not the password"})
    for response in (wrong, unknown):
        page = response.get_data(as_text=True)
        assert "Enter a correct email address and password" in page
        assert "govuk-error-summary" in page and 'href="#email"' in page
        assert f'value="{user.email}"' in wrong.get_data(as_text=True)
    assert "Error: Sign in" in wrong.get_data(as_text=True)


def test_empty_form_shows_every_error_linked_to_its_field(client, db):
    page = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_deactivated_user_loses_existing_session(client, make, db):
    admin = make.user("admin")
    lead = make.user("lead")
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert client.get("/").status_code == 200
    other = client.application.test_client()
    other.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    assert other.post(f"/admin/users/{lead.id}/deactivate").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.location
    again = client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in again.get_data(as_text=True)
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"user.deactivated", "auth.sign_in", "auth.sign_in_failed"} <= verbs


def test_sign_out_ends_the_session_even_if_the_cookie_is_replayed(client, make):
    user = make.user("viewer")
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    cookie = client.get_cookie("session").value
    client.post("/sign-out")
    replay = client.application.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302


def test_repeated_failures_are_throttled_with_a_clear_message(client, make):
    user = make.user("lead")
    for _ in range(5):
        client.post("/sign-in", data={"email": user.email, "password": "wrong password!"})
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_no_open_redirect_after_sign_in(client, make):
    user = make.user("lead")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.location == "/actions/mine"
        client.post("/sign-out")
    response = client.post("/sign-in?next=/account", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/account"


def test_idle_session_times_out(app, client, make):
    user = make.user("viewer")
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_forms_refuse_a_missing_csrf_token(app, db, make):
    secure = create_app("test", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    user = make.user("lead")
    client = secure.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 400
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    ok = client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_admin_creates_user_and_the_form_keeps_what_was_typed(client, auth, db):
    auth.sign_in("admin")
    bad = client.post("/admin/users/new", data={"name": "Kim Lowe", "email": "not-an-email", "role": "lead"})
    page = bad.get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
    assert "Choose the department this lead works for" in page
    assert 'value="Kim Lowe"' in page
    department = db.session.scalar(select(User.department_id).where(User.role == "admin"))
    assert department is None
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Kim Lowe",
            "email": "Kim.Lowe@example.org",
            "role": "viewer",
            "password": "plum kettle orbit sage",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "kim.lowe@example.org"))
    assert created.role == "viewer" and created.check_password("plum kettle orbit sage")


def test_common_or_short_passwords_are_refused(client, auth):
    auth.sign_in("admin")
    for password, message in (("short", "12 characters or more"), ("password1234", "too common")):
        page = client.post(
            "/admin/users/new",
            data={"name": "Kim Lowe", "email": "kim@example.org", "role": "viewer", "password": password},
        ).get_data(as_text=True)
        assert message in page


def test_role_change_ends_the_users_sessions(client, auth, make, db):
    lead = make.user("lead")
    other = client.application.test_client()
    other.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    auth.sign_in("admin")
    response = client.post(
        f"/admin/users/{lead.id}",
        data={"name": lead.name, "email": lead.email, "role": "viewer", "version_id": str(lead.version_id)},
    )
    assert response.status_code == 302
    assert other.get("/").status_code == 302


def test_an_old_password_is_never_forced_to_change(client, make, db):
    """NCSC guidance: no periodic expiry. Years after it was set, the password still just works."""
    from datetime import timedelta

    from tracker.common.types import utcnow

    user = make.user("chair")
    user.created_at = user.last_sign_in_at = utcnow() - timedelta(days=3 * 365)
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Dashboard - Victims Code Action Tracker" in page
    assert "change your password" not in page.lower() and "password has expired" not in page.lower()
