"""The report pages as the chair, an admin and a board member use them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.visible import banners, visible_text
from tracker.common.dates import local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.notify.models import OutboundEmail
from tracker.reports import services
from tracker.reports.builds import work_through_builds
from tracker.reports.models import DistributionRecipient, Report, ReportNotes

LAST = quarter_of(local_today()).previous()


@pytest.fixture()
def last_quarter_plan(make):
    """Two actions that existed last quarter: one overdue (Red), one on track."""
    start = datetime.combine(LAST.start, datetime.min.time(), tzinfo=UTC)
    late = make.action(
        reference="VV-001",
        title="Revise the acknowledgement letter",
        due=LAST.start + timedelta(days=20),
        start=LAST.start,
        created_at=start,
        progress=30,
    )
    fine = make.action(
        reference="VV-002",
        title="Offer a Victim Personal Statement",
        due=LAST.end + timedelta(days=200),
        start=LAST.start,
        created_at=start,
        progress=60,
        last_update_at=start + timedelta(days=80),
    )
    return late, fine


def _built(client, auth, role="chair"):
    """Ask for the build as the chair does, then let the scheduler's job build it."""
    user = auth.sign_in(role)
    response = client.post(f"/reports/{LAST.slug}/build")
    assert response.status_code == 302 and response.location.endswith(f"/reports/{LAST.slug}/build")
    assert work_through_builds() == "1 report built, 0 failed"
    return user


def test_the_chair_previews_a_draft_in_the_browser(client, auth, last_quarter_plan):
    auth.sign_in("chair")
    page = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert visible_text(page, ".app-report-toolbar p") == (
        f"Draft for {LAST.label}, as at {long_date(local_today())}. This is the report as it would be built now. "
        "Nothing is sent, and no report is stored until it is built."
    )
    assert '<h1 class="rp-cover__title">Victims&#39; Code improvement plan: quarterly update <br>' in page
    assert "VV-001: Revise the acknowledgement letter" in page and "Build the report for approval" in page
    assert f"<title>Draft report for {LAST.label} - Victims Code Action Tracker</title>" in page
    assert client.application.extensions["sqlalchemy"].session.scalar(select(Report)) is None


def test_a_quarter_that_has_not_started_has_no_draft(client, auth):
    auth.sign_in("admin")
    future = quarter_of(local_today()).next()
    assert client.get(f"/reports/{future.slug}/draft").status_code == 404
    assert client.get("/reports/2026-27-Q9/draft").status_code == 404


def test_the_chair_chooses_a_quarter_to_prepare(client, auth):
    auth.sign_in("chair")
    archive = client.get("/reports/").get_data(as_text=True)
    assert "Prepare a report" in archive and f'value="{LAST.slug.lower()}"' in archive
    response = client.get(f"/reports/prepare?quarter={LAST.slug.lower()}")
    assert response.location.endswith(f"/reports/{LAST.slug}/draft")
    bad = client.get("/reports/prepare?quarter=not-a-quarter")
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)


def test_decisions_are_saved_and_shown_in_the_report(client, auth, db, last_quarter_plan):
    auth.sign_in("chair")
    form = client.get(f"/reports/{LAST.slug}/decisions").get_data(as_text=True)
    assert "Put each decision on its own line." in form
    response = client.post(
        f"/reports/{LAST.slug}/decisions",
        data={"decisions": "Agree the new VPS measure\nNote the ISVA review", "version_id": ""},
    )
    assert response.status_code == 302
    notes = db.session.scalar(select(ReportNotes))
    assert notes.quarter == LAST.label and notes.decisions == "Agree the new VPS measure\nNote the ISVA review"
    draft = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert "<li>Agree the new VPS measure</li><li>Note the ISVA review</li>" in draft


def test_too_long_decisions_are_refused_and_kept(client, auth, db):
    auth.sign_in("chair")
    typed = "Agree the measure. " * 300
    page = client.post(f"/reports/{LAST.slug}/decisions", data={"decisions": typed, "version_id": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "govuk-error-summary" in html
    assert "Decisions must be 4000 characters or fewer" in html and "Agree the measure. Agree" in html
    assert db.session.scalar(select(ReportNotes)) is None


def test_a_stale_decisions_form_is_refused_and_keeps_what_was_typed(client, auth, db):
    chair = auth.sign_in("chair")
    db.session.add(ReportNotes(quarter=LAST.label, decisions="First version", updated_by_id=chair.id))
    db.session.commit()
    page = client.post(f"/reports/{LAST.slug}/decisions", data={"decisions": "My version", "version_id": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "Someone else changed these decisions" in html
    assert "My version" in html and "First version" in html
    assert db.session.scalar(select(ReportNotes.decisions)) == "First version"


def test_build_then_publish_sends_it_to_the_list(client, auth, db, make, last_quarter_plan):
    other_chair = make.user("chair")
    db.session.add(DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org"))
    db.session.commit()
    _built(client, auth)
    page = client.get(f"/reports/{LAST.slug}").get_data(as_text=True)
    report = db.session.scalar(select(Report))
    assert "Awaiting approval" in page and report.sha256 in page and "Publish and send" in page
    assert db.session.scalar(select(OutboundEmail.to_address).where(OutboundEmail.kind == "report_built")) == (
        other_chair.email
    )

    confirm = client.get(f"/reports/{LAST.slug}/publish").get_data(as_text=True)
    assert "Once published, the report cannot be changed or rebuilt." in confirm
    assert "Priya Shah (priya.shah@lcjb.example.org)" in confirm
    response = client.post(f"/reports/{LAST.slug}/publish")
    assert response.location.endswith(f"/reports/{LAST.slug}/build")
    assert db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "report_published")) is None
    assert work_through_builds() == "1 report published, 0 failed"
    page, state, status = _status(client)
    assert f"Publishing the {LAST.label} report" in page and state == "done"
    assert status.startswith(f"The {LAST.label} report is published. It is on its way to 1 person. Finished on ")
    sent = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "report_published"))
    assert sent.to_address == "priya.shah@lcjb.example.org" and sent.attachment_name.endswith(".pdf")

    again = client.post(f"/reports/{LAST.slug}/build", follow_redirects=True).get_data(as_text=True)
    assert banners(again)[:1] == [f"The {LAST.label} report is published and cannot change."]
    locked = client.get(f"/reports/{LAST.slug}/decisions", follow_redirects=True).get_data(as_text=True)
    assert "so its decisions cannot change" in locked


def test_board_members_see_only_published_reports(client, auth, db, last_quarter_plan):
    _built(client, auth)
    auth.sign_out()
    auth.sign_in("viewer")
    archive = client.get("/reports/").get_data(as_text=True)
    assert "No report has been published yet." in archive and "Prepare a report" not in archive
    assert client.get(f"/reports/{LAST.slug}").status_code == 403
    assert client.get(f"/reports/{LAST.slug}/report.pdf").status_code == 403

    report = db.session.scalar(select(Report))
    report.state = "published"
    db.session.commit()
    archive = client.get("/reports/").get_data(as_text=True)
    assert LAST.label in archive and report.sha256 in archive
    download = client.get(f"/reports/{LAST.slug}/report.pdf")
    assert download.data == report.pdf and download.headers["X-Checksum-SHA256"] == report.sha256
    assert f'attachment; filename="victims-code-update-{LAST.slug}.pdf"' == download.headers["Content-Disposition"]


def test_the_web_version_of_a_stored_report_is_its_frozen_snapshot(client, auth, db, last_quarter_plan):
    _built(client, auth)
    late, _ = last_quarter_plan
    late.title = "Renamed after the report was built"
    db.session.commit()
    page = client.get(f"/reports/{LAST.slug}/web").get_data(as_text=True)
    assert "VV-001: Revise the acknowledgement letter" in page and "Renamed after" not in page
    draft = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert "VV-001: Renamed after the report was built" in draft


def test_reports_is_in_the_navigation_for_everyone(client, auth):
    auth.sign_in("lead")
    assert '<a class="govuk-service-navigation__link" href="/reports/"' in client.get("/").get_data(as_text=True)


def test_the_admin_keeps_the_distribution_list(client, auth, db):
    auth.sign_in("admin")
    response = client.post(
        "/reports/distribution",
        data={"name": "Priya Shah", "email": "Priya.Shah@LCJB.example.org", "organisation": "LCJB"},
    )
    assert response.status_code == 302
    recipient = db.session.scalar(select(DistributionRecipient))
    assert (recipient.email, recipient.organisation, recipient.active) == ("priya.shah@lcjb.example.org", "LCJB", True)

    duplicate = client.post("/reports/distribution", data={"name": "P Shah", "email": "priya.shah@lcjb.example.org"})
    assert "already on the distribution list" in duplicate.get_data(as_text=True)
    bad = client.post("/reports/distribution", data={"name": "", "email": "not-an-address"}).get_data(as_text=True)
    assert "Enter the person&#39;s full name" in bad and "Enter an email address in the correct format" in bad
    assert 'value="not-an-address"' in bad

    edit = {"name": "Priya Shah", "email": recipient.email, "version_id": str(recipient.version_id)}
    client.post(f"/reports/distribution/{recipient.id}", data=edit)
    db.session.refresh(recipient)
    assert recipient.active is False, "an unticked box pauses sending"
    assert "Paused" in client.get("/reports/distribution").get_data(as_text=True)

    client.post(f"/reports/distribution/{recipient.id}/remove")
    assert db.session.scalar(select(DistributionRecipient)) is None


def test_two_chairs_publishing_at_once_send_it_once(client, auth, db, last_quarter_plan, monkeypatch):
    _built(client, auth)
    real_publish = services.publish_report

    def publish_after_someone_else(report, user):
        # Another chair's request commits first, from its own connection.
        with db.engine.begin() as other:
            other.execute(text("UPDATE report SET state = 'published', version_id = version_id + 1"))
        return real_publish(report, user)

    monkeypatch.setattr(services, "publish_report", publish_after_someone_else)
    client.post(f"/reports/{LAST.slug}/publish")
    assert work_through_builds() == "0 reports built, 1 failed"
    _, state, status = _status(client)
    assert state == "failed"
    assert status.startswith(f"Publishing failed. Someone else published the {LAST.label} report at the same moment.")
    assert db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "report_published")) is None


def _status(client):
    page = client.get(f"/reports/{LAST.slug}/build").get_data(as_text=True)
    answer = client.get(f"/reports/{LAST.slug}/build.json").get_json()
    return visible_text(page), answer["state"], visible_text(answer["html"])


def test_the_progress_page_follows_a_build_from_waiting_to_built(client, auth, db, last_quarter_plan):
    from tracker.reports.builds import _claim_next

    auth.sign_in("chair")
    response = client.post(f"/reports/{LAST.slug}/build")
    assert response.location.endswith(f"/reports/{LAST.slug}/build")

    page, state, status = _status(client)
    assert state == "queued"
    assert status.startswith("Waiting to start. Asked for by ")
    assert f"Building the {LAST.label} report" in page and "Check again" in page
    draft = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert "A build of this report is waiting to start. See how it is going" in visible_text(draft)
    assert "Build the report for approval" not in draft, "no second build while one waits"

    _claim_next("test-worker")
    _, state, status = _status(client)
    assert state == "running" and status.startswith("Building the report. Started on ")

    assert work_through_builds() == "1 report built, 0 failed"
    page, state, status = _status(client)
    assert state == "done"
    assert status.startswith(
        f"The {LAST.label} report is built. Check it, then publish it to send it to the subgroup. Finished on "
    )
    assert status.endswith(f". Check the {LAST.label} report")
    assert "Check again" not in page


def test_a_failed_build_shows_the_reason_and_offers_to_try_again(client, auth, db, last_quarter_plan, monkeypatch):
    def broken(html):
        raise OSError("No space left on device")

    monkeypatch.setattr("tracker.reports.services.render_report_pdf", broken)
    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/build")
    assert work_through_builds() == "0 reports built, 1 failed"

    page, state, status = _status(client)
    assert state == "failed"
    assert status == (
        "The build failed. The report could not be built (OSError: No space left on device). Nothing was stored. Try again"
    )
    assert db.session.scalar(select(Report)) is None


def test_a_build_waiting_two_minutes_says_the_scheduler_may_not_be_running(client, auth, db, last_quarter_plan):
    from tracker.reports.models import ReportBuild

    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/build")
    build = db.session.scalar(select(ReportBuild))
    build.requested_at = build.requested_at - timedelta(minutes=3)
    db.session.commit()

    _, _, status = _status(client)
    assert status.endswith(
        "Warning This has not started after 2 minutes. The scheduler that builds and publishes reports may not be "
        "running: ask an administrator to check it."
    )


def test_there_is_no_progress_page_before_anyone_asked_for_a_build(client, auth, last_quarter_plan):
    auth.sign_in("chair")
    assert client.get(f"/reports/{LAST.slug}/build").status_code == 404
    assert client.get(f"/reports/{LAST.slug}/build.json").status_code == 404
