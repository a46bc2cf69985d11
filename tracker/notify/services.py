"""Write e-mail into the outbox, in the caller's transaction. Delivery happens elsewhere."""

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.common.proxies import external_url
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.kinds import MAIL_KINDS
from tracker.notify.models import MailKindSetting, MailState, OutboundEmail


def kind_enabled(kind):
    """False when an admin has switched this kind of mail off."""
    known = MAIL_KINDS.get(kind)
    if known is not None and known.essential:
        return True
    setting = db.session.get(MailKindSetting, kind)
    return setting is None or setting.enabled


def disabled_kinds():
    """The kinds an admin has switched off, in one query."""
    rows = db.session.scalars(select(MailKindSetting.kind).where(MailKindSetting.enabled.is_(False)))
    return {kind for kind in rows if not (kind in MAIL_KINDS and MAIL_KINDS[kind].essential)}


def wants_immediate(user):
    """True when this user takes immediate mail: active and not digest-only.

    A kind an admin switched off is still written to the outbox, marked suppressed, so that
    admins can see what would have gone.
    """
    return bool(user and user.active and user.immediate_mail)


def absolute_url(path):
    """A link for an e-mail: a path inside the app (never a url_for result, which holds the request's
    prefix) on the configured base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def email_link(endpoint, **values):
    """An absolute link to a page of the tracker, built from BASE_URL alone, inside or outside a request."""
    return external_url(endpoint, **values)


def action_link(action):
    """The absolute link to an action's page."""
    if "plan.action_detail" in current_app.view_functions:
        return email_link("plan.action_detail", reference=action.reference)
    return absolute_url(f"/actions/{action.reference}")


def render_email(template, *, subject, context=None, to_user=None, action=None):
    """Render emails/<template>.txt and .html; return (text, html)."""
    context = dict(
        context or {},
        subject=subject,
        recipient=to_user,
        action=action,
        absolute_url=absolute_url,
        email_link=email_link,
        action_link=action_link,
    )
    return (
        render_template(f"emails/{template}.txt", **context),
        render_template(f"emails/{template}.html", **context),
    )


def queue_email(
    kind,
    *,
    to_address,
    template,
    subject,
    context=None,
    to_user=None,
    action=None,
    dedupe_key=None,
    enabled=None,
    known_new=False,
):
    """Render templates emails/<template>.txt and .html into an outbox row and return it.

    With a dedupe_key, a message already queued under that key is returned instead of a second one.
    Callers queueing many messages at once may say whether the kind is enabled (kind_enabled) and
    that they have looked for earlier copies themselves (known_new), saving two queries a message.
    """
    if dedupe_key is not None and not known_new:
        existing = db.session.scalar(select(OutboundEmail).where(OutboundEmail.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    body_text, body_html = render_email(template, subject=subject, context=context, to_user=to_user, action=action)
    if enabled is None:
        enabled = kind_enabled(kind)
    message = OutboundEmail(
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=to_address,
        to_user_id=to_user.id if to_user else None,
        action_id=action.id if action else None,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        state=MailState.PENDING.value if enabled else MailState.SUPPRESSED.value,
    )
    db.session.add(message)
    return message


def insert_unless_exists(model, values, key):
    """INSERT ... ON CONFLICT DO NOTHING on a unique column; return the new primary key, or None.

    Two processes inserting the same key at once: one wins, the other quietly does nothing and
    its transaction carries on.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=[key])
    primary_key = model.__table__.primary_key.columns.values()[0]
    return db.session.execute(statement.returning(primary_key)).scalar()


def insert_many_unless_exist(model, rows, key):
    """Insert many rows in one statement, skipping those whose unique `key` exists; return the keys inserted."""
    if not rows:
        return set()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
    # One statement executed for many rows: SQLAlchemy batches them into multi-row INSERTs.
    return set(db.session.execute(statement, rows).scalars())


def outbox_row(
    kind, *, to_address, template, subject, context=None, to_user=None, action=None, dedupe_key=None, enabled=True
):
    """The column values of a rendered outbox message, for a direct INSERT."""
    body_text, body_html = render_email(template, subject=subject, context=context, to_user=to_user, action=action)
    now = utcnow()
    return {
        "kind": kind,
        "dedupe_key": dedupe_key,
        "to_address": to_address,
        "to_user_id": to_user.id if to_user else None,
        "action_id": action.id if action else None,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "state": (MailState.PENDING if enabled else MailState.SUPPRESSED).value,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }


def queue_email_once(
    kind, *, dedupe_key, to_address, template, subject, context=None, to_user=None, action=None, enabled=True
):
    """Queue a message unless one with this dedupe_key exists; return its id, or None when it existed.

    Safe when two processes run the same reconcile at once: the unique dedupe_key lets exactly one
    insert win and the other do nothing, without aborting its transaction.
    """
    row = outbox_row(
        kind,
        to_address=to_address,
        template=template,
        subject=subject,
        context=context,
        to_user=to_user,
        action=action,
        dedupe_key=dedupe_key,
        enabled=enabled,
    )
    return insert_unless_exists(OutboundEmail, row, "dedupe_key")


def existing_dedupe_keys(keys):
    """The subset of these dedupe keys already in the outbox, in one query."""
    if not keys:
        return set()
    return set(db.session.scalars(select(OutboundEmail.dedupe_key).where(OutboundEmail.dedupe_key.in_(list(keys)))))
