"""The draft PDF is made by the scheduler's job and kept: the chair follows it, then downloads what was made."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.visible import texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import date_time, local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.reports import builds, services
from tracker.reports.builds import work_through_builds
from tracker.reports.models import Report, ReportBuild

LAST = quarter_of(local_today()).previous()
THIS = quarter_of(local_today())
STATUS = "[data-build-status]"


@pytest.fixture()
def plan(make):
    """One action that existed all last quarter."""
    start = datetime.combine(LAST.start, datetime.min.time(), tzinfo=UTC)
    return make.action(
        reference="VV-001",
        title="Revise the acknowledgement letter",
        due=LAST.end + timedelta(days=200),
        start=LAST.start,
        created_at=start,
        progress=40,
    )


def _page(client, quarter=LAST):
    """The draft PDF's page as read: its status, and the same status as the page's script gets it."""
    html = client.get(f"/reports/{quarter.slug}/draft-pdf").get_data(as_text=True)
    answer = client.get(f"/reports/{quarter.slug}/draft-pdf.json").get_json()
    assert visible_text(answer["html"]) == visible_text(html, STATUS), "the script shows what the page shows"
    return html, answer["state"], visible_text(html, STATUS)


def _drafts(db):
    db.session.expire_all()
    return db.session.scalars(select(ReportBuild).where(ReportBuild.purpose == "draft").order_by(ReportBuild.id)).all()


def test_download_draft_pdf_makes_it_in_the_job_and_serves_the_stored_pdf(client, auth, db, plan, monkeypatch):
    auth.sign_in("chair")
    draft_page = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert texts(draft_page, ".app-report-toolbar button") == ["Download draft PDF", "Build the report for approval"]

    response = client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert response.status_code == 302 and response.location.endswith(f"/reports/{LAST.slug}/draft-pdf")
    (draft,) = _drafts(db)
    html, state, status = _page(client)
    assert state == "queued"
    assert texts(html, "h1") == [f"Draft PDF of the {LAST.label} report"]
    assert status == f"Waiting to start. Asked for by {draft.requested_by.name} on {date_time(draft.requested_at)}."
    assert texts(html, "[data-build-refresh]") == ["Check again"], "without JavaScript, the page is refreshed"
    assert texts(client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True), ".app-report-toolbar strong") == [
        f"Draft for {LAST.label}, as at {long_date(local_today())}.",
        "A draft PDF of this report is waiting to be made.",
    ]

    assert client.post(f"/reports/{LAST.slug}/draft-pdf").status_code == 302
    assert len(_drafts(db)) == 1, "asking again while it waits makes no second draft"

    assert work_through_builds() == "1 draft PDF made, 0 failed"

    (draft,) = _drafts(db)
    html, state, status = _page(client)
    assert state == "done"
    assert status == (
        f"The draft PDF of the {LAST.label} report is ready. Made on {date_time(draft.as_at)}. "
        "The report's figures and words have not changed since. Download draft PDF"
    )
    assert texts(html, "[data-build-refresh]") == []
    assert db.session.scalar(select(Report)) is None, "a draft stores no report"

    def no_rendering(*args, **kwargs):
        raise AssertionError("the download renders nothing")

    monkeypatch.setattr(services, "render_report_pdf", no_rendering)
    monkeypatch.setattr(services, "build_snapshot", no_rendering)
    download = client.get(f"/reports/{LAST.slug}/draft.pdf")
    assert download.mimetype == "application/pdf" and download.data == draft.pdf
    assert (
        download.headers["Content-Disposition"] == f'attachment; filename="draft-victims-code-update-{LAST.slug}.pdf"'
    )
    cover = " ".join(PdfReader(io.BytesIO(download.data)).pages[0].extract_text().split())
    assert f"Draft as at {long_date(local_today())}: not yet approved" in cover

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb.like("report.%"))).all()
    assert [(e.verb, e.summary, e.actor.name) for e in events] == [
        ("report.draft_requested", f"Asked for a draft PDF of the {LAST.label} report", draft.requested_by.name)
    ]


def test_the_page_says_when_the_plan_changed_since_the_draft_and_a_new_one_is_up_to_date(client, auth, db, plan):
    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    (first,) = _drafts(db)

    plan.title = "Revise the acknowledgement letter and leaflet"
    db.session.commit()

    html, state, status = _page(client)
    assert state == "done"
    assert status == (
        f"The draft PDF of the {LAST.label} report is ready. Made on {date_time(first.as_at)}; the plan or the "
        "report's decisions have changed since. A draft made now would show the changes. "
        "Download draft PDF Make a new draft PDF"
    )
    old = PdfReader(io.BytesIO(client.get(f"/reports/{LAST.slug}/draft.pdf").data))
    assert "VV-001: Revise the acknowledgement letter and leaflet" not in " ".join(
        " ".join(page.extract_text().split()) for page in old.pages
    )

    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    first, second = _drafts(db)
    assert (first.pdf, second.pdf is not None) == (None, True), "only the latest draft keeps its PDF"
    _, _, status = _page(client)
    assert status == (
        f"The draft PDF of the {LAST.label} report is ready. Made on {date_time(second.as_at)}. "
        "The report's figures and words have not changed since. Download draft PDF"
    )
    new = PdfReader(io.BytesIO(client.get(f"/reports/{LAST.slug}/draft.pdf").data))
    assert "VV-001: Revise the acknowledgement letter and leaflet" in " ".join(
        " ".join(page.extract_text().split()) for page in new.pages
    )


def test_with_nothing_written_since_the_draft_its_page_does_not_read_the_plan_again(
    client, auth, db, make, plan, monkeypatch
):
    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    (draft,) = _drafts(db)
    unchanged = (
        f"The draft PDF of the {LAST.label} report is ready. Made on {date_time(draft.as_at)}. "
        "The report's figures and words have not changed since. Download draft PDF"
    )
    reads = []
    fingerprint = services.current_draft_fingerprint
    monkeypatch.setattr(
        services, "current_draft_fingerprint", lambda quarter: reads.append(quarter) or fingerprint(quarter)
    )

    assert _page(client)[2] == unchanged
    assert reads == [], "signing in and reading pages write nothing the report shows, so the plan is not read"

    make.department("Estates")  # a write, though not one this report shows
    assert _page(client)[2] == unchanged
    assert reads == [LAST, LAST], "after a write the page (and its script's answer) compare what a draft would show"


def test_a_draft_that_fails_says_why_and_can_be_tried_again(client, auth, db, plan, monkeypatch):
    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    (made,) = _drafts(db)

    def broken(html):
        raise OSError("No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(services, "render_report_pdf", broken)
        client.post(f"/reports/{LAST.slug}/draft-pdf")
        assert work_through_builds() == "0 reports built, 1 failed"

    html, state, status = _page(client)
    assert state == "failed"
    assert status == (
        "Making the draft PDF failed. The draft PDF could not be made (OSError: No space left on device). Try again "
        f"The last draft PDF made Made on {date_time(made.as_at)}. The report's figures and words have not changed "
        "since. Download draft PDF"
    )
    assert client.get(f"/reports/{LAST.slug}/draft.pdf").data == made.pdf, "the draft made before is kept"

    retry = client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert retry.location.endswith(f"/reports/{LAST.slug}/draft-pdf")
    _, state, status = _page(client)
    assert state == "queued" and status.startswith("Waiting to start. Asked for by ")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    assert _page(client)[1] == "done"


def test_a_draft_never_blocks_a_build_and_one_quarter_never_blocks_another(client, auth, db, plan):
    chair = auth.sign_in("chair")
    draft = builds.request_draft(LAST, chair)
    other_quarter = builds.request_draft(THIS, chair)
    db.session.commit()
    assert other_quarter.id != draft.id

    assert builds.active_build(LAST) is None, "a waiting draft is not the quarter's build"
    page = client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True)
    assert texts(page, ".app-report-toolbar button") == ["Download draft PDF", "Build the report for approval"]
    response = client.post(f"/reports/{LAST.slug}/build")
    assert response.location.endswith(f"/reports/{LAST.slug}/build")
    build = builds.active_build(LAST)
    assert build.purpose == "build" and builds.active_draft(LAST).id == draft.id

    assert work_through_builds() == "1 report built, 2 draft PDFs made, 0 failed"
    (report,) = db.session.scalars(select(Report)).all()
    assert report.quarter == LAST.label and report.state == "awaiting_approval"
    building = client.get(f"/reports/{LAST.slug}/build").get_data(as_text=True)
    assert visible_text(building, STATUS).startswith(f"The {LAST.label} report is built."), (
        "the build's page is its own"
    )
    assert [d.state for d in _drafts(db)] == ["done", "done"]
    assert client.get(f"/reports/{THIS.slug}/draft.pdf").data == _drafts(db)[1].pdf


def test_a_published_quarter_still_has_a_draft_and_its_report_is_untouched(client, auth, db, plan):
    chair = auth.sign_in("chair")
    report = services.build_report(LAST, user=chair)
    services.publish_report(report, chair)
    db.session.commit()
    checksum = report.sha256
    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    (report,) = db.session.scalars(select(Report)).all()
    assert (report.state, report.sha256) == ("published", checksum)
    assert _page(client)[1] == "done"


def test_before_any_draft_the_page_offers_to_make_one_and_the_download_leads_there(client, auth, db):
    auth.sign_in("admin")
    response = client.get(f"/reports/{LAST.slug}/draft.pdf")
    assert response.status_code == 302 and response.location.endswith(f"/reports/{LAST.slug}/draft-pdf")
    html, state, status = _page(client)
    assert state == "none"
    assert status == f"No draft PDF of the {LAST.label} report has been made. Make a draft PDF"
    assert client.get(f"/reports/{quarter_of(local_today()).next().slug}/draft-pdf").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "lead"])
def test_those_who_may_not_build_reports_may_not_ask_for_a_draft_nor_download_one(client, auth, db, plan, role):
    auth.sign_in(role)
    assert client.post(f"/reports/{LAST.slug}/draft-pdf").status_code == 403
    assert client.get(f"/reports/{LAST.slug}/draft-pdf").status_code == 403
    assert client.get(f"/reports/{LAST.slug}/draft.pdf").status_code == 403
    assert _drafts(db) == []


def test_the_fingerprint_follows_what_the_report_shows_not_the_day_nor_the_chart_drawing():
    snapshot = {
        "built_on": "2026-12-04",
        "actions": [{"reference": "VV-001", "rag": "red"}],
        "compliance": {"rows": [{"right_number": 6, "self_percent": 86.0}], "chart": '<svg id="chart16-t"></svg>'},
    }
    redrawn = {
        **snapshot,
        "built_on": "2026-12-05",
        "compliance": {**snapshot["compliance"], "chart": '<svg id="chart17-t"></svg>'},
    }
    figures_changed = {**snapshot, "compliance": {**snapshot["compliance"], "rows": [{"right_number": 6}]}}
    recoloured = {**snapshot, "actions": [{"reference": "VV-001", "rag": "amber"}]}
    fingerprint = services.draft_fingerprint(snapshot)
    assert services.draft_fingerprint(redrawn) == fingerprint
    assert services.draft_fingerprint(figures_changed) != fingerprint
    assert services.draft_fingerprint(recoloured) != fingerprint


def test_a_draft_waiting_over_two_minutes_says_the_scheduler_may_not_be_running(client, auth, db, plan):
    auth.sign_in("chair")
    client.post(f"/reports/{LAST.slug}/draft-pdf")
    assert "may not be running" not in _page(client)[2], "a request just made is only waiting"
    (draft,) = _drafts(db)
    draft.requested_at = draft.requested_at - timedelta(minutes=2, seconds=1)
    db.session.commit()
    _, state, status = _page(client)
    assert state == "queued"
    assert status == (
        f"Waiting to start. Asked for by {draft.requested_by.name} on {date_time(draft.requested_at)}. ! Warning "
        "This has not started after 2 minutes. The scheduler that makes draft PDFs and builds reports may not be "
        "running: ask an administrator to check it."
    )
