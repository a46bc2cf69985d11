"""Access rules for the e-mail admin pages: admins only."""

from tests.access import ADMIN_ONLY, ADMIN_POST


def SETUP(data, make):
    """A failed message for the message and retry routes."""
    from tracker.notify.models import OutboundEmail

    message = OutboundEmail(
        kind="weekly_digest",
        to_address=data.lead.email,
        subject="Your actions this week",
        body_text="Text",
        body_html="<p>HTML</p>",
        state="failed",
        last_error="550 No such user",
    )
    make.db.session.add(message)
    make.db.session.commit()
    data.message = message


RULES = {
    "notify.outbox": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "notify.message": {"method": "GET", "args": lambda d: {"message_id": d.message.id}, "expect": ADMIN_ONLY},
    "notify.retry": {"method": "POST", "args": lambda d: {"message_id": d.message.id}, "expect": ADMIN_POST},
    "notify.mail_settings": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
}
