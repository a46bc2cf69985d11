"""Exports of the action list and the template, read back as a person (or the import) would."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.demo.plan import load_demo
from tracker.plan.models import Action, ActionUpdate
from tracker.plan.queries import ActionFilters
from tracker.reference.seed import load_reference_data
from tracker.spreadsheets import exporter, services
from tracker.spreadsheets.columns import EXPORT_COLUMNS

TODAY = date(2026, 11, 29)


@pytest.fixture()
def plan(db):
    load_reference_data("2020")
    users, _ = load_demo(actions=60, seed=11, today=TODAY)
    db.session.commit()
    return users


def _workbook(filters=None):
    output = io.BytesIO()
    exporter.write_workbook(output, filters or ActionFilters(), TODAY)
    return output.getvalue()


def _admin(plan):
    return next(user for role, user in plan.items() if role.value == "admin")


@pytest.mark.parametrize("in_memory_rows", [exporter.IN_MEMORY_ROWS, 0], ids=["in memory", "streamed"])
def test_workbook_has_actions_with_brag_and_reasons_and_updates(plan, db, monkeypatch, in_memory_rows):
    """Small exports are built in memory and large ones streamed to disk; both read the same."""
    monkeypatch.setattr(exporter, "IN_MEMORY_ROWS", in_memory_rows)
    book = load_workbook(io.BytesIO(_workbook()))
    assert book.sheetnames == ["Actions", "Updates", "Recommendations"]
    actions, updates = book["Actions"], book["Updates"]
    assert [cell.value for cell in actions[1]] == [heading for heading, _ in EXPORT_COLUMNS]
    assert actions.freeze_panes == "A2" and updates.freeze_panes == "A2"
    assert actions.auto_filter.ref == f"A1:U{actions.max_row}"
    assert actions.column_dimensions["B"].width > 40
    rows = list(actions.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 60
    by_reference = {row[0]: row for row in rows}
    overdue = db.session.scalars(
        select(Action).where(Action.current_due_date < TODAY, Action.status.in_(["in_progress", "not_started"]))
    ).first()
    row = by_reference[overdue.reference]
    assert row[16] == "Red" and "past due date" in row[17]
    assert isinstance(row[12], datetime) and row[12].date() == overdue.current_due_date
    assert actions.cell(row=2, column=13).number_format == "dd/mm/yyyy"
    update_count = db.session.scalar(select(func.count()).select_from(ActionUpdate))
    assert updates.max_row - 1 == update_count
    assert isinstance(updates.cell(row=2, column=2).value, datetime)


def test_export_uses_the_action_list_filters(plan, db):
    blocked = db.session.scalar(select(func.count()).select_from(Action).where(Action.status == "blocked"))
    book = load_workbook(io.BytesIO(_workbook(ActionFilters(status=["blocked"]))))
    statuses = {row[13] for row in book["Actions"].iter_rows(min_row=2, values_only=True)}
    assert book["Actions"].max_row - 1 == blocked and statuses == {"Blocked"}
    references = {row[0] for row in book["Actions"].iter_rows(min_row=2, values_only=True)}
    assert {row[0] for row in book["Updates"].iter_rows(min_row=2, values_only=True)} <= references


def test_round_trip_export_then_import_changes_nothing(plan, db):
    before = db.session.scalar(select(func.count()).select_from(ActionUpdate))
    batch = services.start_import("export.xlsx", _workbook(), _admin(plan))
    assert batch.mapping["updates_sheet"] == "Updates"
    result = services.dry_run(batch, TODAY)
    problems = [row for row in result["rows"] if row["outcome"] != "unchanged"]
    assert not problems, problems[:3]
    assert result["counts"]["unchanged"] == 60
    services.confirm(batch, _admin(plan), TODAY, result["digest"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActionUpdate)) == before


def test_round_trip_through_csv_changes_nothing(plan, db):
    data = exporter.csv_bytes(ActionFilters(), TODAY)
    batch = services.start_import("export.csv", data, _admin(plan))
    result = services.dry_run(batch, TODAY)
    assert result["counts"] == {"create": 0, "update": 0, "unchanged": 60, "reject": 0}


def test_an_edited_export_updates_just_what_changed(plan, db):
    book = load_workbook(io.BytesIO(_workbook(ActionFilters(status=["in_progress"]))))
    sheet = book["Actions"]
    reference = sheet["A2"].value
    sheet["B2"] = "A clearer title for the action"
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.dry_run(services.start_import("edited.xlsx", buffer.getvalue(), _admin(plan)), TODAY)
    [changed] = [row for row in result["rows"] if row["outcome"] == "update"]
    assert changed["reference"] == reference
    assert changed["changes"] == [
        f"Title: {db.session.scalar(select(Action.title).where(Action.reference == reference))} to A clearer title for the action"
    ]


def test_csv_is_excel_friendly_and_formula_safe(plan, db):
    action = db.session.scalars(select(Action).order_by(Action.reference)).first()
    action.title = '=HYPERLINK("http://example.org")'
    db.session.commit()
    data = exporter.csv_bytes(ActionFilters(), TODAY)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [heading for heading, _ in EXPORT_COLUMNS]
    row = next(r for r in rows if r[0] == action.reference)
    assert row[1].startswith("'=") and row[12] == action.current_due_date.strftime("%d/%m/%Y")
    book = load_workbook(io.BytesIO(_workbook()))
    titles = [row[1] for row in book["Actions"].iter_rows(min_row=2, values_only=True)]
    assert action.title in titles, "text stays text in the workbook, never a formula"


def test_template_has_instructions_and_imports_its_own_example(plan, db):
    from tracker.spreadsheets.template import write_template

    output = io.BytesIO()
    write_template(output)
    book = load_workbook(io.BytesIO(output.getvalue()))
    assert book.sheetnames == ["Instructions", "Actions"]
    instructions = " ".join(str(c) for row in book["Instructions"].iter_rows(values_only=True) for c in row if c)
    assert "Due date" in instructions and "To be provided with information about compensation" in instructions
    sheet = book["Actions"]
    sheet.append(
        [
            "",
            "Pilot a text message update",
            "",
            "Focus group with victims and survivors",
            "lead@example.org",
            "",
            "6",
            "1",
            "",
            "",
            "31/03/2027",
            "Not started",
            0,
            "G",
            "Fewer calls asking for updates",
            "01/11/2026 - Supplier chosen",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.dry_run(services.start_import("template.xlsx", buffer.getvalue(), _admin(plan)), TODAY)
    assert result["counts"]["create"] == 1 and result["counts"]["reject"] == 0
