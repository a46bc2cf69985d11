"""Publishing sends the report to the distribution list through the outbox."""

from sqlalchemy import select

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tracker.audit.models import AuditEvent
from tracker.notify.models import OutboundEmail
from tracker.reports.models import DistributionRecipient
from tracker.reports.services import build_report, publish_report


def _recipients(db):
    people = [
        DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org", organisation="LCJB"),
        DistributionRecipient(name="Tom Hale", email="tom.hale@cps.example.org", organisation="CPS"),
        DistributionRecipient(name="Ann Old", email="ann.old@example.org", active=False),
    ]
    db.session.add_all(people)
    db.session.commit()
    return people


def _published(db, make):
    crafted_history(db, make)
    chair = make.user("chair")
    report = build_report(Q3, user=chair, today=AFTER_Q3)
    db.session.commit()
    return report, chair


def _report_mail(db):
    query = select(OutboundEmail).where(OutboundEmail.kind == "report_published").order_by(OutboundEmail.to_address)
    return db.session.scalars(query).all()


def test_each_active_recipient_gets_the_pdf_attached(db, make):
    _recipients(db)
    report, chair = _published(db, make)
    sent_to = publish_report(report, chair)
    db.session.commit()
    assert [r.name for r in sent_to] == ["Priya Shah", "Tom Hale"]
    mail = _report_mail(db)
    assert [m.to_address for m in mail] == ["priya.shah@lcjb.example.org", "tom.hale@cps.example.org"]
    for message in mail:
        assert message.subject == "Victims' Code improvement plan: update for 2026/27 Q3"
        assert message.attachment == report.pdf
        assert message.attachment_name == "victims-code-update-2026-27-Q3.pdf"
        assert message.attachment_type == "application/pdf"
        assert "The report is attached as a PDF." in message.body_text
        assert "distribution list" in message.body_html and "account page" not in message.body_html
    assert "Dear Priya Shah," in mail[0].body_text
    assert report.published_by_id == chair.id and report.distributed_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "report.published"))
    assert event.summary == "Published the 2026/27 Q3 report and queued it for 2 people on the distribution list"


def test_a_report_too_large_to_attach_goes_as_a_link(app, db, make, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_ATTACH_MAX_BYTES", 1000)
    _recipients(db)
    report, chair = _published(db, make)
    publish_report(report, chair)
    db.session.commit()
    for message in _report_mail(db):
        assert message.attachment is None and message.attachment_name is None
        assert "too large to attach" in message.body_text
        assert f"{app.config['BASE_URL']}/reports/2026-27-Q3" in message.body_text


def test_publishing_with_nobody_on_the_list_sends_nothing(db, make):
    report, chair = _published(db, make)
    assert publish_report(report, chair) == []
    db.session.commit()
    assert _report_mail(db) == [] and report.distributed_at is None and report.is_published
