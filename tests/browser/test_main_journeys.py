"""The three main journeys end to end in Chromium, with the e-mail between them sent to a real SMTP
server (aiosmtpd) and read back from what it received:

- the chair builds and assigns a plan, and each owner is told by e-mail;
- a department lead keeps their actions up to date from the links in their weekly digest;
- the analyst (an administrator) previews and builds the quarterly report, the chair publishes it
  and the subgroup receives the PDF.

The scheduler does not run in tests, so each test runs the scheduled jobs (weekly digests, the
outbox) itself, as the scheduler would.
"""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from tests.browser.conftest import fill_date, says, sign_in, sign_out
from tests.factories import PASSWORD
from tests.integration.notify.conftest import SmtpServer, body_of, free_port
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.notify.scheduler import collect_jobs, run_job
from tracker.reports.models import Report

LONDON = ZoneInfo("Europe/London")


@pytest.fixture()
def mailbox(app, live_server, monkeypatch):
    """A real SMTP server the app delivers to, with e-mail links pointing at the browser's server."""
    port = free_port()
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_TIMEOUT_SECONDS": 5,
        "MAIL_FROM": "tracker@opcc.example.org",
        "BASE_URL": live_server,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    server = SmtpServer(port).start()
    yield server.mailbox
    server.stop()


def run_scheduled(db, job_id, now=None):
    """Run one of the scheduler's jobs now (in London time), reading what the browser wrote."""
    db.session.expire_all()
    job = next(job for job in collect_jobs() if job["id"] == job_id)
    return run_job(job, now or datetime.now(LONDON))


def deliver_outbox(db, now=None):
    return run_scheduled(db, "notify.outbox", now)


def mail_to(mailbox, address):
    return [message for message in mailbox.messages if message["To"] == address]


def sign_in_from_link(page, link, user):
    """Follow a link from an e-mail while signed out: sign in, and arrive where the link points."""
    page.goto(link)
    expect(page).to_have_title("Sign in - Victims Code Action Tracker")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(link)


def add_action(page, title, owner, right, due):
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Owner").select_option(label=owner)
    fill_date(page, "start_date", local_today())
    fill_date(page, "original_due_date", due)
    page.get_by_label(right).check()
    page.get_by_label("Priority 2: Victims' Code compliance").check()
    page.get_by_label("MoJ compliance self-assessment").check()
    page.get_by_role("button", name="Add action").click()


def test_chair_builds_and_assigns_a_plan_and_each_owner_is_told(page, live_server, make, db, mailbox):
    chair = make.user("chair", name="Casey Chair")
    jordan = make.user("lead", name="Jordan Blake", department=make.department("Contact Management"))
    maya = make.user("lead", name="Maya Carver", department=make.department("Public Protection"))
    today = local_today()

    sign_in(page, chair)
    page.get_by_role("link", name="Actions", exact=True).click()
    add_action(
        page,
        "Revise the written acknowledgement letter",
        "Jordan Blake (Contact Management)",
        "Right 3: To be provided with information when reporting the crime",
        today + timedelta(days=120),
    )
    says(page, "VV-001 has been added and Jordan Blake has been told it is theirs.")
    page.get_by_role("link", name="Actions", exact=True).click()
    add_action(
        page,
        "Publish clear information on compensation",
        "Jordan Blake (Contact Management)",
        "Right 5: To be provided with information about compensation",
        today + timedelta(days=200),
    )
    says(page, "VV-002 has been added and Jordan Blake has been told it is theirs.")

    # The second action belongs with Public Protection: the chair gives it to Maya instead.
    page.get_by_role("link", name="Change details").click()
    page.get_by_label("Owner").select_option(label="Maya Carver (Public Protection)")
    page.get_by_role("button", name="Save changes").click()
    says(page, "Your changes have been saved.")

    page.get_by_role("link", name="Actions", exact=True).click()
    rows = page.locator("table.app-action-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Revise the written acknowledgement letter")).to_contain_text("Jordan Blake")
    expect(rows.filter(has_text="Publish clear information on compensation")).to_contain_text("Maya Carver")
    page.goto("/")
    expect(page.locator('[data-brag="green"] .app-count-card__number')).to_have_text("2")

    assert "Sent 3" in deliver_outbox(db)
    assert sorted((m["To"], m["Subject"]) for m in mailbox.messages) == sorted(
        [
            (jordan.email, "VV-001 has been assigned to you"),
            (jordan.email, "VV-002 has been assigned to you"),
            (maya.email, "VV-002 has been reassigned to you"),
        ]
    )
    [told] = mail_to(mailbox, maya.email)
    link = f"{live_server}/actions/VV-002"
    assert link in body_of(told, "plain")

    # Maya follows the link in her e-mail and finds the action is hers to update.
    sign_out(page)
    sign_in_from_link(page, link, maya)
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish clear information on compensation")
    expect(page.get_by_role("link", name="Post an update")).to_be_visible()


def test_lead_keeps_their_actions_up_to_date_from_the_weekly_digest(page, live_server, make, db, mailbox):
    today = local_today()
    lead = make.user("lead", name="Jordan Blake")
    long_ago = datetime.now(UTC) - timedelta(days=45)
    make.action(
        owner=lead,
        reference="VV-001",
        title="Revise the witness care letter",
        start=today - timedelta(days=90),
        due=today - timedelta(days=3),
        created_at=long_ago,
        last_update_at=long_ago,
    )
    make.action(
        owner=lead,
        reference="VV-002",
        title="Map the witness care journey",
        start=today - timedelta(days=90),
        due=today + timedelta(days=150),
        created_at=long_ago,
        last_update_at=long_ago,
    )
    make.action(
        owner=lead,
        reference="VV-003",
        title="Fresh and on track",
        due=today + timedelta(days=150),
        last_update_at=datetime.now(UTC) - timedelta(days=2),
    )

    assert run_scheduled(db, "notify.weekly_reminders").startswith("1 weekly digest,")
    assert "Sent 1" in deliver_outbox(db)
    [digest] = mail_to(mailbox, lead.email)
    assert digest["Subject"] == "Your actions this week: 1 overdue, 1 without a recent update"
    text = body_of(digest, "plain")
    links = re.findall(re.escape(live_server) + r"/actions/VV-\d+", text)
    assert links == [f"{live_server}/actions/VV-001", f"{live_server}/actions/VV-002"], text
    assert "VV-003" not in text

    # The overdue action: the lead follows its link, signs in, reports progress and asks for more time.
    sign_in_from_link(page, links[0], lead)
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise the witness care letter")
    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("What has happened since the last update?").fill("Draft letter agreed with witness care.")
    page.get_by_label("In progress").check()
    page.get_by_role("textbox", name="Progress").fill("70")
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Post update").click()
    says(page, "Your update has been posted.")
    page.get_by_role("link", name="Ask for more time").click()
    fill_date(page, "new_due_date", today + timedelta(days=45))
    page.get_by_label("Why do you need more time?").fill("Waiting for the printing contract to be renewed.")
    page.get_by_role("button", name="Ask for more time").click()
    says(page, "Your request has been sent to the chair.")

    # The stale action: straight from the second link in the same e-mail.
    page.goto(links[1])
    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("What has happened since the last update?").fill("Journey mapped with the victims' forum.")
    page.get_by_label("In progress").check()
    page.get_by_role("textbox", name="Progress").fill("40")
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Post update").click()
    says(page, "Your update has been posted.")
    expect(page.locator(".app-timeline")).to_contain_text("Journey mapped with the victims' forum.")

    # Next week's digest no longer nags about the action that was brought up to date.
    next_week = datetime.now(LONDON) + timedelta(days=7)
    run_scheduled(db, "notify.weekly_reminders", next_week)
    deliver_outbox(db, next_week)
    [_, following] = mail_to(mailbox, lead.email)
    assert following["Subject"] == "Your actions this week: 1 overdue"
    assert "VV-002" not in body_of(following, "plain")


def test_analyst_previews_chair_publishes_and_subgroup_receives_the_report(page, live_server, make, db, mailbox):
    last = quarter_of(local_today()).previous()
    analyst = make.user("admin", name="Alex Analyst")
    chair = make.user("chair", name="Casey Chair")
    make.action(
        reference="VV-001",
        title="Revise the acknowledgement letter",
        due=last.start + timedelta(days=20),
        start=last.start,
        created_at=datetime.combine(last.start, datetime.min.time(), tzinfo=UTC),
    )

    # The analyst puts the subgroup on the distribution list, previews the report and builds it.
    sign_in(page, analyst)
    page.goto("/reports/distribution")
    for name, email, organisation in [
        ("Priya Shah", "priya.shah@lcjb.example.org", "LCJB"),
        ("Tom Hale", "tom.hale@cps.example.org", "CPS"),
    ]:
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Organisation (optional)").fill(organisation)
        page.get_by_role("button", name="Add to the list").click()
        says(page, f"{name} will receive published reports.")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("Quarter").select_option(label=last.label)
    page.get_by_role("button", name="Preview the report").click()
    expect(page).to_have_title(f"Draft report for {last.label} - Victims Code Action Tracker")
    expect(page.get_by_role("heading", name="Exceptions: Red and overdue actions")).to_be_visible()
    expect(page.get_by_role("img", name="Actions by Victims' Code right and BRAG rating")).to_be_visible()
    page.get_by_role("button", name="Build the report for approval").click()
    status = page.locator("[data-build-status]")
    expect(status).to_contain_text("Waiting to start.")
    # The scheduler's job builds it; the page follows without being reloaded.
    assert run_scheduled(db, "reports.builds") == "1 report built, 0 failed"
    expect(status).to_contain_text(f"The {last.label} report is built.")
    page.get_by_role("link", name=f"Check the {last.label} report").click()
    expect(page.locator(".govuk-tag").filter(has_text="Awaiting approval")).to_be_visible()
    sign_out(page)

    # The chair is told by e-mail that the report awaits them, follows the link and publishes it.
    assert "Sent 1" in deliver_outbox(db)
    [told] = mailbox.messages
    assert told["To"] == chair.email
    assert told["Subject"] == f"The {last.label} report is ready for you to check and publish"
    link = f"{live_server}/reports/{last.slug}"
    assert link in body_of(told, "plain")
    sign_in_from_link(page, link, chair)
    expect(page.get_by_role("heading", level=1)).to_contain_text(last.label)
    page.get_by_role("link", name="Publish and send").click()
    expect(page.get_by_text("Priya Shah")).to_be_visible()
    page.get_by_role("button", name="Publish and send").click()
    status = page.locator("[data-build-status]")
    expect(status).to_contain_text("Waiting to start.")
    assert run_scheduled(db, "reports.builds") == "1 report published, 0 failed"
    expect(status).to_contain_text(f"The {last.label} report is published. It is on its way to 2 people.")

    # The subgroup receives it: a real SMTP server, the PDF attached and readable.
    assert "Sent 2" in deliver_outbox(db)
    report = db.session.scalar(select(Report))
    delivered = {message["To"]: message for message in mailbox.messages[1:]}
    assert set(delivered) == {"priya.shah@lcjb.example.org", "tom.hale@cps.example.org"}
    for message in delivered.values():
        assert message["Subject"] == f"Victims' Code improvement plan: update for {last.label}"
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"victims-code-update-{last.slug}.pdf"
        assert attachment.get_content() == report.pdf
        text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(attachment.get_content())).pages)
        assert last.label in text and "Revise the acknowledgement letter" in text
    assert "Dear Priya Shah," in body_of(delivered["priya.shah@lcjb.example.org"], "plain")
