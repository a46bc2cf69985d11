"""What the outbox says about a report's e-mails: waiting, delivered or failed, per person.

A report page says "delivered" only where the outbox records the mail server taking the message.
"""

from dataclasses import dataclass

from sqlalchemy import select

from tracker.common.dates import date_time
from tracker.extensions import db
from tracker.notify.models import MailState, OutboundEmail
from tracker.reports.models import DistributionRecipient

WAITING, DELIVERED, FAILED, SWITCHED_OFF = "waiting", "delivered", "failed", "switched_off"


@dataclass(frozen=True)
class Delivery:
    """One person's e-mail about a report, as the outbox holds it."""

    name: str
    address: str
    outcome: str
    status: str
    detail: str


def _outcome(message):
    """(outcome, status, detail) of one outbox message, in words a person reads."""
    if message.state == MailState.SENT.value:
        return DELIVERED, f"Delivered {date_time(message.sent_at)}", ""
    if message.state == MailState.FAILED.value:
        return FAILED, f"Failed: {message.last_error or 'the mail server refused it'}", ""
    if message.state == MailState.SUPPRESSED.value:
        return SWITCHED_OFF, "Switched off", "An admin has switched off this kind of e-mail, so it will not go."
    if message.last_error:
        return (
            WAITING,
            "Waiting, not yet sent",
            f"The last try did not work ({message.last_error}). It will be tried again.",
        )
    return WAITING, "Waiting, not yet sent", ""


def deliveries(report, kind):
    """Each person's e-mail of this kind about the report, by name, as the outbox holds it now."""
    messages = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.report_id == report.id, OutboundEmail.kind == kind)
        .order_by(OutboundEmail.to_address)
    ).all()
    addresses = [m.to_address for m in messages]
    names = dict(
        db.session.execute(
            select(DistributionRecipient.email, DistributionRecipient.name).where(
                DistributionRecipient.email.in_(addresses)
            )
        ).all()
    )
    rows = [Delivery(names.get(m.to_address, m.to_address), m.to_address, *_outcome(m)) for m in messages]
    return sorted(rows, key=lambda row: (row.name.lower(), row.address))


def delivery_summary(rows):
    """'2 of 3 delivered, 1 waiting', counting only what the outbox records."""
    if not rows:
        return ""
    counts = {outcome: sum(1 for row in rows if row.outcome == outcome) for outcome in (WAITING, FAILED, SWITCHED_OFF)}
    delivered = sum(1 for row in rows if row.outcome == DELIVERED)
    parts = [f"{delivered} of {len(rows)} delivered"]
    words = {WAITING: "waiting", FAILED: "failed", SWITCHED_OFF: "switched off"}
    parts += [f"{count} {words[outcome]}" for outcome, count in counts.items() if count]
    return ", ".join(parts)
