"""The web dry run says how it read department and owner values written the way staff write them."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import says, sign_in
from tests.browser.test_spreadsheet_import import _axe_violations
from tests.integration.test_spreadsheet_name_choices import _plan_as_it_arrives
from tests.integration.test_spreadsheet_names import _messy_workbook


def test_the_dry_run_page_shows_each_value_read_by_a_rule(page, make, tmp_path):
    admin = make.user("admin")
    for name in ("Contact Management", "Criminal Justice Unit", "Victim Care Unit"):
        make.department(name)
    make.user("lead", name="Jordan Blake")
    make.user("lead", name="Maya Carver")
    make.user("lead", name="Maya Singh")
    upload = tmp_path / "plan.xlsx"
    upload.write_bytes(_messy_workbook())
    sign_in(page, admin)
    page.goto("/imports/new")
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check columns").click()
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+/names$"), timeout=30_000)
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+$"), timeout=30_000)

    notes = page.locator("td ul.govuk-list li").all_inner_texts()
    assert "Department “CJU” read as Criminal Justice Unit" in notes
    assert "Owner “J. Blake” read as Jordan Blake" in notes
    assert "Department “Victim Care” read as Victim Care Unit" not in notes  # row 6 is refused for its owner
    refused = page.get_by_role("table").first.inner_text()
    assert (
        "No user is called Maya. Add them on the Users page, or give their email address. Did you mean Maya Carver or Maya Singh?"
        in refused
    )


def test_the_admin_chooses_what_each_unmatched_name_is_and_imports(page, make, tmp_path):
    admin = make.user("admin")
    contact = make.department("Contact Management")
    justice = make.department("Criminal Justice Unit")
    make.department("Victim Care Unit")
    make.department("Victim Care Team")
    make.user("lead", name="Jordan Blake", department=contact)
    make.user("chair", name="Maya Carver")
    singh = make.user("lead", name="Maya Singh", department=justice)
    upload = tmp_path / "plan.xlsx"
    upload.write_bytes(_plan_as_it_arrives())
    sign_in(page, admin)
    page.goto("/imports/new")
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check columns").click()
    page.screenshot(path="/tmp/exchange-columns.png", full_page=True)
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+/names$"), timeout=30_000)
    expect(page).to_have_title("Check the names - Victims Code Action Tracker")
    assert _axe_violations(page) == []
    page.screenshot(path="/tmp/exchange-names.png", full_page=True)

    page.get_by_label("Department ‘Victim Care’").select_option(label="Victim Care Unit")
    page.get_by_label("Department ‘Estates’").select_option(label="Add a new department called ‘Estates’")
    page.get_by_label("Owner ‘maya’").select_option(label=f"Maya Singh ({singh.email})")
    page.get_by_label("Department for the rows with no department").select_option(label="Contact Management")
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+$"), timeout=30_000)
    rejected = page.get_by_role("table").first.locator("tbody tr").all_inner_texts()
    assert [re.sub(r"\s+", " ", row).strip() for row in rejected] == [
        "VV-306, row 10 Review the complaints leaflet No user is called Pat Nobody. Add them on the Users page,"
        " or give their email address"
    ]
    assert _axe_violations(page) == []
    page.screenshot(path="/tmp/exchange-dry-run.png", full_page=True)
    page.get_by_role("link", name="Change the names").click()
    expect(page.get_by_label("Department ‘Estates’")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+$"), timeout=30_000)
    page.get_by_role("button", name="Import 6 actions").click()
    says(page, "Import complete: 6 actions created and 0 updated.")
    page.screenshot(path="/tmp/exchange-imported.png", full_page=True)
