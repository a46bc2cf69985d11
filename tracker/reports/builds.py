"""Report builds away from the request: the chair asks, the scheduler process builds, the page follows.

Publishing goes the same way, because it draws the PDF again with the approval on its cover.

Building renders the whole PDF, which takes about a minute for a plan of 5,000 actions: longer
than a request may be held. So the Build button only records a ReportBuild, waiting; the
scheduler's `reports.builds` job takes the oldest waiting build, builds the report in a
transaction of its own, and records it built, or failed with the reason, in which case the
report stays as it was and the chair can try again. One build of a quarter waits or runs at a
time; a build left running by a scheduler that stopped is taken up again by the next.

The draft PDF goes the same way: "Download draft PDF" records a ReportBuild of purpose draft, the
job draws the PDF of the report as it would be built now and keeps it on that request, with when
the plan was read and a fingerprint of the data it was made from, and the download serves those
bytes. A draft changes no report, so it waits or runs beside the quarter's build, never instead.
"""

import logging
import os
import socket

from flask import g
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.services import record
from tracker.common.dates import local_today
from tracker.common.revision import current_revision
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.reports import services
from tracker.reports.models import (
    ACTIVE_BUILD_STATES,
    DRAFT,
    PUBLISH,
    BuildState,
    PublishedReportChanged,
    ReportBuild,
)

log = logging.getLogger(__name__)

# Another build or publication of the same report won: the unique quarter, versions and published guard.
SIMULTANEOUS = (IntegrityError, StaleDataError, PublishedReportChanged)
# A build that was stopped part-way this many times is given up, with the reason.
MAX_ATTEMPTS = 3


def _of(quarter, *, draft):
    kind = ReportBuild.purpose == DRAFT if draft else ReportBuild.purpose != DRAFT
    return select(ReportBuild).where(ReportBuild.quarter == quarter.label, kind)


def active_build(quarter):
    """The quarter's build or publication that is waiting or running, or None."""
    return db.session.scalar(_of(quarter, draft=False).where(ReportBuild.state.in_(ACTIVE_BUILD_STATES)))


def latest_build(quarter):
    """The quarter's most recently asked-for build or publication, or None."""
    return db.session.scalar(_of(quarter, draft=False).order_by(ReportBuild.id.desc()).limit(1))


def active_draft(quarter):
    """The quarter's draft PDF that is waiting to be made or being made, or None."""
    return db.session.scalar(_of(quarter, draft=True).where(ReportBuild.state.in_(ACTIVE_BUILD_STATES)))


def latest_draft(quarter):
    """The quarter's most recently asked-for draft PDF, or None."""
    return db.session.scalar(_of(quarter, draft=True).order_by(ReportBuild.id.desc()).limit(1))


def made_draft(quarter, *, with_pdf=False):
    """The quarter's most recently made draft PDF, or None."""
    query = _of(quarter, draft=True).where(ReportBuild.state == BuildState.DONE.value, ReportBuild.pdf.is_not(None))
    if with_pdf:
        query = query.options(undefer(ReportBuild.pdf))
    return db.session.scalar(query.order_by(ReportBuild.id.desc()).limit(1))


def request_draft(quarter, user):
    """Ask for a draft PDF of the quarter's report as it would be built now; the one waiting or being made if any.

    Two people asking at the same moment: the unique index on active drafts lets one insert win.
    """
    waiting = active_draft(quarter)
    if waiting is not None:
        return waiting
    draft = ReportBuild(quarter=quarter.label, purpose=DRAFT, requested_by_id=user.id)
    db.session.add(draft)
    db.session.flush()
    record(
        "report.draft_requested",
        obj=draft,
        summary=f"Asked for a draft PDF of the {quarter.label} report",
        actor=user,
    )
    return draft


def draft_is_stale(draft):
    """Whether a draft made now would differ from the made one: the plan (or the chair's notes) changed since.

    When nothing has been written since the draft read the plan, on the same day, it cannot differ and
    the plan is not read again (at 5,000 actions reading it takes seconds); otherwise what a draft
    made now would show is compared with what the made one shows.
    """
    if (
        draft.revision is not None
        and draft.as_at is not None
        and local_today(draft.as_at) == local_today()
        and current_revision() == draft.revision
    ):
        return False
    return services.current_draft_fingerprint(draft.period) != draft.fingerprint


def request_build(quarter, user):
    """Ask for the quarter's report to be built; the build already waiting or running if there is one.

    Refuses at once what the build itself would refuse, so nobody waits for a build that must fail:
    a quarter not yet over (QuarterNotOver) and a published report (ReportLocked).
    Two people asking at the same moment: the unique index on active builds lets one insert win.
    """
    waiting = active_build(quarter)
    if waiting is not None:
        return waiting
    if not services.can_build(quarter):
        raise services.QuarterNotOver(f"The {quarter.label} quarter has not ended. {services.not_yet_message(quarter)}")
    report = services.report_for(quarter)
    if report is not None and report.is_published:
        raise services.ReportLocked(f"The {quarter.label} report is published and cannot change.")
    build = ReportBuild(quarter=quarter.label, requested_by_id=user.id, state=BuildState.QUEUED.value)
    db.session.add(build)
    db.session.flush()
    record("report.build_requested", obj=build, summary=f"Asked for the {quarter.label} report to be built", actor=user)
    return build


def request_publish(report, user):
    """Ask for the report to be published: its cover gains the approval line, so its PDF is drawn again.

    Refuses at once a report already published (ReportLocked) or built before its quarter ended
    (QuarterNotOver); the publication already waiting or running if there is one.
    """
    quarter = report.period
    waiting = active_build(quarter)
    if waiting is not None:
        return waiting
    if report.is_published:
        raise services.ReportLocked(f"The {quarter.label} report is already published.")
    if services.built_too_soon(report):
        raise services.QuarterNotOver(
            f"The {quarter.label} report was built before the quarter ended, so it cannot be published. "
            f"{services.not_yet_message(quarter)} Build it again then."
        )
    build = ReportBuild(quarter=quarter.label, purpose=PUBLISH, requested_by_id=user.id)
    db.session.add(build)
    db.session.flush()
    record(
        "report.publish_requested",
        obj=build,
        summary=f"Asked for the {quarter.label} report to be published",
        actor=user,
    )
    return build


def _worker():
    """Who is building: the scheduler holding the lease, or this process when run by hand."""
    return g.get("scheduler_holder") or f"{socket.gethostname()}:{os.getpid()}"


def _take_up_abandoned(worker):
    """Builds left running by another process, which stopped part-way: wait again, or give up in the end."""
    abandoned = db.session.scalars(
        select(ReportBuild).where(ReportBuild.state == BuildState.RUNNING.value, ReportBuild.worker != worker)
    ).all()
    for build in abandoned:
        if build.attempts >= MAX_ATTEMPTS:
            build.state = BuildState.FAILED.value
            build.finished_at = utcnow()
            build.error = f"The build stopped part-way {build.attempts} times. Try again, or ask an administrator."
        else:
            build.state = BuildState.QUEUED.value
            build.worker = None
    db.session.commit()
    return len(abandoned)


def _claim_next(worker):
    """Mark the oldest waiting build as running by this worker; None when none waits or another took it."""
    build_id = db.session.scalar(
        select(ReportBuild.id)
        .where(ReportBuild.state == BuildState.QUEUED.value)
        .order_by(ReportBuild.requested_at, ReportBuild.id)
        .limit(1)
    )
    if build_id is None:
        return None
    claimed = db.session.execute(
        update(ReportBuild)
        .where(ReportBuild.id == build_id, ReportBuild.state == BuildState.QUEUED.value)
        .values(
            state=BuildState.RUNNING.value,
            worker=worker,
            started_at=utcnow(),
            attempts=ReportBuild.attempts + 1,
        )
    ).rowcount
    db.session.commit()
    return db.session.get(ReportBuild, build_id) if claimed else None


def _finish(build_id, state, error="", outcome=""):
    build = db.session.get(ReportBuild, build_id)
    build.state = state
    build.error = error
    build.outcome = outcome
    build.finished_at = utcnow()
    db.session.commit()
    return build


def _publish(quarter, user):
    report = services.report_for(quarter)
    if report is None:
        raise services.ReportLocked(f"There is no {quarter.label} report waiting to be published.")
    recipients = services.publish_report(report, user)
    sent = (
        f"It is on its way to {pluralise(len(recipients), 'person', 'people')}."
        if recipients
        else "Nobody is on the distribution list."
    )
    return f"The {quarter.label} report is published. {sent}"


def _build(quarter, user):
    services.build_report(quarter, user=user)
    return f"The {quarter.label} report is built. Check it, then publish it to send it to the subgroup."


def _make_draft(build_id, quarter):
    """Draw the draft PDF and keep it on its request; earlier drafts of the quarter let go of theirs."""
    as_at, revision = utcnow(), current_revision()
    pdf, fingerprint = services.make_draft_pdf(quarter)
    db.session.execute(
        update(ReportBuild)
        .where(ReportBuild.quarter == quarter.label, ReportBuild.purpose == DRAFT, ReportBuild.id != build_id)
        .values(pdf=None)
    )
    build = db.session.get(ReportBuild, build_id)
    build.pdf, build.as_at, build.fingerprint, build.revision = pdf, as_at, fingerprint, revision
    return f"The draft PDF of the {quarter.label} report is ready."


def _run_draft(build):
    build_id, quarter = build.id, build.period
    try:
        outcome = _make_draft(build_id, quarter)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("making a draft PDF of the %s report failed", quarter.label)
        reason = f"The draft PDF could not be made ({error.__class__.__name__}: {error})."
        return _finish(build_id, BuildState.FAILED.value, reason[:2000])
    return _finish(build_id, BuildState.DONE.value, outcome=outcome)


def run_build(build):
    """Build or publish one claimed request's report, or make its draft PDF, and record how it went."""
    if build.is_draft:
        return _run_draft(build)
    build_id, quarter, requested_by, publishing = build.id, build.period, build.requested_by, build.is_publishing
    try:
        outcome = (_publish if publishing else _build)(quarter, requested_by)
        db.session.commit()
    except (services.ReportLocked, services.QuarterNotOver) as refused:
        db.session.rollback()
        return _finish(build_id, BuildState.FAILED.value, str(refused))
    except SIMULTANEOUS:
        db.session.rollback()
        who = "published" if publishing else "built"
        return _finish(
            build_id, BuildState.FAILED.value, f"Someone else {who} the {quarter.label} report at the same moment."
        )
    except Exception as error:
        db.session.rollback()
        log.exception("%s the %s report failed", "publishing" if publishing else "building", quarter.label)
        doing = "published" if publishing else "built"
        reason = f"The report could not be {doing} ({error.__class__.__name__}: {error})."
        return _finish(build_id, BuildState.FAILED.value, reason[:2000])
    return _finish(build_id, BuildState.DONE.value, outcome=outcome)


def work_through_builds(now=None):
    """The scheduler's job: build every waiting report and make every waiting draft, oldest first; a one-line summary."""
    worker = _worker()
    _take_up_abandoned(worker)
    built = published = drafted = failed = 0
    while (build := _claim_next(worker)) is not None:
        finished = run_build(build)
        if finished.state != BuildState.DONE.value:
            failed += 1
        elif finished.is_publishing:
            published += 1
        elif finished.is_draft:
            drafted += 1
        else:
            built += 1
    if not (built or published or drafted or failed):
        return "No report builds waiting"
    done = [f"{pluralise(built, 'report')} built"] if built or not (published or drafted) else []
    done += [f"{pluralise(published, 'report')} published"] if published else []
    done += [f"{pluralise(drafted, 'draft PDF')} made"] if drafted else []
    return ", ".join([*done, f"{failed} failed"])
