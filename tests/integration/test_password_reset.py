"""Password reset by an e-mailed link that works once, for a limited time, and never says who has an account."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tests.factories import PASSWORD
from tests.visible import banners
from tracker.auth.models import PasswordResetToken
from tracker.notify.models import OutboundEmail

NEW_PASSWORD = "a kettle of quiet herons over the estuary at dawn, counting boats slowly"
LINK = re.compile(r"https?://\S+/reset-password/\S+")


def ask_for_link(client, email):
    return client.post("/forgot-password", data={"email": email})


def emailed_link(db, to_address):
    """The path of the reset link in the latest e-mail to the address, read from the outbox."""
    mail = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.to_address == to_address).order_by(OutboundEmail.id.desc())
    ).first()
    assert mail is not None, f"no e-mail to {to_address}"
    assert LINK.search(mail.body_html), "the HTML part carries the link too"
    return urlsplit(LINK.search(mail.body_text).group(0)).path


def choose_password(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"new_password": password, "confirm_password": password})


def outbox_size(db):
    return db.session.scalar(select(func.count(OutboundEmail.id)))


def test_the_whole_reset_from_e_mail_to_sign_in(client, make, db):
    user = make.user("lead")
    other_device = client.application.test_client()
    other_device.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    page = ask_for_link(client, user.email.upper()).get_data(as_text=True)
    assert "Check your e-mail" in page
    mail = db.session.scalar(select(OutboundEmail))
    assert mail.subject == "Reset your password" and "within 2 hours" in mail.body_text
    path = emailed_link(db, user.email)
    form = client.get(path)
    assert form.status_code == 200 and "Choose a password" in form.get_data(as_text=True)
    response = choose_password(client, path)
    assert response.status_code == 302 and response.location == "/sign-in"
    assert banners(client.get("/sign-in").get_data(as_text=True)) == [
        "Your password has been saved. Sign in with it now."
    ]
    assert other_device.get("/").status_code == 302, "sessions from before the reset have ended"
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post("/sign-in", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_used_link_is_refused(client, make, db):
    user = make.user("viewer")
    ask_for_link(client, user.email)
    path = emailed_link(db, user.email)
    assert choose_password(client, path).status_code == 302
    for response in (client.get(path), choose_password(client, path, "another long passphrase here")):
        assert response.status_code == 404
        assert "The link has expired or has been used already" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(client, make, db):
    user = make.user("viewer")
    ask_for_link(client, user.email)
    path = emailed_link(db, user.email)
    token = db.session.scalar(select(PasswordResetToken))
    token.expires_at -= timedelta(hours=2, seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404
    assert choose_password(client, path).status_code == 404
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_using_one_link_cancels_the_others(client, make, db):
    user = make.user("viewer")
    ask_for_link(client, user.email)
    first = emailed_link(db, user.email)
    ask_for_link(client, user.email)
    second = emailed_link(db, user.email)
    assert first != second
    assert choose_password(client, second).status_code == 302
    assert client.get(first).status_code == 404


def test_only_a_hash_of_the_link_is_stored(client, make, db):
    user = make.user("viewer")
    ask_for_link(client, user.email)
    secret = emailed_link(db, user.email).rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordResetToken.token_hash))
    assert secret not in stored and len(stored) == 64


def test_unknown_and_deactivated_addresses_get_the_same_page_and_no_e_mail(client, make, db):
    gone = make.user("lead", active=False)
    known = make.user("lead")
    answers = [ask_for_link(client, email).get_data(as_text=True) for email in ("nobody@example.org", gone.email)]
    assert outbox_size(db) == 0
    reference = ask_for_link(client, known.email).get_data(as_text=True)
    assert outbox_size(db) == 1
    for answer, email in zip(answers, ("nobody@example.org", gone.email), strict=True):
        assert _without_nonce(answer).replace(email, known.email) == _without_nonce(reference)


def _without_nonce(page):
    return re.sub(r'nonce="[^"]+"', "", page)


def test_links_are_limited_per_hour_without_saying_so(client, make, db):
    user = make.user("viewer")
    pages = [ask_for_link(client, user.email) for _ in range(4)]
    assert outbox_size(db) == 3
    assert all("Check your e-mail" in page.get_data(as_text=True) for page in pages)


def test_a_new_password_must_meet_the_policy_and_the_form_says_why(client, make, db):
    user = make.user("viewer", name="Robin Ashdown")
    ask_for_link(client, user.email)
    path = emailed_link(db, user.email)
    for password, message in (
        ("too short", "Password must be 12 characters or more"),
        ("password1234", "Password is too common"),
        ("robinashdown rules", "Password must not contain your name or email address"),
    ):
        page = choose_password(client, path, password).get_data(as_text=True)
        assert message in page and "govuk-error-summary" in page
    mismatched = client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "!"})
    assert "Passwords do not match" in mismatched.get_data(as_text=True)
    assert client.get(path).status_code == 200, "a refused password does not spend the link"


def test_an_invitation_link_lasts_three_days_and_sets_the_first_password(client, auth, db):
    auth.sign_in("admin")
    client.post("/admin/users/new", data={"name": "Sam Okafor", "email": "sam.okafor@example.org", "role": "viewer"})
    auth.sign_out()
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "invitation"))
    assert "within 3 days" in mail.body_text
    token = db.session.scalar(select(PasswordResetToken))
    assert timedelta(hours=71) < token.expires_at - token.created_at <= timedelta(hours=72)
    assert choose_password(client, emailed_link(db, "sam.okafor@example.org")).status_code == 302
    assert (
        client.post("/sign-in", data={"email": "sam.okafor@example.org", "password": NEW_PASSWORD}).status_code == 302
    )


def test_a_link_submitted_twice_at_once_is_spent_once(client, make, db):
    """The second of two simultaneous submissions finds the link already spent, even though it had
    loaded it as unused: spending is one conditional UPDATE, not a read then a write."""
    from tracker.auth import services

    user = make.user("viewer")
    ask_for_link(client, user.email)
    path = emailed_link(db, user.email)
    loaded_by_second_tab = services.redeem_reset_token(path.rsplit("/", 1)[1])
    assert loaded_by_second_tab is not None
    assert choose_password(client, path).status_code == 302
    assert services.reset_password(loaded_by_second_tab, "the second tab's passphrase") is False
    db.session.rollback()
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
