"""Adding a report's recommendations from rows pasted from a table, or an uploaded workbook: the dry run, then the confirmation."""

import io

from openpyxl import Workbook
from sqlalchemy import select

from tests.visible import banners, error_messages, texts, visible_text
from tests.workbooks import workbook_bytes
from tracker.audit.models import AuditEvent
from tracker.recommendations.models import Recommendation

PASTED = (
    "Reference\tRecommendation\tAddressed to\n"
    "Recommendation 1\tThe force should tell victims of their rights when they report.\tForce\n"
    'Recommendation 2\t"The PCC should commission an ISVA service.\nIt should cover the whole county."\tThe PCC\n'
    "AFI 1\tThe force and the PCC should share victims' feedback.\tboth\n"
)


def _confirm_fields(html):
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").select_one("form[action$='/import/confirm']")
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def _check(client, source, lead, rows=None, upload=None):
    data = {"rows": rows or "", "lead_id": str(lead.id)}
    if upload is not None:
        data["spreadsheet"] = upload
    return client.post(f"/recommendations/sources/{source.id}/import", data=data, content_type="multipart/form-data")


def test_pasted_rows_are_checked_then_added_on_confirmation_each_audited(client, auth, make, db):
    source = make.source(title="PEEL 2027: victim service assessment")
    lead = make.user("lead", name="Jordan Blake")
    chair = auth.sign_in("chair", name="Sam Okafor")
    checked = _check(client, source, lead, PASTED)
    assert checked.status_code == 200
    page = checked.text
    assert visible_text(page, "main h1") == "Check the recommendations"
    assert visible_text(page, ".app-import-counts") == "To add 3 Cannot be added 0"
    assert texts(page, "#accepted + .app-table-wrapper tbody tr") == [
        "2 Recommendation 1 The force The force should tell victims of their rights when they report.",
        "3 Recommendation 2 The PCC The PCC should commission an ISVA service. It should cover the whole county.",
        "4 AFI 1 The force and the PCC The force and the PCC should share victims' feedback.",
    ]
    assert texts(page, "main form p.govuk-body") == [
        "All 3 recommendations are added together, or none are, each awaiting review and led by Jordan Blake."
    ]
    # Nothing is written by the dry run.
    assert db.session.scalars(select(Recommendation)).all() == []
    response = client.post(f"/recommendations/sources/{source.id}/import/confirm", data=_confirm_fields(page))
    assert response.status_code == 302 and response.location == f"/recommendations/sources/{source.id}"
    shown = client.get(response.location).text
    assert banners(shown) == ["3 recommendations added, led by Jordan Blake."]
    added = db.session.scalars(select(Recommendation).order_by(Recommendation.position)).all()
    assert [(r.reference, r.addressed_to, r.lead_id, r.status, r.position) for r in added] == [
        ("Recommendation 1", "force", lead.id, "awaiting_review", 1),
        ("Recommendation 2", "pcc", lead.id, "awaiting_review", 2),
        ("AFI 1", "both", lead.id, "awaiting_review", 3),
    ]
    assert added[1].text == "The PCC should commission an ISVA service.\nIt should cover the whole county."
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.verb, e.summary, e.actor_id) for e in events if e.verb.startswith("recommendation")] == [
        ("recommendation.created", "Added Recommendation 1 to PEEL 2027: victim service assessment", chair.id),
        ("recommendation.created", "Added Recommendation 2 to PEEL 2027: victim service assessment", chair.id),
        ("recommendation.created", "Added AFI 1 to PEEL 2027: victim service assessment", chair.id),
        (
            "recommendation_source.imported",
            "Added 3 recommendations to PEEL 2027: victim service assessment from the pasted rows",
            chair.id,
        ),
    ]
    # Sending the same confirmation again adds nothing: the rows are now duplicates.
    again = client.post(f"/recommendations/sources/{source.id}/import/confirm", data=_confirm_fields(page))
    assert again.status_code == 409
    assert banners(again.text) == [
        "The recommendations changed since you checked these rows. Nothing was added: check them again."
    ]
    assert visible_text(again.text, ".app-import-counts") == "To add 0 Cannot be added 3"
    assert len(db.session.scalars(select(Recommendation)).all()) == 3


def test_every_bad_row_is_reported_with_its_column_what_is_wrong_and_what_was_given(client, auth, make, db):
    source = make.source(title="Joint inspection 2023")
    make.recommendation(source=source, reference="Recommendation 1")
    lead = make.user("lead", name="Jordan Blake")
    auth.sign_in("chair")
    long_reference = "R" * 61
    rows = "\n".join(
        [
            "recommendation 1\tA duplicate of one the report already has.\tforce",
            "Recommendation 2\tTell victims how their case is going.\tthe chief constable",
            "Recommendation 2\tThe same reference again.\tPCC",
            "\tNo reference here.\tforce",
            f"{long_reference}\tA long reference.\tforce",
            "AFI 3\t\tthe mayor",
            "AFI 4\tText.\t",
            "AFI 5\tText.\tforce\tan extra cell",
        ]
    )
    page = _check(client, source, lead, rows).text
    assert visible_text(page, ".app-import-counts") == "To add 1 Cannot be added 7"
    assert texts(page, "#rejected + .app-table-wrapper thead th") == [
        "Row",
        "Column",
        "What is wrong",
        "What was given",
    ]
    assert texts(page, "#rejected + .app-table-wrapper tbody tr") == [
        "1 Reference Joint inspection 2023 already has Recommendation 1 recommendation 1",
        "3 Reference Row 2 has the same reference Recommendation 2",
        "4 Reference The reference is blank (blank)",
        f"5 Reference The reference is 61 characters: at most 60 {long_reference}",
        "6 Text The text of the recommendation is blank (blank)",
        "6 Addressed to Enter force, PCC, both or others the mayor",
        "7 Addressed to Addressed to is blank (blank)",
        "8 Column 4 Only three columns are read: reference, text and addressed to an extra cell",
    ]
    assert texts(page, ".govuk-warning-text__text") == [
        "Warning 7 rows cannot be added. Fix them and check the rows again, or add the other rows now and the rest later."
    ]
    assert texts(page, "#accepted + .app-table-wrapper tbody tr") == [
        "2 Recommendation 2 The force Tell victims how their case is going."
    ]
    # What was pasted is shown again to change.
    assert visible_text(page, "textarea#rows") == " ".join(rows.split())
    client.post(f"/recommendations/sources/{source.id}/import/confirm", data=_confirm_fields(page))
    assert [r.reference for r in source.recommendations] == ["Recommendation 1", "Recommendation 2"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "recommendation_source.imported")).one()
    assert event.summary == "Added 1 recommendation to Joint inspection 2023 from the pasted rows; 7 rows not added"


def test_an_uploaded_workbook_is_read_by_its_headings_with_sheet_row_numbers(client, auth, make, db):
    source = make.source(title="Review of ISVA provision", body="victims_commissioner")
    lead = make.user("lead", name="Jordan Blake")
    auth.sign_in("admin")
    book = Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    sheet.append(["Review of ISVA provision: recommendations"])
    sheet.append([])
    sheet.append(["Addressed to", "Ref", "Recommendation text", "Lead"])
    sheet.append(["PCC", "1", "Commission ISVAs for every victim of rape.", "Jordan Blake"])
    sheet.append(["Others", "2", None, "Jordan Blake"])
    content = workbook_bytes(book)
    page = _check(client, source, lead, upload=(io.BytesIO(content), "isva-review.xlsx")).text
    assert texts(page, "main p.govuk-body")[:2] == [
        "Read from the sheet ‘Recommendations’ of isva-review.xlsx. Nothing has been added yet.",
        "This column is not read: Lead. Only the reference, the text and whom it is addressed to are read.",
    ]
    assert texts(page, "#rejected + .app-table-wrapper thead th")[0] == "Sheet row"
    assert texts(page, "#rejected + .app-table-wrapper tbody tr") == [
        "5 Text The text of the recommendation is blank (blank)"
    ]
    assert texts(page, "#accepted + .app-table-wrapper tbody tr") == [
        "4 1 The PCC Commission ISVAs for every victim of rape."
    ]
    response = client.post(f"/recommendations/sources/{source.id}/import/confirm", data=_confirm_fields(page))
    assert banners(client.get(response.location).text) == [
        "1 recommendation added, led by Jordan Blake. 1 row could not be added."
    ]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "recommendation_source.imported")).one()
    assert event.summary == "Added 1 recommendation to Review of ISVA provision from isva-review.xlsx; 1 row not added"


def test_the_upload_is_refused_as_the_plan_import_refuses_it_and_what_was_chosen_is_kept(client, auth, make, db):
    source = make.source()
    lead = make.user("lead", name="Jordan Blake")
    auth.sign_in("chair")
    pdf = _check(client, source, lead, upload=(io.BytesIO(b"%PDF-1.7\n" + b"x" * 200), "report.pdf"))
    assert pdf.status_code == 400
    assert error_messages(pdf.text) == [
        "The selected file is a PDF file, not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file"
    ]
    old = _check(client, source, lead, upload=(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), "r.xls"))
    assert error_messages(old.text) == [
        "The file is an old Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
        "Excel Workbook (.xlsx) and upload it again"
    ]
    neither = client.post(
        f"/recommendations/sources/{source.id}/import",
        data={"rows": "", "lead_id": ""},
        content_type="multipart/form-data",
    )
    assert error_messages(neither.text) == [
        "Paste the rows, or choose a spreadsheet to upload",
        "Choose the lead for these recommendations",
    ]
    both = _check(client, source, lead, "AFI 1\tText\tforce", upload=(io.BytesIO(b"a,b\n"), "x.csv"))
    assert error_messages(both.text) == ["Paste the rows or upload a spreadsheet, not both"]
    assert visible_text(both.text, "textarea#rows") == "AFI 1 Text force"
    assert visible_text(both.text, "#lead_id option[selected]") == f"Jordan Blake ({lead.department.name})"
    assert db.session.scalars(select(Recommendation)).all() == []


def test_a_tampered_or_unreadable_confirmation_writes_nothing(client, auth, make, db):
    source = make.source()
    lead = make.user("lead")
    auth.sign_in("chair")
    fields = _confirm_fields(_check(client, source, lead, "AFI 1\tText\tforce").text)
    response = client.post(
        f"/recommendations/sources/{source.id}/import/confirm", data={**fields, "payload": "not rows"}
    )
    assert response.status_code == 302
    assert banners(client.get(response.location).text) == [
        "These rows could not be read back. Nothing was added: paste or upload them again."
    ]
    from tracker.admin.services import set_active

    set_active(lead, False)
    db.session.commit()
    gone = client.post(f"/recommendations/sources/{source.id}/import/confirm", data=fields)
    assert banners(client.get(gone.location).text) == [
        "The lead you chose can no longer lead recommendations. Nothing was added: choose another."
    ]
    set_active(lead, True)
    db.session.commit()
    changed = client.post(
        f"/recommendations/sources/{source.id}/import/confirm",
        data={**fields, "payload": fields["payload"].replace("AFI 1", "AFI 9")},
    )
    assert changed.status_code == 409
    assert db.session.scalars(select(Recommendation)).all() == []


def test_a_lead_cannot_add_recommendations(client, auth, make, db):
    source = make.source()
    lead = auth.sign_in("lead")
    assert _check(client, source, lead, "AFI 1\tText\tforce").status_code == 403
    assert client.get(f"/recommendations/sources/{source.id}").status_code == 200
    assert texts(client.get(f"/recommendations/sources/{source.id}").text, "main .govuk-button") == []


def test_rows_too_long_for_the_confirmation_are_refused_before_the_dry_run(client, auth, make, db, app):
    source = make.source()
    lead = make.user("lead")
    auth.sign_in("chair")
    app.config["MAX_FORM_BYTES"], before = 2000, app.config["MAX_FORM_BYTES"]
    try:
        response = _check(
            client, source, lead, "\n".join(f"AFI {n}\t{'Text, with commas. ' * 10}\tforce" for n in range(20))
        )
    finally:
        app.config["MAX_FORM_BYTES"] = before
    assert response.status_code == 400
    assert error_messages(response.text) == [
        "The rows hold too much text to add at once. Add them in two or more parts"
    ]
    too_many = _check(client, source, lead, "\n".join(f"AFI {n}\tText\tforce" for n in range(301)))
    assert error_messages(too_many.text) == ["There are 301 rows. Add at most 300 at a time"]
