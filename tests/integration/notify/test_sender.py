"""Delivering the outbox to a real SMTP server: content, retries, outages and safe claiming."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.notify.conftest import SmtpServer, body_of
from tracker.common.types import utcnow
from tracker.notify.models import OutboundEmail
from tracker.notify.sender import claim_messages, send_pending
from tracker.notify.services import queue_email


def _queue(make, count=1, **fields):
    owner = make.user("lead", name="Lee Lead")
    action = make.action(owner=owner, reference=fields.pop("reference", "VV-101"))
    messages = []
    for number in range(count):
        messages.append(
            queue_email(
                "action_assigned",
                to_address=fields.get("to_address", f"owner{number}@force.example.org"),
                to_user=owner,
                action=action,
                template="action_assigned",
                subject=f"{action.reference} has been assigned to you ({number})",
                context={
                    "verb": "assigned to you",
                    "previous_owner": None,
                    "link": "http://127.0.0.1:5000/actions/VV-101",
                },
            )
        )
    make.db.session.commit()
    return messages


def _states(db):
    db.session.expire_all()
    return [m.state for m in db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))]


def test_mail_arrives_as_multipart_text_and_html_with_a_link_to_the_action(db, make, smtp_server):
    [queued] = _queue(make, to_address="lee.lead@force.example.org")

    report = send_pending()

    assert report.summary() == "Sent 1, will retry 0, failed 0."
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "tracker@opcc.example.org"
    assert envelope.rcpt_tos == ["lee.lead@force.example.org"]
    [message] = smtp_server.messages
    assert message["Subject"] == "VV-101 has been assigned to you (0)"
    assert message["From"] == "Victims Code Action Tracker <tracker@opcc.example.org>"
    assert message["To"] == "lee.lead@force.example.org"
    assert message.get_content_type() == "multipart/alternative"
    assert "Hello Lee Lead," in body_of(message, "plain")
    assert "http://127.0.0.1:5000/actions/VV-101" in body_of(message, "plain")
    assert '<a href="http://127.0.0.1:5000/actions/VV-101">' in body_of(message, "html")
    db.session.expire_all()
    sent = db.session.get(OutboundEmail, queued.id)
    assert sent.state == "sent" and sent.sent_at is not None and sent.claimed_by is None
    assert send_pending().summary() == "Sent 0, will retry 0, failed 0."
    assert len(smtp_server.envelopes) == 1


def test_an_attachment_travels_as_a_real_mime_attachment(db, make, smtp_server):
    [queued] = _queue(make)
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    queued.attachment, queued.attachment_name, queued.attachment_type = pdf, "2026-27 Q3 update.pdf", "application/pdf"
    db.session.commit()

    send_pending()

    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/mixed"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "2026-27 Q3 update.pdf"
    assert attachment.get_payload(decode=True) == pdf
    assert "Hello Lee Lead," in body_of(message, "plain")


def test_without_a_mail_server_mail_waits_in_the_outbox(db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    _queue(make, count=2)

    report = send_pending()

    assert "No mail server is configured" in report.summary() and report.waiting == 2
    assert _states(db) == ["pending", "pending"]


def test_a_server_that_is_down_then_back_loses_nothing_and_sends_nothing_twice(db, make, smtp_port):
    _queue(make, count=3)

    down = send_pending()

    assert down.waiting == 3 and "Could not connect to the mail server" in down.problem
    assert _states(db) == ["pending"] * 3
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert all(m.attempts == 0 and m.claimed_by is None and "Could not connect" in m.last_error for m in rows)

    server = SmtpServer(smtp_port).start()
    try:
        back = send_pending()
        again = send_pending(utcnow() + timedelta(hours=1))
    finally:
        server.stop()

    assert len(back.sent) == 3 and again.sent == []
    assert sorted(e.rcpt_tos[0] for e in server.mailbox.envelopes) == [f"owner{n}@force.example.org" for n in range(3)]
    assert _states(db) == ["sent"] * 3


def test_a_temporary_refusal_is_retried_later_with_growing_waits(db, make, smtp_server):
    [queued] = _queue(make)
    smtp_server.refuse = lambda envelope: "451 4.3.0 Mailbox busy, try again later"
    start = utcnow()

    first = send_pending(start)
    db.session.expire_all()
    message = db.session.get(OutboundEmail, queued.id)
    assert len(first.retrying) == 1 and message.state == "pending" and message.attempts == 1
    assert message.next_attempt_at == start + timedelta(minutes=1)
    assert "451" in message.last_error

    assert send_pending(start + timedelta(seconds=30)).retrying == []
    send_pending(start + timedelta(minutes=1))
    db.session.expire_all()
    message = db.session.get(OutboundEmail, queued.id)
    assert message.attempts == 2 and message.next_attempt_at == start + timedelta(minutes=3)

    smtp_server.refuse = None
    assert len(send_pending(start + timedelta(minutes=3)).sent) == 1
    assert len(smtp_server.envelopes) == 1


def test_permanent_refusal_or_too_many_attempts_marks_the_message_failed(db, make, smtp_server, app, monkeypatch):
    refused, busy = _queue(make, count=2)
    unknown = refused.to_address
    smtp_server.refuse = lambda e: "550 5.1.1 No such user" if e.rcpt_tos == [unknown] else "451 Busy"
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)

    start = utcnow()
    send_pending(start)
    report = send_pending(start + timedelta(minutes=5))

    db.session.expire_all()
    refused, busy = db.session.get(OutboundEmail, refused.id), db.session.get(OutboundEmail, busy.id)
    assert refused.state == "failed" and refused.attempts == 1 and "550 5.1.1 No such user" in refused.last_error
    assert busy.state == "failed" and busy.attempts == 2 and [m.id for m in report.failed] == [busy.id]
    assert smtp_server.envelopes == []


# The test relay takes a login over plain SMTP on localhost; a real relay would need TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_sender_logs_in_when_the_relay_needs_it(db, make, app, smtp_port, monkeypatch):
    server = SmtpServer(smtp_port, require_login=True).start()
    try:
        _queue(make)
        without_login = send_pending()
        monkeypatch.setitem(app.config, "MAIL_USERNAME", "tracker@opcc.example.org")
        monkeypatch.setitem(app.config, "MAIL_PASSWORD", "relay-password")
        with_login = send_pending()
    finally:
        server.stop()

    # A relay that wants a login refuses every message: a setting to fix, so nothing is failed.
    assert "530" in without_login.problem and without_login.failed == []
    assert len(with_login.sent) == 1
    assert server.mailbox.logins == [("tracker@opcc.example.org", "relay-password")]
    assert _states(db) == ["sent"]


def test_two_senders_never_claim_the_same_message(db, make):
    _queue(make, count=4)
    now = utcnow()

    first = claim_messages(now, "sender-a", 3)
    second = claim_messages(now, "sender-b", 10)

    assert len(first) == 3 and len(second) == 1
    assert not {m.id for m in first} & {m.id for m in second}
    # A claim left by a sender that died is taken over once it is old enough.
    assert claim_messages(now + timedelta(minutes=5), "sender-c", 10) == []
    assert len(claim_messages(now + timedelta(minutes=11), "sender-c", 10)) == 4


def test_concurrent_senders_deliver_each_message_once(app, db, make, smtp_server):
    _queue(make, count=12)
    errors = []
    start = threading.Barrier(3)

    def sender():
        try:
            with app.app_context():
                start.wait(10)
                send_pending(limit=5)
                send_pending(limit=5)
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    recipients = sorted(e.rcpt_tos[0] for e in smtp_server.envelopes)
    assert recipients == sorted(f"owner{n}@force.example.org" for n in range(12))
    assert _states(db) == ["sent"] * 12
