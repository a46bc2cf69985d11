"""The chair prepares, builds and publishes a quarter's report in a real browser."""

import io
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import sign_in
from tracker.common.dates import local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.reports.builds import work_through_builds

LAST = quarter_of(local_today()).previous()


def test_chair_previews_builds_and_publishes_a_report(page, make, db):
    chair = make.user("chair", name="Casey Chair")
    started = datetime.combine(LAST.start, datetime.min.time(), tzinfo=UTC)
    make.action(
        reference="VV-001",
        title="Revise the acknowledgement letter",
        due=LAST.start + timedelta(days=20),
        start=LAST.start,
        created_at=started,
    )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, chair)

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports to the subgroup")
    page.get_by_label("Quarter").select_option(label=LAST.label)
    page.get_by_role("button", name="Preview the report").click()
    expect(page).to_have_title(f"Draft report for {LAST.label} - Victims Code Action Tracker")
    expect(page.get_by_role("heading", name="Exceptions: Red and overdue actions")).to_be_visible()
    expect(page.get_by_role("img", name="Actions by Victims' Code right and BRAG rating")).to_be_visible()

    page.get_by_role("link", name="Change decisions for the subgroup").click()
    page.get_by_label("Decisions the subgroup is asked to take").fill("Agree the revised letter")
    page.get_by_label("Include a section on this quarter's meetings").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".rp-decisions")).to_have_text("Agree the revised letter")
    expect(page.locator("#meetings")).to_have_text(
        f"Meetings this quarter No meetings were held in {LAST.label}.", use_inner_text=True
    )

    page.get_by_role("button", name="Build the report for approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Building the {LAST.label} report")
    status = page.locator("[data-build-status]")
    expect(status).to_contain_text("Waiting to start.")
    # Without the scheduler nothing starts; its job builds the report and the page follows without a reload.
    db.session.expire_all()
    assert work_through_builds() == "1 report built, 0 failed"
    expect(status).to_contain_text(f"The {LAST.label} report is built.")
    expect(page.get_by_role("link", name="Check again")).to_have_count(0)
    page.get_by_role("link", name=f"Check the {LAST.label} report").click()
    expect(page.locator(".govuk-tag").filter(has_text="Awaiting approval")).to_be_visible()

    page.get_by_role("link", name="Publish and send").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publishing the {LAST.label} report")
    db.session.expire_all()
    assert work_through_builds() == "1 report published, 0 failed"
    expect(status).to_contain_text(f"The {LAST.label} report is published.")
    page.get_by_role("link", name=f"See the {LAST.label} report").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"victims-code-update-{LAST.slug}.pdf"
    assert errors == [], "no script or Content Security Policy errors"


def test_an_admin_withdraws_a_wrong_report_and_the_chair_builds_a_corrected_one(page, make, db):
    from tracker.reports import services
    from tracker.reports.models import DistributionRecipient

    chair = make.user("chair", name="Casey Chair")
    admin = make.user("admin", name="Ada Admin")
    db.session.add(DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org"))
    services.publish_report(services.build_report(LAST, user=chair), chair)
    db.session.commit()
    sign_in(page, admin)
    page.goto(f"/reports/{LAST.slug}")
    expect(page.locator(".app-delivery--waiting")).to_have_text("Waiting, not yet sent")
    page.get_by_role("link", name="Withdraw this report").click()
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the report is being withdrawn")
    page.get_by_label("Why is the report being withdrawn?").fill("VV-001 was shown as Red in error.")
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.get_by_text(f"The {LAST.label} report is withdrawn.")).to_be_visible()
    expect(page.locator(".govuk-tag").first).to_have_text("Withdrawn")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the withdrawn PDF").click()
    assert download.value.suggested_filename == f"victims-code-update-{LAST.slug}.pdf"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, chair)
    page.goto(f"/reports/{LAST.slug}/draft")
    page.get_by_role("button", name="Build a corrected report for approval").click()
    expect(page.locator("[data-build-status]")).to_contain_text("Waiting to start.")
    db.session.expire_all()
    assert work_through_builds() == "1 report built, 0 failed"
    expect(page.locator("[data-build-status]")).to_contain_text(f"The {LAST.label} report is built.")
    page.get_by_role("link", name=f"Check the {LAST.label} report").click()
    expect(page.get_by_role("heading", name=f"Other builds of the {LAST.label} report")).to_be_visible()
    expect(page.locator(".govuk-list .govuk-tag")).to_have_text("Superseded")


def test_chair_downloads_a_draft_pdf_made_in_the_background(page, make, db, tmp_path):
    chair = make.user("chair", name="Casey Chair")
    started = datetime.combine(LAST.start, datetime.min.time(), tzinfo=UTC)
    make.action(
        reference="VV-001",
        title="Revise the acknowledgement letter",
        due=LAST.start + timedelta(days=20),
        start=LAST.start,
        created_at=started,
    )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, chair)
    page.goto(f"/reports/{LAST.slug}/draft")

    page.get_by_role("button", name="Download draft PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft PDF of the {LAST.label} report")
    status = page.locator("[data-build-status]")
    expect(status).to_contain_text("Waiting to start.")
    expect(page.get_by_role("link", name="Check again")).to_be_visible()

    # The scheduler's job makes the draft; the page follows it without a reload.
    db.session.expire_all()
    assert work_through_builds() == "1 draft PDF made, 0 failed"
    expect(status).to_contain_text(f"The draft PDF of the {LAST.label} report is ready.")
    expect(status).to_contain_text("The report's figures and words have not changed since.")
    expect(page.get_by_role("link", name="Check again")).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download draft PDF").click()
    assert download.value.suggested_filename == f"draft-victims-code-update-{LAST.slug}.pdf"
    saved = tmp_path / "draft.pdf"
    download.value.save_as(saved)
    cover = " ".join(PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text().split())
    assert f"Draft as at {long_date(local_today())}: not yet approved" in cover
    assert errors == [], "no script or Content Security Policy errors"
