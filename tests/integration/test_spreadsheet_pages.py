"""The import pages as an admin uses them, refusals of bad files, and the download links."""

import html
import io
import re
from datetime import date

import msoffcrypto.format.ooxml
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.visible import banners, visible_text
from tests.workbooks import messy_plan, workbook_bytes
from tracker.auth.models import User
from tracker.plan.models import Action
from tracker.spreadsheets.models import ImportBatch


@pytest.fixture()
def people(make):
    home = make.department("Contact Management")
    return {
        "owner": make.user("lead", name="Jordan Blake", department=home),
        "other": make.user("lead", name="Maya Carver", department=make.department("Witness Care")),
    }


def _upload(client, data, filename="plan.xlsx"):
    return client.post(
        "/imports/new",
        data={"spreadsheet": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _text(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _columns_form(page):
    """The select values the columns page would submit as it stands."""
    html = page.get_data(as_text=True)
    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="(column_\d+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        chosen[name] = selected.group(1) if selected else ""
    return chosen


def test_admin_imports_a_messy_plan_through_the_pages(client, auth, people, make, db):
    make.action(
        reference="VV-001",
        title="Map every contact touchpoint",
        owner=people["owner"],
        due=date(2026, 8, 31),
        start=date(2026, 1, 5),
    )
    auth.sign_in("admin")
    response = _upload(client, messy_plan(people["owner"], people["other"]))
    assert response.status_code == 302
    columns = client.get(response.location)
    text = _text(columns)
    assert "We found the column headings on row 4 of the sheet ‘Plan 2026-27’, with 9 rows under them" in text
    assert "Hidden in the workbook" in text
    form = _columns_form(columns)
    assert form["column_2"] == "owner" and form["column_7"] == ""
    checked = client.post(columns.request.path, data=form)
    assert checked.status_code == 302
    batch_id = int(re.search(r"/imports/(\d+)", checked.location).group(1))
    assert checked.location.endswith(f"/imports/{batch_id}/names"), "Pat Nobody matches no one: the admin is asked"
    names = client.get(checked.location)
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    assert visible_text(names.get_data(as_text=True), "form .govuk-form-group") == (
        f"Owner ‘Pat Nobody’ Row 10. Leave these rows out Jordan Blake ({people['owner'].email}) "
        f"Maya Carver ({people['other'].email}) {admin.name} ({admin.email})"
    )
    checked = client.post(checked.location, data={"name_0": ""})
    assert checked.location.endswith(f"/imports/{batch_id}")
    page = client.get(checked.location)
    text = _text(page)
    assert "Check the import - Victims Code Action Tracker" in text
    assert "To create 3 To update 1 Unchanged 0 Cannot be imported 5" in text
    assert "No user is called Pat Nobody" in text and "'TBC' is not a date" in text
    assert "Import 4 actions" in text
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(f"/imports/{batch_id}/confirm", data={"digest": digest}, follow_redirects=True)
    assert banners(done.get_data(as_text=True))[:1] == ["Import complete: 3 actions created and 1 updated."]
    assert db.session.scalar(select(func.count()).select_from(Action)) == 4
    again = client.post(f"/imports/{batch_id}/confirm", data={"digest": digest}, follow_redirects=True)
    assert "already been written" in _text(again)
    assert db.session.scalar(select(func.count()).select_from(Action)) == 4
    progress = client.get(f"/imports/{batch_id}/progress").get_json()
    assert progress == {"state": "imported", "processed": 9, "total": 9}


def test_admin_corrects_the_mapping_on_screen(client, auth, people, make, db):
    make.action(
        reference="VV-001",
        title="Map every contact touchpoint",
        owner=people["owner"],
        due=date(2026, 8, 31),
        start=date(2026, 1, 5),
    )
    auth.sign_in("admin")
    columns = client.get(_upload(client, messy_plan(people["owner"], people["other"])).location)
    form = _columns_form(columns)
    form["column_1"] = ""
    refused = client.post(columns.request.path, data=form)
    assert refused.status_code == 400
    assert "Error: Check the columns" in _text(refused)
    assert 'href="#column_0"' in refused.get_data(as_text=True)
    assert "Choose the column that holds the action title" in _text(refused)
    form["column_1"] = "title"
    form["column_7"] = "current_due_date"
    checked = client.post(columns.request.path, data=form).location
    page = client.get(checked.removesuffix("/names"))
    assert "Current due date: " in _text(page) and "to 31 July 2026" in _text(page)


def _refusal(client, data, filename="plan.xlsx"):
    response = _upload(client, data, filename)
    assert response.status_code == 400
    return _text(response)


def test_bad_files_are_refused_with_a_clear_message(client, auth, db):
    auth.sign_in("admin")
    assert "The selected file is a PDF file, not a spreadsheet" in _refusal(
        client, b"%PDF-1.7\n% a report\n", "plan.pdf"
    )
    plain = Workbook()
    plain.active.append(["Action", "Owner", "Due date"])
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(workbook_bytes(plain))).encrypt("secret", encrypted)
    assert "The workbook is protected with a password" in _refusal(client, encrypted.getvalue())
    assert "The sheet 'Sheet' is empty" in _refusal(client, workbook_bytes(Workbook()))
    assert "The selected file is empty" in _refusal(client, b"", "plan.csv")
    large = b"Action,Owner,Due date\n" + b"x" * (50 * 1024 * 1024)
    text = _refusal(client, large, "plan.csv")
    assert "The selected file is 50 MB. It must be smaller than 10 MB" in text
    assert "Error: Upload a spreadsheet" in text and 'href="#spreadsheet"' in _upload(client, large, "p.csv").get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_file_with_no_headings_is_refused(client, auth, db):
    auth.sign_in("admin")
    text = _refusal(client, b"one,two,three\n1,2,3\n", "plan.csv")
    assert "No header row was found" in text


def test_nothing_chosen_asks_for_a_file(client, auth, db):
    auth.sign_in("admin")
    response = client.post("/imports/new", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Select a spreadsheet to import" in _text(response)


def test_download_links_give_the_filtered_list(client, auth, make, db):
    lead = make.user("lead")
    make.action(owner=lead, status="blocked", title="Blocked action")
    make.action(owner=lead, status="in_progress", title="Moving action")
    auth.sign_in("viewer")
    response = client.get("/exports/actions.xlsx?status=blocked")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=victims-code-actions-")
    book = load_workbook(io.BytesIO(response.data))
    assert [row[1] for row in book["Actions"].iter_rows(min_row=2, values_only=True)] == ["Blocked action"]
    csv_text = client.get("/exports/actions.csv?q=Moving").get_data(as_text=True)
    assert "Moving action" in csv_text and "Blocked action" not in csv_text
    template = client.get("/imports/template.xlsx")
    assert load_workbook(io.BytesIO(template.data)).sheetnames == ["Instructions", "Actions"]


def test_download_links_snippet_keeps_the_filters(app, db):
    from flask import render_template_string

    with app.test_request_context("/actions?status=blocked&status=in_progress&q=letter&page=3"):
        html = render_template_string('{% include "spreadsheets/_download_links.html" %}')
    assert "/exports/actions.xlsx?status=blocked&amp;status=in_progress&amp;q=letter" in html
    assert "page=3" not in html


def test_action_list_offers_its_filtered_list_as_downloads(client, auth, make, db):
    make.action(status="blocked", title="Blocked action")
    auth.sign_in("viewer")
    html = client.get("/actions?status=blocked&page=1").get_data(as_text=True)
    assert 'href="/exports/actions.xlsx?status=blocked"' in html
    assert 'href="/exports/actions.csv?status=blocked"' in html
