"""`flask exchange import` and `flask exchange export` on the command line."""

from datetime import date

from sqlalchemy import func, select

from tests.workbooks import messy_plan
from tracker.audit.models import AuditEvent
from tracker.plan.models import Action


def test_import_dry_run_reports_rows_and_writes_nothing(runner, make, db, tmp_path):
    make.user("admin", email="admin@example.org")
    owner = make.user("lead", name="Jordan Blake")
    other = make.user("lead", name="Maya Carver")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(messy_plan(owner, other))
    result = runner.invoke(args=["exchange", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Sheet 'Plan 2026-27', headings on row 4" in result.output
    assert "To create: 4  To update: 0  Unchanged: 0  Rejected: 5" in result.output
    assert "Row 10: No user is called Pat Nobody" in result.output
    assert "Checking rows" in result.output
    assert "Dry run: nothing was written." in result.output
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_import_writes_as_the_named_admin_with_column_overrides(runner, make, db, tmp_path):
    admin = make.user("admin", email="analyst@example.org")
    make.user("admin", email="first@example.org")
    owner = make.user("lead", name="Jordan Blake")
    other = make.user("lead", name="Maya Carver")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(messy_plan(owner, other))
    result = runner.invoke(
        args=["exchange", "import", str(path), "--as", "analyst@example.org", "--map", "Old deadline=current_due_date"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported: 4 created, 0 updated." in result.output
    first = db.session.scalar(select(Action).where(Action.reference == "VV-001"))
    assert first.created_by_id == admin.id and first.current_due_date == date(2026, 7, 31)
    actors = set(db.session.scalars(select(AuditEvent.actor_id).where(AuditEvent.verb.like("action.%"))))
    assert actors == {admin.id}, "every change is recorded against the admin named with --as"


def test_import_refuses_a_bad_file_with_its_reason(runner, make, db, tmp_path):
    make.user("admin")
    path = tmp_path / "plan.csv"
    path.write_bytes(b"%PDF-1.4 not a plan")
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code != 0 and "is a PDF file, not a spreadsheet" in result.output


def test_export_writes_a_workbook(runner, make, db, tmp_path):
    make.action(reference="VV-001")
    path = tmp_path / "actions.xlsx"
    result = runner.invoke(args=["exchange", "export", str(path)])
    assert result.exit_code == 0 and path.read_bytes().startswith(b"PK")
