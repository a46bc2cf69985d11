"""The Excel export's Recommendations sheet, read back with openpyxl as a person (or the import) would."""

import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from tests.visible import texts
from tracker.spreadsheets.exporter import RECOMMENDATION_COLUMNS


def _plan(make, db):
    lead = make.user("lead", name="Jordan Blake", email="jordan.blake@example.org")
    first = make.action(owner=lead, reference="VV-001")
    second = make.action(owner=lead, reference="VV-002")
    published = date(2026, 10, 1)
    peel = make.source(title="PEEL 2027", published_on=published, responded_on=date(2026, 11, 20))
    answered = make.recommendation(
        source=peel,
        reference="Recommendation 1",
        text="=The force should tell victims of their rights.",
        lead=lead,
        actions=[first, second],
        status="being_progressed",
        status_reason="Letters are being rewritten.",
    )
    answered.rights = [make.right(3), make.right(1)]
    make.recommendation(source=peel, reference="AFI 1", lead=lead, addressed_to="both")
    audit = make.source(
        title="Audit of victim contact", body="internal_audit", published_on=date(2026, 11, 1), response_days=None
    )
    make.recommendation(source=audit, reference="Finding 1", lead=lead, actions=[second], addressed_to="pcc")
    db.session.commit()
    return peel


def test_the_export_has_a_recommendations_sheet_with_its_links(client, auth, make, db):
    _plan(make, db)
    auth.sign_in("viewer")
    response = client.get("/exports/actions.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Recommendations"]
    assert [cell.value for cell in sheet[1]] == [heading for heading, _ in RECOMMENDATION_COLUMNS]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O4"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (
            "Audit of victim contact",
            "Internal audit",
            datetime(2026, 11, 1),
            None,
            None,
            "Finding 1",
            "The force should tell victims how their case is going at least every 28 days.",
            "The PCC",
            "Jordan Blake",
            "jordan.blake@example.org",
            "Awaiting review",
            None,
            "VV-002",
            None,
            None,
        ),
        (
            "PEEL 2027",
            "HMICFRS",
            datetime(2026, 10, 1),
            datetime(2026, 10, 1) + timedelta(days=56),
            datetime(2026, 11, 20),
            "Recommendation 1",
            "=The force should tell victims of their rights.",
            "The force",
            "Jordan Blake",
            "jordan.blake@example.org",
            "Being progressed",
            "Letters are being rewritten.",
            "VV-001, VV-002",
            "1, 3",
            None,
        ),
        (
            "PEEL 2027",
            "HMICFRS",
            datetime(2026, 10, 1),
            datetime(2026, 10, 1) + timedelta(days=56),
            datetime(2026, 11, 20),
            "AFI 1",
            "The force should tell victims how their case is going at least every 28 days.",
            "The force and the PCC",
            "Jordan Blake",
            "jordan.blake@example.org",
            "Awaiting review",
            None,
            None,
            None,
            None,
        ),
    ]
    # Text starting with "=" is stored as text, never as a formula.
    assert sheet["G3"].data_type == "s"
    assert sheet["C2"].number_format == "dd/mm/yyyy"


def test_the_exported_sheet_can_be_added_to_another_report_through_the_import(client, auth, make, db):
    _plan(make, db)
    auth.sign_in("chair")
    exported = client.get("/exports/actions.xlsx").data
    other = make.source(title="Joint inspection 2027")
    lead = make.user("lead", name="Priya Shah")
    db.session.commit()
    page = client.post(
        f"/recommendations/sources/{other.id}/import",
        data={"spreadsheet": (io.BytesIO(exported), "export.xlsx"), "lead_id": str(lead.id)},
        content_type="multipart/form-data",
    ).text
    assert texts(page, "main p.govuk-body")[:2] == [
        "Read from the sheet ‘Recommendations’ of export.xlsx. Nothing has been added yet.",
        "These columns are not read: Report or review, Made by, Published, Response due, Response published, "
        "Lead, Lead email, Status, Reason for the status, Actions, Code rights, Priorities. "
        "Only the reference, the text and whom it is addressed to are read.",
    ]
    assert texts(page, "#accepted + .app-table-wrapper tbody tr")[0] == (
        "2 Finding 1 The PCC The force should tell victims how their case is going at least every 28 days."
    )
