"""Importing a plan spreadsheet: the dry run, the confirmation and what it writes."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.workbooks import messy_plan
from tracker.audit.models import AuditEvent
from tracker.notify.models import MailKindSetting, OutboundEmail
from tracker.plan.models import Action, ActionUpdate
from tracker.spreadsheets import services
from tracker.spreadsheets.spreadsheet import ImportRefused
from tracker.spreadsheets.writing import queue_assignment_summaries

TODAY = date(2026, 6, 1)


@pytest.fixture()
def people(make):
    home = make.department("Contact Management")
    away = make.department("Witness Care")
    return {
        "admin": make.user("admin", name="Alex Morgan"),
        "owner": make.user("lead", name="Jordan Blake", department=home),
        "other": make.user("lead", name="Maya Carver", department=away),
    }


@pytest.fixture()
def existing(make, people):
    first = make.action(
        reference="VV-001",
        title="Map every contact touchpoint",
        owner=people["owner"],
        due=date(2026, 8, 31),
        start=date(2026, 1, 5),
        status="in_progress",
        progress=40,
        rights=[3, 6],
        declared_rag="green",
    )
    third = make.action(
        reference="VV-003",
        title="Refresh the witness care script",
        owner=people["owner"],
        due=date(2026, 10, 15),
        start=date(2026, 1, 5),
        status="not_started",
        progress=0,
        rights=[8],
    )
    return first, third


def _outcomes(result):
    return {row["row"]: row["outcome"] for row in result["rows"]}


def test_messy_workbook_gives_exactly_the_expected_rows(db, people, existing):
    data = messy_plan(people["owner"], people["other"])
    batch = services.start_import("plan.xlsx", data, people["admin"])
    mapping = batch.mapping
    assert mapping["sheet"] == "Plan 2026-27" and mapping["header_row"] == 4
    fields = {c["heading"]: c["field"] for c in mapping["columns"]}
    assert fields["Lead"] == "owner" and fields["Deadline"] == "original_due_date"
    assert fields["Old deadline"] == "" and [c["hidden"] for c in mapping["columns"]].count(True) == 1
    result = services.dry_run(batch, TODAY)
    assert result["counts"] == {"create": 2, "update": 1, "unchanged": 1, "reject": 5}
    assert _outcomes(result) == {
        5: "update",
        7: "create",
        8: "create",
        9: "reject",
        10: "reject",
        11: "reject",
        13: "reject",
        14: "reject",
        15: "unchanged",
    }
    reasons = {row["row"]: " ".join(row["reasons"]) for row in result["rows"]}
    assert "'TBC' is not a date" in reasons[9]
    assert "No user is called Pat Nobody" in reasons[10]
    assert "Right 13 does not exist" in reasons[11]
    assert "VV-002 is used on more than one row" in reasons[13] and reasons[13] == reasons[14]
    update = next(row for row in result["rows"] if row["row"] == 5)
    assert "Original due date: 31 August 2026 to 30 September 2026" in update["changes"]
    assert "2 dated updates from the commentary" in update["changes"]
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2, "a dry run writes nothing"


def test_confirming_writes_the_rows_with_dated_history(db, people, existing):
    batch = services.start_import("plan.xlsx", messy_plan(people["owner"], people["other"]), people["admin"])
    result = services.dry_run(batch, TODAY)
    services.confirm(batch, people["admin"], TODAY, result["digest"])
    db.session.commit()
    actions = {a.title: a for a in db.session.scalars(select(Action))}
    assert len(actions) == 4
    letter = actions["Rewrite the acknowledgement letter"]
    assert letter.owner_id == people["other"].id and letter.current_due_date == date(2026, 9, 30)
    assert letter.declared_rag == "amber" and [r.number for r in letter.rights] == [3, 6]
    training = actions["Train call handlers on the Code"]
    assert (
        training.status == "blocked"
        and training.declared_rag == "red"
        and training.current_due_date == date(2026, 9, 30)
    )
    assert {letter.reference, training.reference} == {"VV-011", "VV-012"}
    mapped = actions["Map every contact touchpoint"]
    assert mapped.current_due_date == date(2026, 9, 30) and mapped.original_due_date == date(2026, 9, 30)
    assert [p.number for p in mapped.priorities] == [2], "links the sheet leaves out stay as they were"
    assert [r.number for r in mapped.rights] == [3, 6]
    history = db.session.scalars(
        select(ActionUpdate)
        .where(ActionUpdate.action_id == mapped.id, ActionUpdate.kind == "update")
        .order_by(ActionUpdate.created_at)
    ).all()
    assert [(u.created_at.date(), u.narrative) for u in history] == [
        (date(2026, 3, 12), "Walked through 101 calls"),
        (date(2026, 4, 2), "Draft map shared"),
    ]
    assert mapped.last_update_at == history[-1].created_at
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"action.created", "action.updated", "action.history_imported", "import.completed"} <= verbs


def test_reimporting_the_same_file_changes_nothing(db, people, existing):
    data = messy_plan(people["owner"], people["other"])
    batch = services.start_import("plan.xlsx", data, people["admin"])
    services.confirm(batch, people["admin"], TODAY, services.dry_run(batch, TODAY)["digest"])
    db.session.commit()
    again = services.start_import("plan.xlsx", data, people["admin"])
    result = services.dry_run(again, TODAY)
    assert result["counts"] == {"create": 0, "update": 0, "unchanged": 4, "reject": 5}


def test_owners_get_one_summary_email_not_one_per_action(db, people, existing):
    batch = services.start_import("plan.xlsx", messy_plan(people["owner"], people["other"]), people["admin"])
    services.confirm(batch, people["admin"], TODAY, services.dry_run(batch, TODAY)["digest"])
    db.session.commit()
    mail = db.session.scalars(select(OutboundEmail)).all()
    assert [m.to_address for m in mail] == [people["other"].email]
    assert mail[0].subject == "2 actions assigned to you"
    assert "Rewrite the acknowledgement letter" in mail[0].body_text and "Train call handlers" in mail[0].body_text


def test_summaries_of_a_switched_off_kind_are_kept_suppressed_and_never_doubled(db, people, existing):
    db.session.add(MailKindSetting(kind="action_assigned", enabled=False))
    db.session.commit()
    batch = services.start_import("plan.xlsx", messy_plan(people["owner"], people["other"]), people["admin"])
    digest = services.dry_run(batch, TODAY)["digest"]
    services.confirm(batch, people["admin"], TODAY, digest)
    db.session.commit()
    mail = db.session.scalars(select(OutboundEmail)).all()
    assert [(m.to_address, m.state) for m in mail] == [(people["other"].email, "suppressed")]
    assert queue_assignment_summaries({people["other"]: []}, batch.id, "plan.xlsx", people["admin"]) == 0, (
        "a summary already queued for this import is not queued again"
    )


def test_confirmation_refuses_when_the_tracker_changed_since_the_dry_run(db, people, existing):
    batch = services.start_import("plan.xlsx", messy_plan(people["owner"], people["other"]), people["admin"])
    result = services.dry_run(batch, TODAY)
    existing[1].title = "Refresh the witness care script and leaflet"
    db.session.commit()
    with pytest.raises(services.ImportChanged) as changed:
        services.confirm(batch, people["admin"], TODAY, result["digest"])
    db.session.rollback()
    assert _outcomes(changed.value.result)[15] == "update"
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2


def test_empty_sheet_is_refused(db, people):
    from openpyxl import Workbook

    from tests.workbooks import workbook_bytes

    with pytest.raises(ImportRefused, match="empty"):
        services.start_import("plan.xlsx", workbook_bytes(Workbook()), people["admin"])


def test_imported_actions_leave_the_same_record_as_the_plan_service(db, people):
    from tracker.plan.services import ActionData, create_action

    owner, admin = people["owner"], people["admin"]
    by_service = create_action(
        ActionData(title="By hand", owner=owner, start_date=date(2026, 1, 5), original_due_date=date(2026, 9, 30)),
        admin,
        reference="VV-100",
    )
    db.session.commit()
    csv = f"Reference,Title,Owner,Start date,Due date\nVV-101,By import,{owner.email},05/01/2026,30/09/2026\n"
    batch = services.start_import("plan.csv", csv.encode(), admin)
    services.confirm(batch, admin, TODAY, services.dry_run(batch, TODAY)["digest"])
    db.session.commit()
    by_import = db.session.scalar(select(Action).where(Action.reference == "VV-101"))

    def created_entry(action):
        entry = db.session.scalar(select(ActionUpdate).where(ActionUpdate.action_id == action.id))
        return entry.kind, entry.narrative, entry.author_id

    def created_event(action):
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action_id == action.id, AuditEvent.verb == "action.created")
        )
        return {k: v for k, v in event.changes.items() if k != "title"}, event.object_type

    assert created_entry(by_import) == created_entry(by_service)
    assert created_event(by_import) == created_event(by_service)
    assert (by_import.status, by_import.progress, by_import.department_id, by_import.created_by_id) == (
        by_service.status,
        by_service.progress,
        by_service.department_id,
        by_service.created_by_id,
    )


def test_row_numbers_match_the_sheet_when_it_starts_lower_down(db, people):
    from openpyxl import Workbook

    from tests.workbooks import workbook_bytes

    book = Workbook()
    sheet = book.active
    for column, heading in enumerate(["Action", "Owner", "Due date"], start=2):
        sheet.cell(row=3, column=column, value=heading)
    for column, value in enumerate(["Pilot text updates", people["owner"].email, "TBC"], start=2):
        sheet.cell(row=5, column=column, value=value)
    batch = services.start_import("plan.xlsx", workbook_bytes(book), people["admin"])
    assert batch.mapping["header_row"] == 3
    [row] = services.dry_run(batch, TODAY)["rows"]
    assert row["row"] == 5 and row["outcome"] == "reject"


def test_a_row_awaiting_sign_off_imports_again_unchanged(db, people):
    owner, admin = people["owner"], people["admin"]
    csv = (
        "Reference,Title,Owner,Due date,Status,Progress\n"
        f"VV-200,Publish the leaflet,{owner.email},30/09/2026,Awaiting sign-off,90%\n"
    ).encode()
    batch = services.start_import("plan.csv", csv, admin)
    first = services.dry_run(batch, TODAY)
    assert "ask for sign-off in the tracker" in " ".join(first["rows"][0]["notes"])
    services.confirm(batch, admin, TODAY, first["digest"])
    db.session.commit()
    action = db.session.scalar(select(Action).where(Action.reference == "VV-200"))
    assert (action.status, action.progress) == ("in_progress", 90)
    again = services.dry_run(services.start_import("plan.csv", csv, admin), TODAY)
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 1, "reject": 0}
    assert "ask for sign-off in the tracker" in " ".join(again["rows"][0]["notes"])


def test_a_failure_part_way_through_writing_leaves_nothing_behind(db, people, existing):
    batch = services.start_import("plan.xlsx", messy_plan(people["owner"], people["other"]), people["admin"])
    result = services.dry_run(batch, TODAY)
    db.session.commit()
    updates_before = db.session.scalar(select(func.count()).select_from(ActionUpdate))
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    class WritingStopped(Exception):
        """Raised by the progress callback once the new actions are in."""

    def stop_once_the_new_actions_are_written(done):
        if done:
            raise WritingStopped

    with pytest.raises(WritingStopped):
        services.confirm(
            batch, people["admin"], TODAY, result["digest"], write_progress=stop_once_the_new_actions_are_written
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2
    assert db.session.scalar(select(func.count()).select_from(ActionUpdate)) == updates_before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    assert db.session.get(type(batch), batch.id).state == services.CHECKED
