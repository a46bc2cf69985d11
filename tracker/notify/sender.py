"""Deliver the outbox over SMTP: claim safely, send, retry with growing backoff, fail for good on 5xx.

Unlike services, the sender commits as it goes: a claim must be visible to other senders before
delivery starts, and each outcome is recorded at once. Delivery is at least once: a sender that
dies between the relay taking a message and the commit leaves that one message to be sent again,
with the same Message-ID, so that receiving servers can drop the repeat.
"""

import os
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import current_app, g, has_app_context
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import undefer

from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.models import MailState, OutboundEmail

# A claim older than this belongs to a sender that died; another sender may take the message. A
# scheduler's claims are freed sooner, as soon as the lease passes to another scheduler.
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass
class SendReport:
    """What one pass of the sender did."""

    sent: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    waiting: int = 0
    problem: str = ""

    def summary(self):
        """'Sent 3, will retry 1, failed 0.'"""
        done = f"Sent {len(self.sent)}, will retry {len(self.retrying)}, failed {len(self.failed)}."
        if self.problem and not (self.sent or self.retrying or self.failed):
            return f"{self.problem} {self.waiting} message{'s' if self.waiting != 1 else ''} waiting."
        if self.problem:
            return f"{self.problem} {done} {self.waiting} message{'s' if self.waiting != 1 else ''} waiting."
        return done


class ServerUnavailable(Exception):
    """The mail server could not be reached or refused our login: no message is at fault."""


def retry_delay(attempts, config):
    """Minutes to wait after a temporary refusal: 1, 2, 4, 8 ... capped."""
    minutes = config["MAIL_RETRY_MINUTES"] * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, config["MAIL_RETRY_MAX_MINUTES"]))


def build_mime(message, config):
    """A multipart message: plain text and HTML alternatives, and the attachment if there is one."""
    sender = config["MAIL_FROM"]
    mime = EmailMessage()
    mime["Subject"] = message.subject
    mime["From"] = formataddr((config["SERVICE_NAME"], sender))
    mime["To"] = message.to_address
    mime["Date"] = format_datetime(utcnow())
    # Stable across retries, so a mail system that saw a message once can drop a repeat.
    mime["Message-ID"] = f"<outbox-{message.id}@{sender.rpartition('@')[2] or 'localhost'}>"
    # RFC 3834: automatic replies (out of office) should not answer this mail.
    mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(message.body_text)
    mime.add_alternative(message.body_html, subtype="html")
    if message.attachment is not None:
        maintype, _, subtype = (message.attachment_type or "application/octet-stream").partition("/")
        mime.add_attachment(
            message.attachment,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=message.attachment_name or "attachment",
        )
    return mime


def open_smtp(config):
    """Connect and log in as configured; raise ServerUnavailable when that cannot be done."""
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT_SECONDS"]
    security = (config["MAIL_SECURITY"] or "none").lower()
    context = ssl.create_default_context()
    try:
        if security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if security == "starttls":
                smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except (OSError, smtplib.SMTPException) as error:
        raise ServerUnavailable(f"Could not connect to the mail server {host}:{port}: {_describe(error)}") from error
    return smtp


def _describe(error):
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return str(error) or error.__class__.__name__


def _response_code(error):
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    return None


def claim_messages(now, sender_id, limit):
    """Claim up to `limit` due messages for this sender; two senders never claim the same one."""
    claimable = (
        OutboundEmail.state == MailState.PENDING.value,
        OutboundEmail.next_attempt_at <= now,
        or_(OutboundEmail.claimed_by.is_(None), OutboundEmail.claimed_at < now - CLAIM_TIMEOUT),
    )
    due = select(OutboundEmail.id).where(*claimable).order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
    ids = db.session.scalars(due.limit(limit)).all()
    if ids:
        # Conditions repeated: a row another sender claimed meanwhile no longer matches.
        db.session.execute(
            update(OutboundEmail)
            .where(OutboundEmail.id.in_(ids), *claimable)
            .values(claimed_by=sender_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    mine = select(OutboundEmail).where(OutboundEmail.claimed_by == sender_id, OutboundEmail.state == "pending")
    return db.session.scalars(mine.options(undefer(OutboundEmail.attachment)).order_by(OutboundEmail.id)).all()


def _release(messages, problem):
    for message in messages:
        message.claimed_by = None
        message.claimed_at = None
        message.last_error = problem
    db.session.commit()


def _record_refusal(message, error, now, config, report):
    code = _response_code(error)
    message.attempts += 1
    message.last_error = _describe(error)
    message.claimed_by = None
    message.claimed_at = None
    if (code is not None and code >= 500) or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.state = MailState.FAILED.value
        report.failed.append(message)
    else:
        message.next_attempt_at = now + retry_delay(message.attempts, config)
        report.retrying.append(message)


class MaybeDelivered(Exception):
    """The connection broke once the message itself was on its way: it may have been delivered."""


def _transmit(smtp, message, config):
    """Offer one message; a break before DATA blames the server, one during DATA this message."""
    mime = build_mime(message, config)
    content = mime.as_bytes(policy=mime.policy.clone(linesep="\r\n"))
    sender, recipient = config["MAIL_FROM"], message.to_address
    try:
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(sender)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    except smtplib.SMTPServerDisconnected as error:
        raise ServerUnavailable(f"The mail server dropped the connection: {_describe(error)}") from error
    except (smtplib.SMTPSenderRefused, smtplib.SMTPHeloError) as error:
        # Refusing our sender address or greeting refuses every message: a setting to fix, not this message.
        raise ServerUnavailable(f"The mail server refused to take mail from us: {_describe(error)}") from error
    except smtplib.SMTPException:
        raise
    except OSError as error:  # after SMTPException, which is an OSError too
        raise ServerUnavailable(f"The mail server dropped the connection: {_describe(error)}") from error
    try:
        code, reply = smtp.data(content)
    except smtplib.SMTPResponseException:
        raise
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            seconds = config["MAIL_TIMEOUT_SECONDS"]
            raise MaybeDelivered(
                f"the mail server did not answer within {seconds} second{'s' if seconds != 1 else ''}"
            ) from error
        raise MaybeDelivered("the mail server closed the connection") from error
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)


def _record_sent(message, report):
    message.state = MailState.SENT.value
    message.sent_at = utcnow()
    message.attempts += 1
    message.last_error = None
    message.claimed_by = None
    message.claimed_at = None
    report.sent.append(message)


def _deliver(smtp, message, now, config, report):
    """Send one message and record the outcome; raise MaybeDelivered when the connection is spent."""
    try:
        _transmit(smtp, message, config)
    except smtplib.SMTPException as error:
        _record_refusal(message, error, now, config, report)
    except MaybeDelivered as error:
        # Counted as an attempt with its backoff, so a message the relay may have taken is not
        # offered again at once, and one the relay always drops ends as failed instead of leading every pass.
        problem = f"The connection was lost while sending this message, so it may have arrived: {error}"
        _record_refusal(message, smtplib.SMTPException(problem), now, config, report)
        db.session.commit()
        raise
    else:
        _record_sent(message, report)
    db.session.commit()


def _deliver_all(messages, now, config, report):
    """Deliver each message, opening a new connection whenever one breaks during a message."""
    queue = list(messages)
    while queue:
        smtp = open_smtp(config)
        broken = True
        try:
            while queue:
                _deliver(smtp, queue.pop(0), now, config, report)
            broken = False
        except MaybeDelivered:
            continue
        finally:
            _hang_up(smtp, broken)


def _hang_up(smtp, broken):
    # A broken or stalled connection is closed, not sent QUIT, which could wait out the timeout again.
    if not broken:
        try:
            smtp.quit()
            return
        except (OSError, smtplib.SMTPException):
            pass
    smtp.close()


def waiting_count():
    """Messages still to be delivered."""
    query = select(func.count(OutboundEmail.id)).where(OutboundEmail.state == MailState.PENDING.value)
    return db.session.scalar(query)


def scheduler_sender_prefix(holder):
    """The start of the claim marks of the scheduler `holder`'s sender, so a successor can free them."""
    return f"scheduler:{holder}"[:70] + ":"


def release_claims_of_other_schedulers(holder):
    """Free the messages claimed by any other scheduler's sender: the lease passing on means it is gone. Commits."""
    released = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.state == MailState.PENDING.value,
            OutboundEmail.claimed_by.like("scheduler:%"),
            ~OutboundEmail.claimed_by.startswith(scheduler_sender_prefix(holder), autoescape=True),
        )
        .values(claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return released


def _sender_id():
    holder = g.get("scheduler_holder") if has_app_context() else None
    prefix = scheduler_sender_prefix(holder) if holder else f"{socket.gethostname()}:{os.getpid()}"[:70] + ":"
    return prefix + uuid.uuid4().hex[:8]


def send_pending(now=None, limit=None):
    """Deliver the messages that are due; without MAIL_SERVER leave them waiting in the outbox."""
    config = current_app.config
    now = now or utcnow()
    report = SendReport()
    if not config["MAIL_SERVER"]:
        report.problem = "No mail server is configured (MAIL_SERVER), so mail stays in the outbox."
        report.waiting = waiting_count()
        return report
    sender_id = _sender_id()
    messages = claim_messages(now, sender_id, limit or config["MAIL_BATCH_SIZE"])
    if messages:
        try:
            _deliver_all(messages, now, config, report)
        except ServerUnavailable as error:
            done = {m.id for m in (*report.sent, *report.retrying, *report.failed)}
            # The message was never offered, so an outage does not use up its attempts.
            _release([m for m in messages if m.id not in done], str(error))
            report.problem = str(error)
    report.waiting = waiting_count()
    return report


def retry_message(message):
    """Put a failed message back in the queue for the sender's next pass."""
    message.state = MailState.PENDING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_by = None
    message.claimed_at = None
    return message
