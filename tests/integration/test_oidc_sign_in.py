"""Single sign-on against a real OpenID provider: matching, linking, creation, roles, sign-out."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.integration import oidc_fixtures
from tests.oidc_provider import Person
from tests.visible import banner, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.auth.models import User

provider, sso = oidc_fixtures.provider, oidc_fixtures.sso


def events(db, verb):
    """The summaries of the audit events of one kind, oldest first."""
    return db.session.scalars(select(AuditEvent.summary).where(AuditEvent.verb == verb).order_by(AuditEvent.id)).all()


def signed_in(client):
    """True when the client's session reaches a signed-in page."""
    return client.get("/account").status_code == 200


def test_sign_in_page_offers_the_organisation_account_first(client, sso):
    page = client.get("/sign-in").text
    assert texts(page, "main .govuk-button") == ["Sign in with your organisation account", "Sign in"]
    assert texts(page, "main h2") == ["Or sign in with a password"]


def test_without_settings_the_sign_in_page_is_as_before(client, db):
    page = client.get("/sign-in").text
    assert texts(page, "main .govuk-button") == ["Sign in"]
    assert client.get("/sign-in/organisation").status_code == 404


def test_the_authorisation_request_carries_pkce_state_and_nonce(client, sso):
    query = parse_qs(urlsplit(sso.start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/sign-in/organisation/callback"]


def test_first_sign_in_matches_the_verified_email_then_the_subject(client, db, make, sso):
    user = make.user("chair", email="alice@force.example", name="Alice Chair")
    response = sso.sign_in(client, "alice@force.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert visible_text(client.get("/account").text, "main h1") == "Your account"
    db.session.refresh(user)
    assert (user.identity_issuer, user.identity_subject) == (sso.issuer, "alice@force.example")
    assert events(db, "auth.identity_linked") == ["Linked alice@force.example to their organisation account"]
    assert events(db, "auth.sign_in") == ["alice@force.example signed in with their organisation account"]

    client.post("/sign-out")
    # The person's address changes at the provider; the stored subject still finds them.
    sso.account("alice@force.example", email="alice.smith@force.example")
    assert sso.sign_in(client, "alice@force.example").status_code == 302
    assert signed_in(client)
    assert len(events(db, "auth.identity_linked")) == 1
    assert len(events(db, "auth.sign_in")) == 2


def test_an_unverified_address_is_not_matched(client, make, db, sso):
    make.user("chair", email="bob@force.example")
    sso.account("bob@force.example", email_verified=False)
    response = sso.sign_in(client, "bob@force.example")
    assert response.status_code == 403
    assert visible_text(response.text, "main") == (
        "You cannot sign in to the tracker "
        "You do not have an account on the tracker yet. Ask an administrator to add you, then try again. "
        "Go back to sign in"
    )
    assert not signed_in(client)


def test_entra_object_id_and_domain_verified_address(client, make, db, sso):
    user = make.user("viewer", email="carol@force.example")
    sso.account("carol@force.example", email_verified=None, xms_edov=True, oid="0f6c-object-id")
    assert sso.sign_in(client, "carol@force.example").status_code == 302
    db.session.refresh(user)
    assert user.identity_subject == "0f6c-object-id"


def test_an_unknown_person_is_told_to_ask_an_administrator(client, db, sso):
    response = sso.sign_in(client, "stranger@force.example")
    assert response.status_code == 403
    assert visible_text(response.text, "main p") == (
        "You do not have an account on the tracker yet. Ask an administrator to add you, then try again."
    )
    assert events(db, "auth.sso_refused") == ["Organisation sign-in refused for stranger@force.example: unknown_person"]
    assert db.session.scalar(select(User).where(User.email == "stranger@force.example")) is None
    assert not signed_in(client)


def test_a_deactivated_person_is_refused_even_once_linked(client, db, make, sso):
    user = make.user("viewer", email="dan@force.example")
    assert sso.sign_in(client, "dan@force.example").status_code == 302
    client.post("/sign-out", follow_redirects=True)
    user.active = False
    db.session.commit()
    response = sso.sign_in(client, "dan@force.example")
    assert response.status_code == 403
    assert visible_text(response.text, "main p") == (
        "Your account on the tracker has been closed. Ask an administrator if you need it."
    )
    assert events(db, "auth.sso_refused") == ["Organisation sign-in refused for dan@force.example: deactivated"]
    assert not signed_in(client)


def test_groups_create_people_and_set_their_role_at_each_sign_in(app, client, db, sso):
    app.config.update(OIDC_CREATE_USERS=True, OIDC_ROLE_GROUPS={"grp-chairs": "chair", "TrackerAdmin": "admin"})
    sso.account("erin@force.example", name="Erin Jones", groups=["grp-chairs", "grp-other"])
    assert sso.sign_in(client, "erin@force.example").status_code == 302
    erin = db.session.scalar(select(User).where(User.email == "erin@force.example"))
    assert (erin.name, erin.role) == ("Erin Jones", "chair")
    assert events(db, "user.created") == ["Created erin@force.example as Chair from their organisation groups"]

    client.post("/sign-out")
    sso.account("erin@force.example", name="Erin Jones", groups=["grp-chairs"], roles=["TrackerAdmin"])
    assert sso.sign_in(client, "erin@force.example").status_code == 302
    db.session.refresh(erin)
    assert erin.role == "admin"
    assert events(db, "user.updated") == ["Role of erin@force.example set from their organisation groups"]

    client.post("/sign-out")
    sso.account("frank@force.example", groups=["grp-other"])
    response = sso.sign_in(client, "frank@force.example")
    assert response.status_code == 403
    assert db.session.scalar(select(User).where(User.email == "frank@force.example")) is None


def test_session_limits_and_version_apply(app, client, db, make, sso):
    user = make.user("viewer", email="gina@force.example")
    sso.sign_in(client, "gina@force.example")
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    assert not signed_in(client)

    sso.sign_in(client, "gina@force.example")
    assert signed_in(client)
    user.end_sessions()
    db.session.commit()
    assert not signed_in(client)


def test_sign_out_offers_the_providers_sign_out(client, db, make, sso):
    make.user("viewer", email="hana@force.example")
    person = Person(sso.issuer, "hana@force.example")
    client.get(person.sign_in(sso.start(client)))
    response = client.post("/sign-out", follow_redirects=True)
    assert banner(response.text) == "You have signed out."
    assert visible_text(response.text, ".govuk-inset-text") == (
        "You are still signed in to your organisation account on this device. Sign out of your organisation account too"
    )
    link = texts(response.text, ".govuk-inset-text a")
    assert link == ["Sign out of your organisation account too"]
    assert not signed_in(client)
    # The offer is made once, on the page straight after signing out.
    assert texts(client.get("/sign-in").text, ".govuk-inset-text") == []

    href = _href(response.text, ".govuk-inset-text a")
    assert href.startswith(sso.issuer + "/session/end?")
    ended = person.end_session(href)
    assert ended == "http://127.0.0.1:5000/sign-in"


def test_password_sign_in_off_except_for_break_glass_administrators(app, client, db, make, sso):
    chair = make.user("chair", email="ian@force.example")
    admin = make.user("admin", email="root@force.example")
    app.config.update(PASSWORD_SIGN_IN=False, PASSWORD_BREAK_GLASS_EMAILS=["root@force.example"])
    page = client.get("/sign-in").text
    assert texts(page, "main .govuk-details__summary-text") == ["Sign in with a password"]

    response = client.post("/sign-in", data={"email": chair.email, "password": "correct horse battery"})
    assert response.status_code == 403
    assert visible_text(response.text, ".govuk-error-summary__list") == (
        "Sign in with your organisation account. Passwords are only for named administrators."
    )
    assert events(db, "auth.password_sign_in_refused") == [
        "Password sign-in refused for ian@force.example: passwords are off"
    ]
    assert not signed_in(client)

    forgot = client.get("/forgot-password")
    assert forgot.status_code == 404
    assert visible_text(forgot.text, "main h1") == "Password reset is turned off"

    from tests.factories import PASSWORD

    assert client.post("/sign-in", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    assert signed_in(client)


def _href(html, selector):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").select_one(selector)["href"]


def test_with_passwords_off_a_new_person_gets_no_password_invitation(app, client, db, make, auth, sso):
    """An invitation to choose a password would lead to a turned-off page: only break-glass admins get one."""
    from tracker.notify.models import OutboundEmail

    auth.sign_in(make.user("admin", email="root@force.example"))
    app.config.update(PASSWORD_SIGN_IN=False, PASSWORD_BREAK_GLASS_EMAILS=["second.root@force.example"])

    def add(name, email, role):
        form = {"name": name, "email": email, "role": role, "department_id": "", "password": ""}
        return banner(client.post("/admin/users/new", data=form, follow_redirects=True).text)

    assert add("Pat Viewer", "pat@force.example", "viewer") == (
        "Pat Viewer has been added. They sign in with their organisation account: no invitation is sent."
    )
    assert (
        add("Sam Root", "second.root@force.example", "admin") == "Sam Root has been added. An invitation is on its way."
    )
    invited = db.session.scalars(select(OutboundEmail.to_address).where(OutboundEmail.kind == "invitation")).all()
    assert invited == ["second.root@force.example"]


def test_with_passwords_off_the_account_page_offers_no_password_change(app, client, db, make, auth, sso):
    viewer = make.user("viewer", email="pat@force.example")
    auth.sign_in(viewer)
    app.config.update(PASSWORD_SIGN_IN=False)
    page = client.get("/account").text
    assert "Change your password" not in texts(page, "main h2")
    assert visible_text(page, "main h2 + p.govuk-body") == (
        "You sign in with your organisation account, so the tracker holds no password for you."
    )
    sent = {"pw-current_password": "x", "pw-new_password": "y" * 20, "pw-confirm_password": "y" * 20, "pw-submit": "y"}
    assert client.post("/account", data=sent).status_code == 403
