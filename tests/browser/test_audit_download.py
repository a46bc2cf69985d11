"""An administrator searches the audit log and downloads the same search as a CSV file."""

import csv

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tracker.plan import services


def test_the_searched_log_downloads_as_readable_csv(page, make, db):
    action = make.action(title="Rewrite the letter")
    services.cancel_action(action, "=No longer needed", make.user("chair", name="Kim Chair"))
    db.session.commit()
    sign_in(page, make.user("admin", name="Alex Admin"))
    page.goto("/admin/audit")
    page.get_by_label("Action reference").fill(action.reference)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody .app-audit-kind")).to_have_text(["Action cancelled"])
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this event as a CSV file").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert [(row[2], row[5], row[9], row[11], row[12], row[14]) for row in rows[1:]] == [
        ("Kim Chair", "Action cancelled", "Status", "In progress", "Cancelled", "cancelled"),
        (
            "Kim Chair",
            "Action cancelled",
            "Reason for cancelling",
            "Not set",
            "'=No longer needed",
            "'=No longer needed",
        ),
    ]
