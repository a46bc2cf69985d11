"""Build, store, publish and distribute quarterly reports; the chair's notes; the distribution list.

Services flush and never commit: the request, job or command that calls them commits once.
"""

import hashlib
import json
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.common.dates import local_today, long_date
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.kinds import register_mail_kind
from tracker.notify.services import email_link, queue_email
from tracker.reports.approval import stamp_approval
from tracker.reports.models import LIVE_STATES, DistributionRecipient, Report, ReportNotes, ReportState
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
REPORT_WITHDRAWN = register_mail_kind(
    "report_withdrawn",
    "Report withdrawn",
    "To everyone on the distribution list when an admin withdraws a published report that was wrong.",
).kind


class ReportLocked(Exception):
    """The quarter's report is published, so nothing about it may change."""


class QuarterNotOver(Exception):
    """The quarter has not ended, so its report cannot be built yet: only a draft exists."""


class NotWithdrawable(Exception):
    """Only a published report can be withdrawn."""


def buildable_from(quarter):
    """The first day a quarter's report can be built: the day after its last day."""
    return quarter.end + timedelta(days=1)


def can_build(quarter, today=None):
    """True once the quarter's last day has passed in the organisation's time zone."""
    return (today or local_today()) >= buildable_from(quarter)


def not_yet_message(quarter):
    """'You can build the 2026/27 Q3 report from 1 January 2027.'"""
    return f"You can build the {quarter.label} report from {long_date(buildable_from(quarter))}."


def report_for(quarter):
    """The quarter's live report (awaiting approval or published), or None."""
    query = select(Report).where(Report.quarter == quarter.label, Report.state.in_(LIVE_STATES))
    return db.session.scalar(query)


def reports_of(quarter):
    """Every report of the quarter ever built, newest first: the live one and those it superseded."""
    query = select(Report).where(Report.quarter == quarter.label).order_by(Report.id.desc())
    return db.session.scalars(query).all()


def reports_visible_to(user):
    """Stored reports newest quarter first: all of them for those who build reports, else those published."""
    query = select(Report).order_by(Report.quarter.desc(), Report.id.desc())
    if not user.can_build_reports:
        query = query.where(Report.state != ReportState.AWAITING_APPROVAL.value)
    return db.session.scalars(query).all()


def can_read(report, user):
    """Everyone signed in reads a report once published, withdrawn or not; only those who build reports before."""
    return report.was_published or user.can_build_reports


def file_name(quarter):
    """'victims-code-update-2026-27-Q3.pdf'."""
    return f"victims-code-update-{quarter.slug}.pdf"


def build_report(quarter, *, user=None, today=None):
    """Freeze the quarter's data and PDF as its report, awaiting approval; rebuild one not yet published.

    Refused until the quarter's last day has passed. A build after a withdrawal supersedes the withdrawn report.
    """
    if not can_build(quarter, today):
        raise QuarterNotOver(f"The {quarter.label} quarter has not ended. {not_yet_message(quarter)}")
    report = report_for(quarter)
    if report is not None and report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {quarter.label} report is published and cannot change.")
    snapshot = build_snapshot(quarter, today=today)
    pdf = render_report_pdf(render_report_html(snapshot))
    verb = "report.rebuilt" if report is not None else "report.built"
    if report is None:
        report = Report(quarter=quarter.label)
        db.session.add(report)
        db.session.flush()
        _supersede_withdrawn(quarter, report, user)
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


def draft_fingerprint(snapshot):
    """The SHA-256 of what a draft shows from the plan: its data, without the day it was made on.

    The compliance chart is left out too: it is drawn from the compliance rows, which are in, and
    its element ids are numbered afresh each time it is drawn.
    """
    shown = {key: value for key, value in snapshot.items() if key != "built_on"}
    if shown.get("compliance"):
        shown["compliance"] = {key: value for key, value in shown["compliance"].items() if key != "chart"}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def current_draft_fingerprint(quarter):
    """The fingerprint a draft of the quarter made now would have."""
    return draft_fingerprint(build_snapshot(quarter))


def make_draft_pdf(quarter):
    """A draft PDF of the quarter's report as it would be built now, and the fingerprint of its data.

    Stores nothing and changes no report: the draft is kept by whoever asked for it.
    """
    snapshot = build_snapshot(quarter)
    return render_report_pdf(render_report_html(snapshot, draft=True)), draft_fingerprint(snapshot)


def _supersede_withdrawn(quarter, report, user):
    """Mark the quarter's withdrawn report as replaced by the new build."""
    withdrawn = db.session.scalars(
        select(Report).where(Report.quarter == quarter.label, Report.state == ReportState.WITHDRAWN.value)
    ).all()
    for old in withdrawn:
        old.state = ReportState.SUPERSEDED.value
        old.superseded_by_id = report.id
        record(
            "report.superseded",
            obj=old,
            summary=f"The withdrawn {quarter.label} report was superseded by a new build",
            changes={"state": (ReportState.WITHDRAWN.value, ReportState.SUPERSEDED.value)},
            actor=user,
        )


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
            dedupe_key=_mail_key("report-built", report, chair.id),
        )


def _mail_key(prefix, report, who):
    """A dedupe key per report and person: by quarter for a quarter's first report, as before reports
    could be withdrawn, and by build for a corrected one, so that each report's mail goes once."""
    corrected = db.session.scalar(select(Report.id).where(Report.superseded_by_id == report.id).limit(1))
    where = f"{report.quarter}#{report.id}" if corrected else report.quarter
    return f"{prefix}:{where}:{who}"


def built_too_soon(report):
    """True for a report built on or before its quarter's last day: its figures are not the quarter's."""
    if report.built_at is None or local_today(report.built_at) > report.period.end:
        return False
    # The day the plan was read, which a scheduled or test build may give apart from the clock.
    return date.fromisoformat(report.snapshot["built_on"]) <= report.period.end


def publish_report(report, user):
    """Publish the report, which then never changes, and send it to everyone on the distribution list."""
    if report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {report.quarter} report is already published.")
    if built_too_soon(report):
        raise QuarterNotOver(
            f"The {report.quarter} report was built before the quarter ended, so it cannot be published. "
            f"{not_yet_message(report.period)} Build it again then."
        )
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
        summary=f"Published the {report.quarter} report and queued it for "
        f"{pluralise(len(recipients), 'person', 'people')} on the distribution list",
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
        dedupe_key=_mail_key("report-published", report, recipient.email),
    )
    message.report_id = report.id
    if attach:
        message.attachment = report.pdf
        message.attachment_name = file_name(report.period)
        message.attachment_type = "application/pdf"
    return message


def withdraw_report(report, user, reason):
    """Withdraw a published report that was wrong, keeping it and its PDF, and tell the distribution list.

    The quarter can then be built again; the new build supersedes this one.
    """
    if report.state != ReportState.PUBLISHED.value:
        raise NotWithdrawable(f"Only a published report can be withdrawn. The {report.quarter} report is not.")
    # Read everything first: a load in between would flush half a withdrawal, and a withdrawal never changes.
    reason, user_id, now = reason.strip(), user.id, utcnow()
    report.withdrawn_at, report.withdrawn_by_id, report.withdrawal_reason = now, user_id, reason
    report.state = ReportState.WITHDRAWN.value
    db.session.flush()
    recipients = active_recipients()
    for recipient in recipients:
        _tell_withdrawn(report, recipient, user)
    record(
        "report.withdrawn",
        obj=report,
        summary=f"Withdrew the {report.quarter} report and queued a notice for "
        f"{pluralise(len(recipients), 'person', 'people')} on the distribution list",
        changes={
            "state": (ReportState.PUBLISHED.value, ReportState.WITHDRAWN.value),
            "withdrawal_reason": (None, reason),
        },
        actor=user,
    )
    return recipients


def _tell_withdrawn(report, recipient, user):
    message = queue_email(
        REPORT_WITHDRAWN,
        to_address=recipient.email,
        template="report_withdrawn",
        subject=f"Withdrawn: Victims' Code improvement plan update for {report.quarter}",
        context={
            "quarter": report.quarter,
            "name": recipient.name,
            "reason": report.withdrawal_reason,
            "published_on": long_date(report.published_at),
            "withdrawn_by": user.name,
            "link": email_link("reports.show_build", quarter=report.period, report_id=report.id),
            "subgroup": current_app.config["SUBGROUP_NAME"],
        },
        dedupe_key=f"report-withdrawn:{report.id}:{recipient.email}",
    )
    message.report_id = report.id
    return message


def notes_for(quarter):
    """The chair's notes for a quarter, or None."""
    return db.session.scalar(select(ReportNotes).where(ReportNotes.quarter == quarter.label))


def save_notes(quarter, decisions, user, include_meetings=False):
    """Keep the decisions the chair asks of the subgroup, and the choice of a meetings section."""
    report = report_for(quarter)
    if report is not None and report.state == ReportState.PUBLISHED.value:
        raise ReportLocked(f"The {quarter.label} report is published, so its decisions cannot change.")
    notes = notes_for(quarter)
    before = {"decisions": notes.decisions, "include_meetings": notes.include_meetings} if notes else {}
    if notes is None:
        notes = ReportNotes(quarter=quarter.label)
        db.session.add(notes)
        before = {"decisions": "", "include_meetings": False}
    notes.decisions = decisions.strip()
    notes.include_meetings = bool(include_meetings)
    notes.updated_by_id = user.id
    db.session.flush()
    after = {"decisions": notes.decisions, "include_meetings": notes.include_meetings}
    changes = {name: (before[name], after[name]) for name in after if before[name] != after[name]}
    if changes:
        record(
            "report.notes_saved",
            obj=notes,
            summary=f"Changed the decisions and sections of the {quarter.label} report",
            changes=changes,
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
