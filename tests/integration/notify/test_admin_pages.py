"""Admins read the outbox, retry failures and switch kinds of mail off."""

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.notify.models import MailKindSetting, OutboundEmail


def _message(db, number=0, **fields):
    values = {
        "kind": "weekly_digest",
        "to_address": f"person{number}@force.example.org",
        "subject": f"Your actions this week ({number})",
        "body_text": "Hello,\n\nOverdue (1)",
        "body_html": "<p>Hello,</p><h2>Overdue (1)</h2>",
        "state": "pending",
    }
    values.update(fields)
    message = OutboundEmail(**values)
    db.session.add(message)
    db.session.commit()
    return message


def test_admin_finds_the_outbox_in_the_navigation_and_others_do_not(client, auth, db):
    auth.sign_in("admin")
    assert 'href="/admin/mail/outbox"' in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("chair")
    assert 'href="/admin/mail/outbox"' not in client.get("/").get_data(as_text=True)


def test_outbox_lists_messages_says_mail_is_not_configured_and_highlights_failures(client, auth, db):
    _message(db, 1, subject="Waiting message")
    _message(db, 2, subject="Broken message", state="failed", last_error="550 5.1.1 No such user")
    auth.sign_in("admin")

    page = client.get("/admin/mail/outbox").get_data(as_text=True)

    assert "<title>Outbox - Victims Code Action Tracker</title>" in page
    assert "No mail server is set up (MAIL_SERVER), so e-mails wait here" in page
    assert "1 e-mail could not be delivered" in page
    assert "Waiting message" in page and "Broken message" in page
    assert "550 5.1.1 No such user" in page
    assert 'Send again<span class="govuk-visually-hidden">: Broken message to person2@force.example.org' in page


def test_outbox_filters_by_state_and_pages_through_many_messages(client, auth, db):
    for number in range(55):
        _message(db, number, state="sent")
    _message(db, 99, subject="The failed one", state="failed", last_error="550")
    auth.sign_in("admin")

    failed = client.get("/admin/mail/outbox?state=failed").get_data(as_text=True)
    first = client.get("/admin/mail/outbox?state=sent").get_data(as_text=True)
    second = client.get("/admin/mail/outbox?state=sent&page=2").get_data(as_text=True)

    assert "The failed one" in failed and "Your actions this week (3)" not in failed
    assert "55 e-mails: sent" in first and 'aria-label="Page 2"' in first
    assert "The failed one" not in first
    assert first.count("Your actions this week (") == 50 and second.count("Your actions this week (") == 5


def test_a_message_is_shown_as_text_and_as_html_with_anything_active_removed(client, auth, db):
    message = _message(
        db,
        body_text="Hello Lee,\n\n<b>not bold</b>",
        body_html='<p onclick="steal()">Hello <a href="javascript:alert(1)">Lee</a></p><script>alert(2)</script>'
        '<style>p{color:red}</style><a href="http://127.0.0.1:5000/actions/VV-001">VV-001</a>',
    )
    auth.sign_in("admin")

    page = client.get(f"/admin/mail/outbox/{message.id}").get_data(as_text=True)

    assert "Hello Lee,\n\n&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "steal()" not in page and "alert(" not in page and "javascript:" not in page
    assert "color:red" not in page
    assert '<a href="http://127.0.0.1:5000/actions/VV-001" rel="noopener noreferrer nofollow">VV-001</a>' in page


def test_admin_sends_a_failed_message_again(client, auth, db):
    message = _message(db, state="failed", attempts=8, last_error="451 Busy")
    admin = auth.sign_in("admin")

    response = client.post(f"/admin/mail/outbox/{message.id}/retry", data={"next": "/admin/mail/outbox?state=failed"})

    assert response.status_code == 302 and response.location.endswith("/admin/mail/outbox?state=failed")
    db.session.expire_all()
    message = db.session.get(OutboundEmail, message.id)
    assert message.state == "pending" and message.attempts == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "mail.retried"))
    assert event.actor_id == admin.id and "person0@force.example.org" in event.summary
    page = client.get("/admin/mail/outbox?state=failed").get_data(as_text=True)
    assert "will be sent again within a minute" in page


def test_retry_never_redirects_to_another_site(client, auth, db):
    message = _message(db, state="failed")
    auth.sign_in("admin")

    response = client.post(f"/admin/mail/outbox/{message.id}/retry", data={"next": "//evil.example/phish"})

    assert response.location.endswith(f"/admin/mail/outbox/{message.id}")


def test_admin_switches_a_kind_of_mail_off_and_on_again(client, auth, db):
    admin = auth.sign_in("admin")
    page = client.get("/admin/mail/settings").get_data(as_text=True)
    assert 'value="weekly_digest" checked' in page and 'value="password_reset"' not in page
    assert "Password reset: the link to choose a new password" in page

    everything_but_digest = [
        "action_assigned",
        "extension_requested",
        "extension_decided",
        "closure_requested",
        "closure_decided",
        "action_red",
        "escalation_digest",
    ]
    response = client.post("/admin/mail/settings", data={"enabled": everything_but_digest})

    assert response.status_code == 302
    assert db.session.get(MailKindSetting, "weekly_digest").enabled is False
    assert db.session.get(MailKindSetting, "action_assigned") is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "mail.kinds_changed"))
    assert event.actor_id == admin.id and event.summary == "E-mail switched Weekly digest off"
    page = client.get("/admin/mail/settings").get_data(as_text=True)
    assert 'value="weekly_digest" checked' not in page and 'value="action_red" checked' in page

    client.post("/admin/mail/settings", data={"enabled": [*everything_but_digest, "weekly_digest"]})
    db.session.expire_all()
    assert db.session.get(MailKindSetting, "weekly_digest").enabled is True


def test_an_unknown_kind_is_refused_with_a_clear_message(client, auth, db):
    auth.sign_in("admin")

    response = client.post("/admin/mail/settings", data={"enabled": ["weekly_digest", "made_up"]})

    assert response.status_code == 400
    assert "Choose only from the kinds of e-mail listed" in response.get_data(as_text=True)
    assert db.session.scalar(select(MailKindSetting)) is None
