"""What admins do with the outbox: read it, retry failures, switch kinds of mail on and off."""

import nh3
from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.extensions import db
from tracker.notify.kinds import MAIL_KINDS, kind_label
from tracker.notify.models import JobRun, MailKindSetting, MailState, OutboundEmail
from tracker.notify.sender import retry_message

STATE_LABELS = {
    MailState.PENDING.value: "Waiting",
    MailState.SENT.value: "Sent",
    MailState.FAILED.value: "Failed",
    MailState.SUPPRESSED.value: "Not sent (switched off)",
}


def outbox_query(state=None):
    """Messages newest first, optionally in one state."""
    query = select(OutboundEmail).order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
    if state:
        query = query.where(OutboundEmail.state == state)
    return query


def state_counts():
    """How many messages are in each state."""
    rows = db.session.execute(select(OutboundEmail.state, func.count(OutboundEmail.id)).group_by(OutboundEmail.state))
    counts = dict.fromkeys(STATE_LABELS, 0)
    counts.update(dict(rows.all()))
    return counts


def safe_html(body_html):
    """The message's HTML with scripts, styles and anything active removed, for showing in a page."""
    return nh3.clean(
        body_html,
        tags=nh3.ALLOWED_TAGS - {"img"},
        clean_content_tags={"script", "style", "title"},
        link_rel="noopener noreferrer nofollow",
    )


def retry_failed(message):
    """Queue a failed message again and record who did it."""
    if message.state != MailState.FAILED.value:
        return False
    retry_message(message)
    record("mail.retried", obj=message, summary=f"Retried '{message.subject}' to {message.to_address}")
    return True


def kind_switches():
    """Every kind of mail admins can see: (kind, label, description, enabled, essential)."""
    settings = {row.kind: row.enabled for row in db.session.scalars(select(MailKindSetting))}
    seen = set(db.session.scalars(select(OutboundEmail.kind).distinct()))
    rows = []
    for kind in [*MAIL_KINDS, *sorted(seen - set(MAIL_KINDS))]:
        known = MAIL_KINDS.get(kind)
        essential = bool(known and known.essential)
        rows.append(
            {
                "kind": kind,
                "label": kind_label(kind),
                "description": known.description if known else "",
                "enabled": essential or settings.get(kind, True),
                "essential": essential,
            }
        )
    return rows


def set_kind_switches(enabled_kinds):
    """Switch each kind on or off as ticked; essential kinds stay on. Returns the changes."""
    changes = {}
    for row in kind_switches():
        if row["essential"]:
            continue
        wanted = row["kind"] in enabled_kinds
        if wanted == row["enabled"]:
            continue
        setting = db.session.get(MailKindSetting, row["kind"]) or MailKindSetting(kind=row["kind"])
        setting.enabled = wanted
        db.session.add(setting)
        changes[row["kind"]] = (row["enabled"], wanted)
    if changes:
        summary = "; ".join(f"{kind_label(kind)} {'on' if new else 'off'}" for kind, (_, new) in changes.items())
        record("mail.kinds_changed", summary=f"E-mail switched {summary}", changes=changes)
    return changes


def job_runs():
    """The scheduled jobs' last runs, for admins to see that the scheduler is alive."""
    return db.session.scalars(select(JobRun).order_by(JobRun.name)).all()
