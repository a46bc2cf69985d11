"""Write e-mail into the outbox, in the caller's transaction. Delivery happens elsewhere."""

from flask import current_app, render_template
from sqlalchemy import select

from tracker.extensions import db
from tracker.notify.models import MailKindSetting, MailState, OutboundEmail


def kind_enabled(kind):
    """False when an admin has switched this kind of mail off."""
    setting = db.session.get(MailKindSetting, kind)
    return setting is None or setting.enabled


def absolute_url(path):
    """A link for an e-mail, on the configured base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def queue_email(kind, *, to_address, template, subject, context=None, to_user=None, action=None, dedupe_key=None):
    """Render templates emails/<template>.txt and .html into an outbox row and return it.

    With a dedupe_key, a message already queued under that key is returned instead of a second one.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(select(OutboundEmail).where(OutboundEmail.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    context = dict(context or {}, subject=subject, recipient=to_user, action=action, absolute_url=absolute_url)
    message = OutboundEmail(
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=to_address,
        to_user_id=to_user.id if to_user else None,
        action_id=action.id if action else None,
        subject=subject,
        body_text=render_template(f"emails/{template}.txt", **context),
        body_html=render_template(f"emails/{template}.html", **context),
        state=MailState.PENDING.value if kind_enabled(kind) else MailState.SUPPRESSED.value,
    )
    db.session.add(message)
    return message
