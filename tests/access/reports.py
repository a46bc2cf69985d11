"""Access rules for the quarterly reports and the distribution list."""

from tests.access import ADMIN_ONLY, ADMIN_POST, MANAGERS, MANAGERS_POST, READ_ALL
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.reports.models import DRAFT, BuildState, DistributionRecipient, Report, ReportBuild, ReportState
from tracker.reports.snapshot import build_snapshot

# Stored reports need a PDF to serve, not a real one: these rules are about who may reach what.
PLACEHOLDER_PDF = b"%PDF-1.7\n%placeholder\n%%EOF\n"


def SETUP(data, make):
    """A published report two quarters back, one awaiting approval last quarter (built), and a recipient."""
    last = quarter_of(local_today()).previous()
    data.published_quarter, data.awaiting_quarter = last.previous(), last
    for quarter, state in ((last.previous(), ReportState.PUBLISHED), (last, ReportState.AWAITING_APPROVAL)):
        report = Report(
            quarter=quarter.label,
            state=state.value,
            snapshot=build_snapshot(quarter),
            pdf=PLACEHOLDER_PDF,
            pdf_size=len(PLACEHOLDER_PDF),
            sha256="0" * 64,
        )
        db.session.add(report)
        if state == ReportState.PUBLISHED:
            data.published_report = report
    db.session.add(ReportBuild(quarter=last.label, state=BuildState.DONE.value))
    db.session.add(
        ReportBuild(
            quarter=last.label,
            purpose=DRAFT,
            state=BuildState.DONE.value,
            pdf=PLACEHOLDER_PDF,
            as_at=utcnow(),
            fingerprint="0" * 64,
        )
    )
    data.recipient = DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org")
    db.session.add(data.recipient)
    db.session.commit()


def _build(data):
    """One build of a quarter by its number: the published report's."""
    return {"quarter": data.published_quarter, "report_id": data.published_report.id}


PREPARE = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 302, "admin": 302}

RULES = {
    "reports.archive": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "reports.prepare": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter.slug}, "expect": PREPARE},
    "reports.draft": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.make_draft": {
        "method": "POST",
        "args": lambda d: {"quarter": d.awaiting_quarter},
        "expect": MANAGERS_POST,
    },
    "reports.drafting": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.draft_status": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.draft_pdf": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.notes": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.build": {"method": "POST", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS_POST},
    "reports.building": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.build_status": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.show": {"method": "GET", "args": lambda d: {"quarter": d.published_quarter}, "expect": READ_ALL},
    "reports.view": {"method": "GET", "args": lambda d: {"quarter": d.published_quarter}, "expect": READ_ALL},
    "reports.download": {"method": "GET", "args": lambda d: {"quarter": d.published_quarter}, "expect": READ_ALL},
    "reports.publish": {"method": "GET", "args": lambda d: {"quarter": d.awaiting_quarter}, "expect": MANAGERS},
    "reports.show_build": {"method": "GET", "args": lambda d: _build(d), "expect": READ_ALL},
    "reports.view_build": {"method": "GET", "args": lambda d: _build(d), "expect": READ_ALL},
    "reports.download_build": {"method": "GET", "args": lambda d: _build(d), "expect": READ_ALL},
    "reports.withdraw": {"method": "GET", "args": lambda d: {"quarter": d.published_quarter}, "expect": ADMIN_ONLY},
    "reports.distribution": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "reports.edit_recipient": {
        "method": "GET",
        "args": lambda d: {"recipient_id": d.recipient.id},
        "expect": ADMIN_ONLY,
    },
    "reports.remove_recipient": {
        "method": "POST",
        "args": lambda d: {"recipient_id": d.recipient.id},
        "expect": ADMIN_POST,
    },
}
