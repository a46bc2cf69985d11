"""The admin reads, once each, the departments and owners an import cannot match, and the tracker remembers."""

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.visible import banner, error_messages, texts, visible_text
from tests.workbooks import workbook_bytes
from tracker.auth.models import Department
from tracker.plan.models import Action
from tracker.spreadsheets.models import ImportBatch


def _plan_as_it_arrives():
    """Title rows above the headings, partial and abbreviated departments, owners in odd case, mixed dates and RAGs."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet["A1"] = "Victims Code improvement plan 2026-27"
    sheet["A2"] = "OFFICIAL"
    sheet.append([])
    sheet.append(["Ref", "Action", "Lead", "Dept", "Deadline", "RAG"])
    rows = [
        ["VV-301", "Rewrite the first letter", "jordan  BLAKE", "contact mgmt", date(2027, 3, 31), "G"],  # 5
        ["VV-302", "Train the call handlers", "J. Blake", "CJU", "31/03/2027", "amber"],  # 6
        ["VV-303", "Publish the leaflet", "MAYA SINGH", "Victim Care", "31 March 2027", "R"],  # 7
        ["VV-304", "Audit the referrals", "maya", "Estates", "1 Apr 2027", "Green"],  # 8
        ["VV-305", "Check the web page", "maya carver", None, "30/4/27", "a"],  # 9
        ["VV-306", "Review the complaints leaflet", "Pat Nobody", "Contact", "31.05.2027", "G"],  # 10
        [None, "Map the victim's journey", "Jordan Blake", "Victim Care", "15 Jun 2027", "Red"],  # 11
    ]
    for row in rows:
        sheet.append(row)
    return workbook_bytes(book)


@pytest.fixture()
def tracker(make):
    contact = make.department("Contact Management")
    justice = make.department("Criminal Justice Unit")
    make.department("Victim Care Unit")
    make.department("Victim Care Team")
    return {
        "jordan": make.user("lead", name="Jordan Blake", department=contact),
        # A chair belongs to no department: a row they own needs one given.
        "carver": make.user("chair", name="Maya Carver"),
        "singh": make.user("lead", name="Maya Singh", department=justice),
    }


def _upload(client, data, filename):
    response = client.post(
        "/imports/new", data={"spreadsheet": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def _selected(html):
    """{select name: chosen value} as the page would send it."""
    chosen = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        found = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        chosen[name] = found.group(1) if found else ""
    return chosen


def _check_columns(client, location):
    columns = client.get(location)
    return client.post(columns.request.path, data=_selected(columns.get_data(as_text=True)))


def test_the_admin_maps_each_unmatched_name_once_and_the_rows_import(client, auth, tracker, db):
    auth.sign_in("admin")
    columns = client.get(_upload(client, _plan_as_it_arrives(), "plan.xlsx"))
    html = columns.get_data(as_text=True)
    assert visible_text(html, "main p.govuk-body") == (
        "We found the column headings on row 4 of the sheet ‘Plan’, with 7 rows under them."
    )
    assert _selected(html) == {
        "column_0": "reference",
        "column_1": "title",
        "column_2": "owner",
        "column_3": "department",
        "column_4": "original_due_date",
        "column_5": "rag",
    }

    checked = client.post(columns.request.path, data=_selected(html))
    batch_id = int(re.search(r"/imports/(\d+)", checked.location).group(1))
    assert checked.location.endswith(f"/imports/{batch_id}/names")
    names = client.get(checked.location).get_data(as_text=True)
    jordan, carver, singh = (tracker[key] for key in ("jordan", "carver", "singh"))
    assert texts(names, "main h1, main h2") == ["Check the names", "Departments", "Owners", "Rows with no department"]
    assert texts(names, "main form > p.govuk-body, main .govuk-grid-column-two-thirds > p.govuk-body")[:2] == [
        "Choose what each of these means. Your choice applies to every row that has it.",
        "We remember your choices for the next file with the same column headings.",
    ]
    assert texts(names, ".govuk-form-group .govuk-label") == [
        "Department ‘Victim Care’",
        "Department ‘Estates’",
        "Owner ‘maya’",
        "Owner ‘Pat Nobody’",
        "Department for the rows with no department",
    ]
    assert texts(names, ".govuk-form-group .govuk-hint") == [
        "Rows 7 and 11. Best guesses: Victim Care Team or Victim Care Unit.",
        "Row 8.",
        f"Row 8. Best guesses: Maya Carver ({carver.email}) or Maya Singh ({singh.email}).",
        "Row 10.",
        "Row 9.",
    ]
    victim_care = texts(names, "#name_0 option")
    assert victim_care[:3] == ["Leave these rows out", "Victim Care Team", "Victim Care Unit"]
    assert victim_care[-1] == "Add a new department called ‘Victim Care’"
    assert texts(names, "#name_2 option")[:3] == [
        "Leave these rows out",
        f"Maya Carver ({carver.email})",
        f"Maya Singh ({singh.email})",
    ]
    assert set(_selected(names).values()) == {""}, "nothing is chosen for the admin"

    answers = {
        "name_0": _department_id(db, "Victim Care Unit"),
        "name_1": "+new",
        "name_2": str(singh.id),
        "name_3": "",
        "name_4": _department_id(db, "Contact Management"),
    }
    dry_run = client.post(checked.location, data=answers)
    assert dry_run.location.endswith(f"/imports/{batch_id}")
    page = client.get(dry_run.location).get_data(as_text=True)
    assert db.session.scalar(select(Department.name).where(Department.name == "Estates")) == "Estates"
    assert visible_text(page, ".app-import-counts") == "To create 6 To update 0 Unchanged 0 Cannot be imported 1"
    assert texts(page, ".govuk-inset-text p") == [
        "1 department or owner in the file matches no one in the tracker, or more than one.",
        "Choose what it is",
    ]
    assert texts(page, "#rejected + .app-table-wrapper tbody tr") == [
        "VV-306, row 10 Review the complaints leaflet No user is called Pat Nobody. Add them on the Users page, "
        "or give their email address"
    ]
    assert texts(page, "#created + .app-table-wrapper tbody tr") == [
        "5 VV-301 Rewrite the first letter Owner “jordan BLAKE” read as Jordan Blake "
        "Department “contact mgmt” read as Contact Management",
        "6 VV-302 Train the call handlers Owner “J. Blake” read as Jordan Blake "
        "Department “CJU” read as Criminal Justice Unit",
        "7 VV-303 Publish the leaflet Owner “MAYA SINGH” read as Maya Singh "
        "Department “Victim Care” read as Victim Care Unit",
        "8 VV-304 Audit the referrals Owner “maya” read as Maya Singh",
        "9 VV-305 Check the web page Owner “maya carver” read as Maya Carver "
        "No department given: Contact Management, as chosen for such rows",
        "11 VV-307 Map the victim's journey Department “Victim Care” read as Victim Care Unit",
    ]

    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]+)"', page).group(1)
    done = client.post(f"/imports/{batch_id}/confirm", data={"digest": digest}, follow_redirects=True)
    assert banner(done.get_data(as_text=True)) == "Import complete: 6 actions created and 0 updated."
    created = db.session.scalars(select(Action).order_by(Action.reference)).all()
    assert [(a.reference, a.owner.name, a.department.name, a.original_due_date, a.declared_rag) for a in created] == [
        ("VV-301", "Jordan Blake", "Contact Management", date(2027, 3, 31), "green"),
        ("VV-302", "Jordan Blake", "Criminal Justice Unit", date(2027, 3, 31), "amber"),
        ("VV-303", "Maya Singh", "Victim Care Unit", date(2027, 3, 31), "red"),
        ("VV-304", "Maya Singh", "Estates", date(2027, 4, 1), "green"),
        ("VV-305", "Maya Carver", "Contact Management", date(2027, 4, 30), "amber"),
        ("VV-307", "Jordan Blake", "Victim Care Unit", date(2027, 6, 15), "red"),
    ]


def test_the_next_file_with_the_same_headings_has_the_choices_filled_in(client, auth, tracker, db):
    auth.sign_in("admin")
    first = _check_columns(client, _upload(client, _plan_as_it_arrives(), "plan.xlsx")).location
    answers = {
        "name_0": _department_id(db, "Victim Care Unit"),
        "name_1": "+new",
        "name_2": str(tracker["singh"].id),
        "name_3": "",
        "name_4": _department_id(db, "Contact Management"),
    }
    client.post(first, data=answers)
    earlier = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id)).first()

    again = _check_columns(client, _upload(client, _plan_as_it_arrives(), "plan (2).xlsx"))
    assert again.location.endswith("/names")
    names = client.get(again.location).get_data(as_text=True)
    assert visible_text(names, ".govuk-inset-text") == (
        f"Choices from ‘plan.xlsx’, uploaded on {_when(earlier.created_at)}, which has the same column headings, "
        "are filled in."
    )
    assert _selected(names) == answers | {"name_1": _department_id(db, "Estates")}
    assert visible_text(names, "#name_1 option[selected]") == "Estates"


def _department_id(db, name):
    return str(db.session.scalar(select(Department.id).where(Department.name == name)))


def _when(moment):
    from tracker.common.dates import date_time

    return date_time(moment)


def test_a_choice_not_in_the_list_is_refused_and_keeps_the_others(client, auth, tracker, db):
    auth.sign_in("admin")
    names = _check_columns(client, _upload(client, _plan_as_it_arrives(), "plan.xlsx")).location
    chosen = _department_id(db, "Victim Care Unit")
    refused = client.post(names, data={"name_0": chosen, "name_1": "Nowhere"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert error_messages(html) == ["Choose one of the options in the list"]
    assert _selected(html)["name_0"] == chosen
    assert db.session.scalar(select(Department).where(Department.name == "Nowhere")) is None
