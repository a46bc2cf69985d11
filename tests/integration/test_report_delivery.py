"""The report page says, per person, what the outbox says: waiting, delivered (when) or failed (why).

Mail goes through a real SMTP server on localhost, driven by the outbox sender.
"""

import re

import pytest
from sqlalchemy import select

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tests.visible import texts, visible_text
from tracker.common.dates import date_time
from tracker.notify.models import OutboundEmail
from tracker.notify.sender import send_pending
from tracker.reports import services
from tracker.reports.models import DistributionRecipient

PEOPLE = [
    ("Ann Bell", "ann.bell@lcjb.example.org"),
    ("Bob Cole", "bob.cole@cps.example.org"),
    ("Cat Dunn", "cat.dunn@probation.example.org"),
]


@pytest.fixture()
def published(db, make):
    """The Q3 report, published to three people; nothing delivered yet."""
    crafted_history(db, make)
    db.session.add_all(DistributionRecipient(name=name, email=email) for name, email in PEOPLE)
    chair = make.user("chair")
    report = services.build_report(Q3, user=chair, today=AFTER_Q3)
    services.publish_report(report, chair)
    db.session.commit()
    return report


def _page(client):
    return client.get("/reports/2026-27-Q3").get_data(as_text=True)


def _statuses(html):
    """{name: what the page says about their e-mail}."""
    rows = texts(html, "table.govuk-table tbody tr")
    return {name: row.removeprefix(name).split(" ", 1)[1] for row in rows for name, _ in PEOPLE if row.startswith(name)}


def _summary(html):
    keys, values = texts(html, ".govuk-summary-list__key"), texts(html, ".govuk-summary-list__value")
    return dict(zip(keys, values, strict=True))["E-mailed to the distribution list"]


def _says_sent(html):
    """Where the page says "sent", other than in "not yet sent" and the "Publish and send" wording."""
    text = visible_text(html).lower().replace("not yet sent", "")
    return re.findall(r"\bsent\b", text)


def _sent_at(db, address):
    return db.session.scalar(select(OutboundEmail.sent_at).where(OutboundEmail.to_address == address))


def test_queued_mail_is_waiting_and_nothing_says_sent(client, auth, published):
    auth.sign_in("chair")
    html = _page(client)
    assert _summary(html) == "0 of 3 delivered, 3 waiting"
    assert visible_text(html, "caption") == "Who it was e-mailed to: 0 of 3 delivered, 3 waiting"
    assert _statuses(html) == {
        "Ann Bell": "ann.bell@lcjb.example.org Waiting, not yet sent",
        "Bob Cole": "bob.cole@cps.example.org Waiting, not yet sent",
        "Cat Dunn": "cat.dunn@probation.example.org Waiting, not yet sent",
    }
    assert _says_sent(html) == []


def test_delivered_and_failed_mail_as_the_sender_records_it(client, auth, db, published, smtp):
    smtp.refuse = lambda envelope: "550 No such user here" if "bob.cole" in envelope.rcpt_tos[0] else None
    send_pending()
    assert sorted(m["To"] for m in smtp.messages) == ["ann.bell@lcjb.example.org", "cat.dunn@probation.example.org"]
    auth.sign_in("chair")
    html = _page(client)
    assert _summary(html) == "2 of 3 delivered, 1 failed"
    assert _statuses(html) == {
        "Ann Bell": f"ann.bell@lcjb.example.org Delivered {date_time(_sent_at(db, PEOPLE[0][1]))}",
        "Bob Cole": "bob.cole@cps.example.org Failed: 550 No such user here",
        "Cat Dunn": f"cat.dunn@probation.example.org Delivered {date_time(_sent_at(db, PEOPLE[2][1]))}",
    }


def test_a_temporary_refusal_stays_waiting_with_its_reason_until_delivered(client, auth, db, published, smtp):
    smtp.refuse = lambda envelope: "451 Try again later" if "cat.dunn" in envelope.rcpt_tos[0] else None
    send_pending()
    auth.sign_in("chair")
    html = _page(client)
    assert _summary(html) == "2 of 3 delivered, 1 waiting"
    assert _statuses(html)["Cat Dunn"] == (
        "cat.dunn@probation.example.org Waiting, not yet sent "
        "The last try did not work (451 Try again later). It will be tried again."
    )

    smtp.refuse = None
    db.session.execute(OutboundEmail.__table__.update().values(next_attempt_at=OutboundEmail.created_at))
    db.session.commit()
    send_pending()
    html = _page(client)
    assert _summary(html) == "3 of 3 delivered"
    assert (
        _statuses(html)["Cat Dunn"]
        == f"cat.dunn@probation.example.org Delivered {date_time(_sent_at(db, PEOPLE[2][1]))}"
    )


def test_board_members_see_no_one_elses_address(client, auth, published):
    auth.sign_in("viewer")
    html = _page(client)
    assert "ann.bell@lcjb.example.org" not in html and "E-mailed to the distribution list" not in visible_text(html)
