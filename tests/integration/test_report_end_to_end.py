"""End to end: the scheduler builds the report, the chair is told by e-mail, publishes it, and the
subgroup receives the PDF through a real SMTP server."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.integration.notify.conftest import body_of, london
from tests.integration.report_history import crafted_history
from tests.visible import visible_text
from tracker.notify.models import JobRun
from tracker.notify.scheduler import collect_jobs, run_job
from tracker.notify.sender import send_pending
from tracker.reports.builds import work_through_builds
from tracker.reports.models import DistributionRecipient, Report


def _job(job_id):
    return next(job for job in collect_jobs() if job["id"] == job_id)


def test_built_on_schedule_approved_and_delivered_with_the_pdf(app, client, db, make, smtp):
    crafted_history(db, make)
    chair = make.user("chair", name="Sam Whitfield", email="sam.whitfield@opcc.example.org")
    db.session.add_all(
        [
            DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org", organisation="LCJB"),
            DistributionRecipient(name="Tom Hale", email="tom.hale@cps.example.org", organisation="CPS"),
        ]
    )
    db.session.commit()

    summary = run_job(_job("reports.build_due_report"), london(2027, 1, 8, 6))
    assert summary == "Built the 2026/27 Q3 report; it awaits the chair's approval"
    assert db.session.get(JobRun, "reports.build_due_report").last_result == summary
    assert "Sent 1" in send_pending(london(2027, 1, 8, 6, 1)).summary()
    [told] = smtp.messages
    assert (
        told["To"] == chair.email and told["Subject"] == "The 2026/27 Q3 report is ready for you to check and publish"
    )
    assert "/reports/2026-27-Q3" in body_of(told, "plain")

    client.post("/sign-in", data={"email": chair.email, "password": PASSWORD})
    client.post("/reports/2026-27-Q3/publish")
    assert work_through_builds() == "1 report published, 0 failed"
    status = client.get("/reports/2026-27-Q3/build.json").get_json()
    assert status["state"] == "done"
    assert visible_text(status["html"]).startswith("The 2026/27 Q3 report is published. It is on its way to 2 people.")
    assert "Sent 2" in send_pending(london(2027, 1, 8, 9)).summary()

    report = db.session.scalar(select(Report))
    delivered = {m["To"]: m for m in smtp.messages[1:]}
    assert set(delivered) == {"priya.shah@lcjb.example.org", "tom.hale@cps.example.org"}
    for message in delivered.values():
        assert message["Subject"] == "Victims' Code improvement plan: update for 2026/27 Q3"
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == "victims-code-update-2026-27-Q3.pdf"
        assert attachment.get_content() == report.pdf
        pdf = PdfReader(io.BytesIO(attachment.get_content()))
        assert "2026/27 Q3: 1 October 2026 to 31 December 2026" in pdf.pages[0].extract_text()
    assert "Dear Priya Shah," in body_of(delivered["priya.shah@lcjb.example.org"], "plain")

    # Reruns of the build and of the sender change nothing and send nothing twice.
    assert run_job(_job("reports.build_due_report"), london(2027, 1, 9, 6)) == "2026/27 Q3 report already built"
    send_pending(london(2027, 1, 9, 6, 1))
    assert len(smtp.envelopes) == 3
