"""Single sign-on that goes wrong: each failure is a clear page and an audit event, never a session."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from tests.integration import oidc_fixtures
from tests.oidc_provider import CALLBACK_PATH, free_port, running_provider, single_sign_on
from tests.visible import visible_text
from tracker.audit.models import AuditEvent

provider, sso = oidc_fixtures.provider, oidc_fixtures.sso

PROVIDER_DOWN = (
    "Your organisation's sign-in service is not available "
    "The tracker could not reach your organisation's sign-in service. Try again in a few minutes. "
    "If it keeps happening, tell your IT service desk. Go back to sign in"
)
REJECTED = (
    "Your sign-in has expired or was changed "
    "The reply from your organisation's sign-in service had been used already, had been changed, "
    "or was not for this sign-in. You have not been signed in. Start again. Go back to sign in"
)
NOT_CONFIRMED = (
    "Your organisation's sign-in could not be checked "
    "The tracker could not confirm who you are from your organisation's reply, so you have not been "
    "signed in. Try again. If it keeps happening, tell your IT service desk. Go back to sign in"
)


def failures(db):
    """The audit summaries of failed organisation sign-ins."""
    query = select(AuditEvent.summary).where(AuditEvent.verb == "auth.sso_failed").order_by(AuditEvent.id)
    return db.session.scalars(query).all()


def assert_not_signed_in(client):
    assert client.get("/account").status_code == 302


def with_query(callback, **changes):
    """The callback address with some of its query arguments changed."""
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return f"{parts.path}?{urlencode({**query, **changes})}"


def test_provider_down(app, client, db, sso):
    app.config["OIDC_ISSUER"] = f"http://127.0.0.1:{free_port()}"
    response = client.get("/sign-in/organisation")
    assert response.status_code == 502
    assert visible_text(response.text, "main") == PROVIDER_DOWN
    assert failures(db) == ["Organisation sign-in failed: provider_unavailable"]
    assert_not_signed_in(client)


def test_provider_down_between_sign_in_and_callback(app, client, db, make):
    # A provider of its own, stopped after the person has signed in there but before the code is exchanged.
    make.user("viewer", email="ivy@force.example")
    with running_provider([app.config["BASE_URL"] + CALLBACK_PATH]) as issuer, single_sign_on(app, issuer) as sso:
        callback = sso.callback(client, "ivy@force.example")
    with single_sign_on(app, issuer) as sso:
        response = client.get(callback)
    assert response.status_code == 502
    assert visible_text(response.text, "main") == PROVIDER_DOWN
    assert failures(db) == ["Organisation sign-in failed: provider_unavailable"]
    assert_not_signed_in(client)


def test_consent_refused(client, db, make, sso):
    make.user("viewer", email="jo@force.example")
    response = sso.sign_in(client, "jo@force.example", refuse=True)
    assert response.status_code == 400
    assert visible_text(response.text, "main") == (
        "You did not allow the tracker to sign you in "
        "You chose not to let the tracker use your organisation account, so you have not been signed in. "
        "To use the tracker, sign in again and allow it. Go back to sign in"
    )
    assert failures(db) == ["Organisation sign-in failed: consent_refused"]
    assert_not_signed_in(client)


def test_replayed_response(client, db, make, sso):
    make.user("viewer", email="kim@force.example")
    callback = sso.callback(client, "kim@force.example")
    assert client.get(callback).status_code == 302
    client.post("/sign-out", follow_redirects=True)
    # Replayed on its own, and again while a new sign-in is under way.
    first = client.get(callback)
    sso.start(client)
    second = client.get(callback)
    for response in (first, second):
        assert response.status_code == 400
        assert visible_text(response.text, "main") == REJECTED
    assert failures(db) == [
        "Organisation sign-in failed: no_sign_in_in_progress",
        "Organisation sign-in failed: state_mismatch",
    ]
    assert_not_signed_in(client)


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"state": "forged-state"}, "state_mismatch"), ({"code": "forged-code"}, "code_refused")],
)
def test_tampered_response(client, db, make, sso, change, reason):
    make.user("viewer", email="lee@force.example")
    callback = sso.callback(client, "lee@force.example")
    response = client.get(with_query(callback, **change))
    assert response.status_code == 400
    assert visible_text(response.text, "main") == REJECTED
    assert failures(db) == [f"Organisation sign-in failed: {reason}"]
    assert_not_signed_in(client)


@pytest.mark.parametrize(
    ("provider_client", "reason"),
    [
        ("tracker-wrong-aud", "bad_claim_aud"),
        ("tracker-expired", "token_expired"),
        ("tracker-skewed", "bad_claim_iat"),
        ("tracker-bad-signature", "bad_signature"),
    ],
)
def test_id_token_refused(client, db, make, sso, provider_client, reason):
    make.user("viewer", email="max@force.example")
    sso.use_client(provider_client)
    response = sso.sign_in(client, "max@force.example")
    assert response.status_code == 400
    assert visible_text(response.text, "main") == NOT_CONFIRMED
    assert failures(db) == [f"Organisation sign-in failed: {reason}"]
    assert_not_signed_in(client)


def test_clock_skew_within_the_tolerance_is_accepted(app, client, db, make, sso):
    # The skewed client's tokens are issued 15 minutes ahead of this machine's clock.
    make.user("viewer", email="ned@force.example")
    sso.use_client("tracker-skewed")
    app.config["OIDC_CLOCK_SKEW_SECONDS"] = 16 * 60
    assert sso.sign_in(client, "ned@force.example").status_code == 302
    assert client.get("/account").status_code == 200
