"""No header a client sends can move a link onto another host, scheme or path, in mail or kept pages."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import jsonify, request
from sqlalchemy import select

from tests.conftest import TrackerClient
from tests.factories import PASSWORD
from tests.visible import error_messages
from tracker import create_app
from tracker.admin.services import create_user
from tracker.auth.models import SignInAttempt
from tracker.extensions import cache
from tracker.meetings.minutes import approve_minutes, draft_minutes
from tracker.meetings.services import MeetingData, SeriesData, create_meeting, save_series, send_agenda
from tracker.notify.digests import build_escalation_digests, build_weekly_digests
from tracker.notify.kinds import MAIL_KINDS
from tracker.notify.models import OutboundEmail
from tracker.notify.red import send_red_alerts
from tracker.plan import signals
from tracker.plan.models import ClosureRequest, ExtensionRequest
from tracker.recommendations.reminders import send_response_reminders
from tracker.reports.models import DistributionRecipient, Report
from tracker.reports.services import _send_report, tell_chairs, withdraw_report
from tracker.spreadsheets.writing import queue_assignment_summaries

BASE_URL = "https://tracker.force.example/tracker"
HOSTILE_HEADERS = {
    "X-Forwarded-Host": ["evil.example", "tracker.force.example@evil.example", "evil.example/x"],
    "X-Forwarded-Proto": ["javascript", "http", "https://evil.example"],
    "X-Forwarded-Prefix": ["@evil.example", ".evil.example", "//evil.example", "/elsewhere"],
    "X-Forwarded-Port": ["6666", "@evil.example"],
    "X-Forwarded-For": ["6.6.6.6", "not-an-address", "1" * 80],
    "Forwarded": ["for=6.6.6.6;host=evil.example;proto=http", 'for="[::1]";host="//evil.example"'],
}
EVERY_HOSTILE_HEADER = [(name, value) for name, values in HOSTILE_HEADERS.items() for value in values]
LINK = re.compile(r"""(?:href=")?(\w+:[^\s"<>]+|//[^\s"<>]+)""")


@pytest.fixture
def proxied(app, db):
    """The app as deployed behind one proxy, served under /tracker."""
    proxied = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "PROXY_FIX_HOPS": 1,
            "BASE_URL": BASE_URL,
            "URL_PREFIX": "/tracker",
        },
    )
    proxied.test_client_class = TrackerClient
    return proxied


def links_in(text):
    """Every absolute or scheme-relative link in a text or HTML body."""
    return LINK.findall(text)


def queue_every_kind_of_mail(make):
    """Inside the current (hostile) request, queue one message of every kind the tracker sends."""
    today = date.today()
    now = datetime.now(UTC)
    chair = make.user("chair")
    owner = make.user("lead")
    # An action that was Amber at the last run and is Red now.
    action = make.action(owner=owner, due=today + timedelta(days=3), progress=10, last_rule_rag="amber")
    make.action(owner=owner, due=today - timedelta(days=40), progress=10)
    signals.action_assigned.send(action, actor=chair, previous_owner=None)
    extension = ExtensionRequest(
        action=action,
        requested_by=owner,
        previous_due_date=action.current_due_date,
        new_due_date=action.current_due_date + timedelta(days=30),
        reason="The supplier is late.",
    )
    closure = ClosureRequest(action=action, requested_by_id=owner.id, summary="Done.")
    make.db.session.add_all([extension, closure])
    make.db.session.flush()
    signals.extension_requested.send(action, actor=owner, request=extension)
    signals.closure_requested.send(action, actor=owner, request=closure)
    extension.state = closure.state = "approved"
    signals.extension_decided.send(action, actor=chair, request=extension)
    signals.closure_decided.send(action, actor=chair, request=closure)
    signals.action_reopened.send(action, actor=chair, reason="The letter was never sent.")
    create_user(name="New Person", email="new.person@example.org", role="viewer")
    queue_assignment_summaries({owner: [action]}, "batch-1", "plan.xlsx", chair)
    send_red_alerts(now)
    source = make.source(title="PEEL 2027", published_on=today - timedelta(days=50))
    make.recommendation(source=source, lead=owner)
    send_response_reminders(now)
    build_weekly_digests(now)
    build_escalation_digests(now)
    # Too large to attach, so it goes as a link.
    report = Report(quarter="2026/27 Q2", pdf_size=10**9, pdf=b"%PDF-1.4")
    recipient = DistributionRecipient(name="Pat Partner", email="pat@partner.example", organisation="Partner")
    make.db.session.add_all([report, recipient])
    make.db.session.flush()
    tell_chairs(report)
    _send_report(report, recipient)
    series = save_series(None, SeriesData(name="Victims Code Champions meeting", members=[owner]), chair)
    meeting = create_meeting(series, MeetingData(held_on=today, starts_at=time(14), chair=chair), chair, today)
    send_agenda(meeting, chair)
    meeting.state = "held"
    approve_minutes(draft_minutes(meeting, chair), chair)
    report.state, report.published_at = "published", now
    withdraw_report(report, chair, "The figures were wrong.")
    make.db.session.commit()
    return ""


@pytest.mark.parametrize(("header", "value"), EVERY_HOSTILE_HEADER)
def test_every_kind_of_mail_links_to_the_base_url_whatever_the_request_says(proxied, make, db, header, value):
    viewer = make.user("viewer")
    proxied.add_url_rule("/queue-every-mail", "queue_every_mail", lambda: queue_every_kind_of_mail(make))
    client = proxied.test_client()
    hostile = {header: value}
    client.post("/tracker/forgot-password", data={"email": viewer.email}, headers=hostile)
    assert client.get("/tracker/queue-every-mail", headers=hostile).status_code == 200

    mails = db.session.scalars(select(OutboundEmail)).all()
    assert {mail.kind for mail in mails} == set(MAIL_KINDS)
    for mail in mails:
        links = links_in(mail.body_text) + links_in(mail.body_html)
        assert links, mail.kind
        assert all(link.startswith(BASE_URL + "/") for link in links), (mail.kind, links)
        assert "evil" not in mail.body_text + mail.body_html
    [reset] = [mail for mail in mails if mail.kind == "password_reset"]
    assert links_in(reset.body_text)[0].startswith(f"{BASE_URL}/reset-password/")


@pytest.mark.parametrize(("header", "value"), EVERY_HOSTILE_HEADER)
def test_kept_pages_hold_only_links_under_the_configured_prefix(proxied, make, db, header, value):
    action = make.action()
    viewer = make.user("viewer")
    client = proxied.test_client()
    client.post("/tracker/sign-in", data={"email": viewer.email, "password": PASSWORD})
    cache.clear()
    pages = ["/tracker/", "/tracker/actions", "/tracker/actions/by-right", f"/tracker/actions/{action.reference}"]
    for page in pages:  # the first reader's headers are the hostile ones; what is kept is served to everyone
        assert client.get(page, headers={header: value}).status_code == 200
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        hrefs = re.findall(r'(?:href|src|action)="([^"]*)"', html)
        assert hrefs and all(href.startswith(("/tracker/", "#")) for href in hrefs), page
        assert "evil" not in html


def test_behind_the_proxy_only_its_own_headers_are_believed(proxied):
    proxied.add_url_rule(
        "/as-seen",
        "as_seen",
        lambda: jsonify(
            scheme=request.scheme, host=request.host, address=request.remote_addr, root=request.script_root
        ),
    )
    client = proxied.test_client()
    seen = client.get(
        "/tracker/as-seen",
        headers={
            "X-Forwarded-For": "6.6.6.6, 203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "tracker.force.example",
            "X-Forwarded-Prefix": "/elsewhere",
        },
    ).json
    assert seen == {"scheme": "https", "host": "tracker.force.example", "address": "203.0.113.9", "root": "/tracker"}
    from_elsewhere = client.get(
        "/tracker/as-seen",
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
    ).json
    assert from_elsewhere == {"scheme": "http", "host": "localhost", "address": "198.51.100.7", "root": "/tracker"}


@pytest.mark.parametrize("forwarded", ["1" * 65, "x" * 200, "999.1.1.1", "::g", "6.6.6.6, " * 30])
def test_a_failed_sign_in_is_counted_against_a_checked_address_whatever_the_header(proxied, make, db, forwarded):
    client = proxied.test_client()
    response = client.post(
        "/tracker/sign-in",
        data={"email": "nobody@example.org", "password": "a wrong password"},
        headers={"X-Forwarded-For": forwarded},
    )
    assert response.status_code == 200
    [attempt] = db.session.scalars(select(SignInAttempt)).all()
    assert (attempt.address, attempt.succeeded) == ("127.0.0.1", False)


def test_a_client_not_coming_through_the_proxy_cannot_escape_the_per_address_limit(app, make, db):
    direct = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "PROXY_FIX_HOPS": 1,
            "FORWARDED_ALLOW_IPS": "10.0.0.1",
        },
    )
    direct.test_client_class = TrackerClient
    client = direct.test_client()
    for number in range(direct.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] + 1):
        response = client.post(
            "/sign-in",
            data={"email": f"guess{number}@example.org", "password": "a wrong password"},
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        )
    assert set(db.session.scalars(select(SignInAttempt.address))) == {"127.0.0.1"}
    assert error_messages(response.text) == [
        "Too many failed attempts. Wait 15 minutes and try again, or reset your password."
    ]
