"""Build, store, publish and distribute quarterly reports; the chair's notes; the distribution list.

Services flush and never commit: the request, job or command that calls them commits once.
"""

import hashlib

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.kinds import register_mail_kind
from tracker.notify.services import email_link, queue_email
from tracker.reports.approval import stamp_approval
from tracker.reports.models import DistributionRecipient, Report, ReportNotes, ReportState
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.snapshot import build_snapshot

REPORT_BUILT = register_mail_kind(
    "report_built", "Report ready to approve", "To the chair when a quarter's report is built and awaits approval."
).kind
REPORT_PUBLISHED = register_mail_kind(
    "report_published",
    "Report published",
    "To everyone on the distribution list when the chair publishes a quarter's report.",
).kind


class ReportLocked(Exception):
    """The quarter's report is published, so nothing about it may change."""


def report_for(quarter):
    """The stored report of a quarter, or None."""
    return db.session.scalar(select(Report).where(Report.quarter == quarter.label))


def reports_visible_to(user):
    """Stored reports newest quarter first: all of them for those who build reports, else the published."""
    query = select(Report).order_by(Report.quarter.desc())
    if not user.can_build_reports:
        query = query.where(Report.state == ReportState.PUBLISHED.value)
    return db.session.scalars(query).all()


def can_read(report, user):
    """Everyone signed in reads a published report; only those who build reports see one before."""
    return report.state == ReportState.PUBLISHED.value or user.can_build_reports


def file_name(quarter):
    """'victims-code-update-2026-27-Q3.pdf'."""
    return f"victims-code-update-{quarter.slug}.pdf"


def build_report(quarter, *, user=None, today=None):
    """Freeze the quarter's data and PDF as its report, awaiting approval; rebuild one not yet published."""
    report = report_for(quarter)
    if report is not None and report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {quarter.label} report is published and cannot change.")
    snapshot = build_snapshot(quarter, today=today)
    pdf = render_report_pdf(render_report_html(snapshot))
    verb = "report.rebuilt" if report is not None else "report.built"
    if report is None:
        report = Report(quarter=quarter.label)
        db.session.add(report)
    report.state = ReportState.AWAITING_APPROVAL.value
    report.snapshot = snapshot
    report.pdf = pdf
    report.pdf_size = len(pdf)
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.built_at = utcnow()
    report.built_by_id = user.id if user else None
    db.session.flush()
    who = user.name if user else "the scheduled build"
    record(verb, obj=report, summary=f"The {quarter.label} report was built by {who}", actor=user)
    tell_chairs(report, built_by=user)
    return report


def approvers():
    """Active chairs, who approve reports; active admins when there is no chair."""
    chairs = _active_users(Role.CHAIR)
    return chairs or _active_users(Role.ADMIN)


def _active_users(role):
    return db.session.scalars(select(User).where(User.role == role.value, User.active).order_by(User.name)).all()


def tell_chairs(report, *, built_by=None):
    """E-mail the chairs, once per report, that it waits for their approval."""
    link = email_link("reports.show", quarter=report.period)
    for chair in approvers():
        if built_by is not None and chair.id == built_by.id:
            continue
        queue_email(
            REPORT_BUILT,
            to_address=chair.email,
            to_user=chair,
            template="report_awaiting_approval",
            subject=f"The {report.quarter} report is ready for you to check and publish",
            context={"quarter": report.quarter, "link": link},
            dedupe_key=f"report-built:{report.quarter}:{chair.id}",
        )


def publish_report(report, user):
    """Publish the report, which then never changes, and send it to everyone on the distribution list."""
    if report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {report.quarter} report is already published.")
    published_at = utcnow()
    # Before the state changes: rendering may flush, and a published report's PDF never changes.
    stamp_approval(report, user, published_at)
    report.state = ReportState.PUBLISHED.value
    report.published_at = published_at
    report.published_by_id = user.id
    recipients = active_recipients()
    for recipient in recipients:
        _send_report(report, recipient)
    report.distributed_at = utcnow() if recipients else None
    db.session.flush()
    record(
        "report.published",
        obj=report,
        summary=f"Published the {report.quarter} report and sent it to {pluralise(len(recipients), 'person', 'people')}",
        changes={"state": (ReportState.AWAITING_APPROVAL.value, ReportState.PUBLISHED.value)},
        actor=user,
    )
    return recipients


def _send_report(report, recipient):
    attach = (report.pdf_size or 0) <= current_app.config["REPORT_ATTACH_MAX_BYTES"]
    message = queue_email(
        REPORT_PUBLISHED,
        to_address=recipient.email,
        template="report_published",
        subject=f"Victims' Code improvement plan: update for {report.quarter}",
        context={
            "quarter": report.quarter,
            "name": recipient.name,
            "attached": attach,
            "link": email_link("reports.show", quarter=report.period),
            "subgroup": current_app.config["SUBGROUP_NAME"],
        },
        dedupe_key=f"report-published:{report.quarter}:{recipient.email}",
    )
    if attach:
        message.attachment = report.pdf
        message.attachment_name = file_name(report.period)
        message.attachment_type = "application/pdf"
    return message


def notes_for(quarter):
    """The chair's notes for a quarter, or None."""
    return db.session.scalar(select(ReportNotes).where(ReportNotes.quarter == quarter.label))


def save_notes(quarter, decisions, user):
    """Keep the decisions the chair asks of the subgroup for the quarter's report."""
    report = report_for(quarter)
    if report is not None and report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {quarter.label} report is published, so its decisions cannot change.")
    notes = notes_for(quarter)
    before = notes.decisions if notes else ""
    if notes is None:
        notes = ReportNotes(quarter=quarter.label)
        db.session.add(notes)
    notes.decisions = decisions.strip()
    notes.updated_by_id = user.id
    db.session.flush()
    if before != notes.decisions:
        record(
            "report.notes_saved",
            obj=notes,
            summary=f"Changed the decisions for the {quarter.label} report",
            changes={"decisions": (before, notes.decisions)},
        )
    return notes


def active_recipients():
    """Everyone who receives published reports, by name."""
    query = select(DistributionRecipient).where(DistributionRecipient.active).order_by(DistributionRecipient.name)
    return db.session.scalars(query).all()


def all_recipients():
    """The whole distribution list, active first."""
    query = select(DistributionRecipient).order_by(DistributionRecipient.active.desc(), DistributionRecipient.name)
    return db.session.scalars(query).all()


def _recipient_fields(recipient):
    return {
        "name": recipient.name,
        "email": recipient.email,
        "organisation": recipient.organisation,
        "active": recipient.active,
    }


def save_recipient(recipient, *, name, email, organisation, active=True):
    """Add someone to the distribution list (recipient None) or change their details."""
    before = _recipient_fields(recipient) if recipient else {}
    if recipient is None:
        recipient = DistributionRecipient()
        db.session.add(recipient)
    recipient.name = name.strip()
    recipient.email = email.strip().lower()
    recipient.organisation = (organisation or "").strip()
    recipient.active = active
    db.session.flush()
    after = _recipient_fields(recipient)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    verb = "distribution.changed" if before else "distribution.added"
    record(
        verb, obj=recipient, summary=f"{recipient.name} ({recipient.email}) on the distribution list", changes=changes
    )
    return recipient


def remove_recipient(recipient):
    """Take someone off the distribution list for good."""
    record(
        "distribution.removed",
        obj=recipient,
        summary=f"Removed {recipient.name} ({recipient.email}) from the distribution list",
        changes={k: (v, None) for k, v in _recipient_fields(recipient).items()},
    )
    db.session.delete(recipient)
    db.session.flush()
