"""Sign-in is throttled per account and per address, in the database, so every worker process agrees."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import TrackerClient
from tests.factories import PASSWORD
from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.auth.models import SignInAttempt

THROTTLED = "Too many failed attempts. Wait 15 minutes and try again, or reset your password."


def sign_in(client, email, password, address="192.0.2.10", **headers):
    return client.post(
        "/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client, make, db):
    user = make.user("lead")
    for _ in range(5):
        assert sign_in(client, user.email, "wrong password!").status_code == 200
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429 and THROTTLED in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "auth.sign_in_throttled")) is not None


def test_the_lock_lifts_when_the_window_has_passed(client, make, db):
    user = make.user("lead")
    for _ in range(5):
        sign_in(client, user.email, "wrong password!")
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    for attempt in db.session.scalars(select(SignInAttempt)):
        attempt.at -= timedelta(minutes=16)
    db.session.commit()
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_throttled(client, make):
    """Twenty failures from one address, each on a different account, lock that address out."""
    user = make.user("viewer")
    for number in range(20):
        sign_in(client, f"guess{number}@example.org", "wrong password!", address="198.51.100.7")
    assert sign_in(client, user.email, PASSWORD, address="198.51.100.7").status_code == 429
    other = client.application.test_client()
    assert sign_in(other, user.email, PASSWORD, address="203.0.113.50").status_code == 302


def test_every_worker_process_sees_the_same_failures(app, make):
    """Two app instances (as two gunicorn workers would be) share the count through the database."""
    user = make.user("chair")
    worker_a = app.test_client()
    worker_b = create_app("test", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    worker_b.config["WTF_CSRF_ENABLED"] = False
    worker_b.test_client_class = TrackerClient
    for _ in range(5):
        sign_in(worker_a, user.email, "wrong password!")
    assert sign_in(worker_b.test_client(), user.email, PASSWORD).status_code == 429


def test_behind_the_proxy_the_clients_own_address_is_counted(app, make, db):
    """With PROXY_FIX_HOPS=1 the address is the client's, from X-Forwarded-For, not the proxy's."""
    proxied = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "PROXY_FIX_HOPS": 1,
        },
    )
    proxied.test_client_class = TrackerClient
    client = proxied.test_client()
    sign_in(client, "nobody@example.org", "wrong password!", address="127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"})
    attempt = db.session.scalar(select(SignInAttempt).where(SignInAttempt.email == "nobody@example.org"))
    assert attempt.address == "203.0.113.9" and attempt.succeeded is False


def test_an_unknown_address_costs_a_password_check_like_a_known_one(client, make, monkeypatch):
    """So the time a refusal takes does not tell a guesser which addresses have accounts."""
    from tracker.auth import services

    checked = []
    real_check = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda *args: checked.append(args) or real_check(*args))
    response = sign_in(client, "nobody-here@example.org", "a guess at a password")
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert len(checked) == 1 and checked[0][1] == "a guess at a password"
