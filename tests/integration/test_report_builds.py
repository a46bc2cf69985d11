"""Report builds run in the scheduler's job, never in a request: asked for, worked through, failed, taken up."""

import io

import pytest
from flask import g
from pypdf import PdfReader
from sqlalchemy import select

from tests.integration.report_history import Q2, crafted_history
from tracker.audit.models import AuditEvent
from tracker.reports import builds
from tracker.reports.models import BuildState, Report, ReportBuild
from tracker.reports.services import ReportLocked, build_report, publish_report


@pytest.fixture
def chair(make):
    return make.user("chair", name="Sam Carter")


def _reports(db):
    db.session.expire_all()
    return db.session.scalars(select(Report)).all()


def test_asking_for_a_build_stores_nothing_until_the_job_builds_it(db, make, chair):
    crafted_history(db, make)
    build = builds.request_build(Q2, chair)
    db.session.commit()
    assert builds.request_build(Q2, chair).id == build.id, "asking again while it waits adds no second build"
    assert _reports(db) == []
    assert (build.state, build.state_label, build.requested_by.name) == ("queued", "Waiting to start", "Sam Carter")

    assert builds.work_through_builds() == "1 report built, 0 failed"

    (report,) = _reports(db)
    build = db.session.get(ReportBuild, build.id)
    assert (report.quarter, report.state, report.built_by.name) == ("2026/27 Q2", "awaiting_approval", "Sam Carter")
    assert "2026/27 Q2" in PdfReader(io.BytesIO(report.pdf)).pages[0].extract_text()
    assert (build.state, build.error, build.attempts) == ("done", "", 1)
    assert build.started_at <= build.finished_at
    verbs = db.session.scalars(select(AuditEvent.verb).order_by(AuditEvent.id)).all()
    assert verbs == ["report.build_requested", "report.built"]
    assert builds.work_through_builds() == "No report builds waiting"


def test_a_build_that_fails_says_why_and_keeps_the_report_there_was(db, make, chair, monkeypatch):
    crafted_history(db, make)
    earlier = build_report(Q2, user=chair)
    db.session.commit()
    pdf, checksum = earlier.pdf, earlier.sha256

    def broken(html):
        raise OSError("No space left on device")

    monkeypatch.setattr("tracker.reports.services.render_report_pdf", broken)
    build = builds.request_build(Q2, chair)
    db.session.commit()

    assert builds.work_through_builds() == "0 reports built, 1 failed"

    build = db.session.get(ReportBuild, build.id)
    assert build.state_label == "Failed"
    assert build.error == "The report could not be built (OSError: No space left on device)."
    (report,) = _reports(db)
    assert (report.pdf, report.sha256) == (pdf, checksum)
    assert builds.active_build(Q2) is None, "a failed build can be asked for again"
    assert builds.request_build(Q2, chair).id != build.id


def test_a_published_report_is_refused_when_asked_and_when_it_published_while_waiting(db, make, chair):
    crafted_history(db, make)
    report = build_report(Q2, user=chair)
    db.session.commit()
    waiting = builds.request_build(Q2, chair)
    db.session.commit()
    publish_report(report, chair)
    db.session.commit()

    assert builds.work_through_builds() == "0 reports built, 1 failed"
    assert db.session.get(ReportBuild, waiting.id).error == "The 2026/27 Q2 report is published and cannot change."
    with pytest.raises(ReportLocked, match="The 2026/27 Q2 report is published and cannot change."):
        builds.request_build(Q2, chair)


def test_a_build_left_running_by_a_stopped_scheduler_is_built_by_the_next(db, make, chair, app):
    crafted_history(db, make)
    build = builds.request_build(Q2, chair)
    db.session.commit()
    g.scheduler_holder = "host:111:stopped0"
    assert builds._claim_next("host:111:stopped0").state == "running"
    g.scheduler_holder = "host:222:next0000"

    assert builds.work_through_builds() == "1 report built, 0 failed"

    build = db.session.get(ReportBuild, build.id)
    assert (build.state, build.worker, build.attempts) == ("done", "host:222:next0000", 2)
    assert [r.quarter for r in _reports(db)] == ["2026/27 Q2"]


def test_a_build_stopped_part_way_three_times_is_given_up_with_the_reason(db, make, chair):
    crafted_history(db, make)
    build = builds.request_build(Q2, chair)
    build.state, build.worker, build.attempts = BuildState.RUNNING.value, "host:111:stopped0", 3
    db.session.commit()

    assert builds.work_through_builds() == "No report builds waiting"

    build = db.session.get(ReportBuild, build.id)
    assert build.state == "failed"
    assert build.error == "The build stopped part-way 3 times. Try again, or ask an administrator."
    assert _reports(db) == []


def test_publishing_is_done_by_the_job_which_puts_the_approval_on_the_cover(db, make, chair):
    from tracker.notify.models import OutboundEmail
    from tracker.reports.models import DistributionRecipient

    crafted_history(db, make)
    db.session.add(DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org"))
    report = build_report(Q2, user=chair)
    db.session.commit()
    built_checksum = report.sha256

    asked = builds.request_publish(report, chair)
    db.session.commit()
    assert builds.request_publish(report, chair).id == asked.id, "asking again while it waits adds nothing"
    assert (report.state, db.session.scalars(select(OutboundEmail.kind)).all()) == ("awaiting_approval", [])

    assert builds.work_through_builds() == "1 report published, 0 failed"

    (report,) = _reports(db)
    asked = db.session.get(ReportBuild, asked.id)
    assert report.state == "published" and report.sha256 != built_checksum
    cover = " ".join(PdfReader(io.BytesIO(report.pdf)).pages[0].extract_text().split())
    assert "Approved by Sam Carter" in cover
    assert asked.outcome == "The 2026/27 Q2 report is published. It is on its way to 1 person."
    assert db.session.scalars(
        select(OutboundEmail.to_address).where(OutboundEmail.kind == "report_published")
    ).all() == ["priya.shah@lcjb.example.org"]
    with pytest.raises(ReportLocked, match="The 2026/27 Q2 report is already published."):
        builds.request_publish(report, chair)
