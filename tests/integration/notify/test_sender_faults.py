"""A relay that drops the connection after DATA, one that stalls past the timeout, one that is slow but fine."""

from datetime import timedelta

from sqlalchemy import select

from tests.integration.notify.test_sender import _queue
from tests.visible import texts
from tracker.common.types import utcnow
from tracker.notify.models import OutboundEmail
from tracker.notify.sender import send_pending

BIG = 150_000


def _rows(db):
    db.session.expire_all()
    return db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()


def _attach(db, message, size):
    message.attachment, message.attachment_name, message.attachment_type = (
        b"x" * size,
        "Q3 report.pdf",
        "application/pdf",
    )
    db.session.commit()


def test_a_message_the_relay_drops_after_data_is_retried_alone_and_the_rest_still_go(db, make, smtp_server):
    first, big, last = _queue(make, count=3)
    _attach(db, big, BIG)
    smtp_server.drop = lambda envelope: len(envelope.content) > 100_000
    start = utcnow()

    report = send_pending(start)

    assert report.summary() == "Sent 2, will retry 1, failed 0."
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [first.to_address, last.to_address]
    first, big, last = _rows(db)
    assert [first.state, big.state, last.state] == ["sent", "pending", "sent"]
    assert big.attempts == 1 and big.claimed_by is None
    assert big.next_attempt_at == start + timedelta(minutes=1)
    assert big.last_error.startswith("The connection was lost while sending this message, so it may have arrived:")

    # Not offered again before its backoff, so it cannot lead every pass.
    assert send_pending(start + timedelta(seconds=30)).summary() == "Sent 0, will retry 0, failed 0."


def test_a_message_the_relay_always_drops_ends_as_failed_with_the_reason_shown_to_admins(
    db, make, smtp_server, app, monkeypatch, client, auth
):
    [big] = _queue(make, count=1)
    _attach(db, big, BIG)
    smtp_server.drop = lambda envelope: len(envelope.content) > 100_000
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    start = utcnow()

    assert send_pending(start).summary() == "Sent 0, will retry 1, failed 0."
    assert send_pending(start + timedelta(minutes=1)).summary() == "Sent 0, will retry 0, failed 1."

    [big] = _rows(db)
    assert big.state == "failed" and big.attempts == 2
    auth.sign_in("admin")
    page = client.get("/admin/mail/outbox?state=failed")
    [cell] = texts(page.text, "tbody .govuk-table__row td:last-child p")
    assert cell == (
        "The connection was lost while sending this message, so it may have arrived: "
        "the mail server closed the connection"
    )


def test_a_relay_that_stalls_past_the_timeout_costs_one_attempt_and_is_not_resent_early(
    db, make, smtp_server, app, monkeypatch
):
    stalled, other = _queue(make, count=2)
    address = stalled.to_address
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 1)
    smtp_server.delay = lambda envelope: 3 if envelope.rcpt_tos == [address] else 0
    start = utcnow()

    report = send_pending(start)

    assert report.summary() == "Sent 1, will retry 1, failed 0."
    stalled_row, other_row = _rows(db)
    assert (stalled_row.state, stalled_row.attempts, other_row.state) == ("pending", 1, "sent")
    assert stalled_row.last_error == (
        "The connection was lost while sending this message, so it may have arrived: the mail server did not answer within 1 second"
    )
    assert send_pending(start + timedelta(seconds=59)).summary() == "Sent 0, will retry 0, failed 0."

    smtp_server.delay = None
    assert send_pending(start + timedelta(minutes=1)).summary() == "Sent 1, will retry 0, failed 0."
    # Had the stalled relay kept the first copy, the repeat carries the same Message-ID for it to drop.
    [copy] = [m for m in smtp_server.messages if m["To"] == address]
    assert copy["Message-ID"] == f"<outbox-{stalled_row.id}@opcc.example.org>"


def test_a_slow_relay_within_the_timeout_delivers_every_message_once(db, make, smtp_server, app, monkeypatch):
    _queue(make, count=3)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 3)
    smtp_server.delay = lambda envelope: 1

    assert send_pending().summary() == "Sent 3, will retry 0, failed 0."
    assert [(m.state, m.attempts) for m in _rows(db)] == [("sent", 1)] * 3
    assert len(smtp_server.envelopes) == 3
