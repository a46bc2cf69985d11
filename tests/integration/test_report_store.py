"""A built report freezes its data and PDF; a published one never changes."""

import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tracker.audit.models import AuditEvent
from tracker.notify.models import OutboundEmail
from tracker.plan.models import Action
from tracker.reports.models import Report, ReportState
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.services import ReportLocked, build_report, publish_report, save_notes


def pdf_text(pdf):
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _reload(db):
    db.session.expire_all()
    return db.session.scalar(select(Report).where(Report.quarter == Q3.label))


def test_changing_the_plan_after_building_changes_nothing_in_the_report(db, make):
    actions = crafted_history(db, make)
    report = build_report(Q3, today=AFTER_Q3)
    db.session.commit()
    pdf, checksum, snapshot = report.pdf, report.sha256, report.snapshot
    html = render_report_html(snapshot)

    action = actions["VV-107"]
    action.title = "A renamed action"
    action.progress = 90
    action.current_due_date = date(2027, 12, 31)
    make.action(reference="VV-999", title="An action added afterwards", created_at=actions["VV-101"].created_at)
    db.session.commit()

    stored = _reload(db)
    assert stored.pdf == pdf and stored.sha256 == checksum and stored.snapshot == snapshot
    rebuilt = render_report_html(stored.snapshot)
    assert rebuilt == html
    assert "A renamed action" not in rebuilt and "VV-999" not in rebuilt
    assert pdf_text(render_report_pdf(rebuilt)) == pdf_text(pdf)


def test_building_records_who_and_when_and_tells_the_chairs(db, make):
    crafted_history(db, make)
    chair, other_chair = make.user("chair"), make.user("chair")
    make.user("chair", active=False)
    report = build_report(Q3, user=chair, today=AFTER_Q3)
    db.session.commit()
    assert report.state == ReportState.AWAITING_APPROVAL and report.built_by_id == chair.id
    mail = db.session.scalars(select(OutboundEmail)).all()
    assert [m.to_address for m in mail] == [other_chair.email], "the chair who built it is not told"
    assert mail[0].subject == "The 2026/27 Q3 report is ready for you to check and publish"
    assert "/reports/2026-27-Q3" in mail[0].body_text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "report.built"))
    assert event.actor_id == chair.id and "2026/27 Q3" in event.summary

    build_report(Q3, user=chair, today=AFTER_Q3)
    db.session.commit()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "report.rebuilt")) is not None
    assert len(db.session.scalars(select(OutboundEmail)).all()) == 1, "a rebuild does not mail the chairs again"


def test_a_published_report_cannot_change(db, make):
    crafted_history(db, make)
    chair = make.user("chair")
    report = build_report(Q3, user=chair, today=AFTER_Q3)
    publish_report(report, chair)
    db.session.commit()
    pdf = report.pdf

    with pytest.raises(ReportLocked):
        build_report(Q3, user=chair, today=AFTER_Q3)
    with pytest.raises(ReportLocked):
        save_notes(Q3, "A late decision", chair)
    with pytest.raises(ReportLocked):
        publish_report(report, chair)

    report.pdf = b"%PDF- tampered"
    with pytest.raises(ValueError, match="A published report never changes"):
        db.session.flush()
    db.session.rollback()
    report.state = ReportState.AWAITING_APPROVAL.value
    with pytest.raises(ValueError, match="never changes"):
        db.session.flush()
    db.session.rollback()
    assert _reload(db).pdf == pdf


def test_the_report_excludes_actions_created_after_the_quarter(db, make):
    actions = crafted_history(db, make)
    db.session.get(Action, actions["VV-104"].id).created_at = actions["VV-104"].created_at.replace(year=2027)
    db.session.commit()
    report = build_report(Q3, today=AFTER_Q3)
    assert "VV-104" not in {row["reference"] for row in report.snapshot["actions"]}


def test_the_cover_says_who_approved_a_published_report_and_when(db, make, monkeypatch):
    crafted_history(db, make)
    chair = make.user("chair", name="Sam Patel")
    report = build_report(Q3, user=chair, today=AFTER_Q3)
    db.session.commit()
    built_cover = pdf_text(report.pdf)[0]
    assert "Not yet approved." in built_cover and "Approved by" not in built_cover
    assert built_cover.count("OFFICIAL") == 2, "the marking once at the top of the page's text and once in the footer"

    monkeypatch.setattr("tracker.reports.services.utcnow", lambda: datetime(2027, 1, 5, 10, 30, tzinfo=UTC))
    publish_report(report, chair)
    db.session.commit()
    report = _reload(db)
    cover = pdf_text(report.pdf)[0]
    assert "Approved by Sam Patel, Chair of the Victims Code Champions meeting, on 5 January 2027." in cover
    assert "Not yet approved" not in cover and cover.count("OFFICIAL") == 2
    assert report.sha256 == hashlib.sha256(report.pdf).hexdigest() and report.pdf_size == len(report.pdf)
    # The approval is part of the frozen data, so the web version and a rebuild say the same.
    assert report.snapshot["approval"] == {
        "name": "Sam Patel",
        "role": "Chair of the Victims Code Champions meeting",
        "on": "2027-01-05",
    }
    assert pdf_text(render_report_pdf(render_report_html(report.snapshot))) == pdf_text(report.pdf)
