"""The web dry run says how it read department and owner values written the way staff write them."""

import re

from tests.browser.conftest import sign_in
from tests.integration.test_exchange_names import _messy_workbook


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
