"""An import reads department and owner values as staff write them, and says how it read each."""

from datetime import date

from openpyxl import Workbook

from tests.workbooks import workbook_bytes


def _messy_workbook():
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet["A1"] = "Victims Code improvement plan 2026-27"
    sheet.append([])
    sheet.append(["Ref", "Action", "Lead", "Dept", "Deadline", "RAG"])
    sheet.append(["VV-201", "Rewrite the first letter", "jordan  BLAKE", "contact mgmt", date(2027, 3, 31), "G"])
    sheet.append(["VV-202", "Train the call handlers", "J. Blake", "CJU", "31/03/2027", "amber"])
    sheet.append(["VV-203", "Publish the leaflet", "Maya", "Victim Care", "31 March 2027", "Red"])
    sheet.append(["VV-204", "Audit the referrals", "Maya Carver", "Estates", "2027-03-31", "green"])
    return workbook_bytes(book)


def test_the_dry_run_prints_each_value_read_by_a_rule_once_and_names_rejected_rows_by_reference(
    runner, make, db, tmp_path
):
    make.user("admin", email="admin@example.org")
    for name in ("Contact Management", "Criminal Justice Unit", "Victim Care Unit"):
        make.department(name)
    make.user("lead", name="Jordan Blake")
    make.user("lead", name="Maya Carver")
    make.user("lead", name="Maya Singh")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_messy_workbook())

    result = runner.invoke(args=["exchange", "import", str(path), "--dry-run"])

    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert "To create: 2  To update: 0  Unchanged: 0  Rejected: 2" in lines
    assert [line for line in lines if " read as " in line] == [
        "Owner “jordan BLAKE” read as Jordan Blake (row 4)",
        "Department “contact mgmt” read as Contact Management (row 4)",
        "Owner “J. Blake” read as Jordan Blake (row 5)",
        "Department “CJU” read as Criminal Justice Unit (row 5)",
        "Department “Victim Care” read as Victim Care Unit (row 6)",
    ]
    rejected = [line for line in lines if line.startswith("VV-")]
    assert rejected == [
        "VV-203, row 6: No user is called Maya. Add them on the Users page, or give their email address."
        " Did you mean Maya Carver or Maya Singh?",
        "VV-204, row 7: No department is called Estates. Add it on the Departments page first",
    ]


def test_the_command_line_takes_the_admins_readings_and_a_department_for_rows_without_one(runner, make, db, tmp_path):
    make.user("admin", email="admin@example.org")
    for name in ("Contact Management", "Criminal Justice Unit", "Victim Care Unit"):
        make.department(name)
    make.user("lead", name="Jordan Blake")
    make.user("lead", name="Maya Carver")
    make.user("lead", name="Maya Singh")
    make.user("chair", name="Cat Chair")
    book_bytes = _messy_workbook()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_with_row(book_bytes, ["VV-205", "Check the web page", "cat chair", None, date(2027, 3, 31), "G"]))

    result = runner.invoke(
        args=[
            "exchange",
            "import",
            str(path),
            "--dry-run",
            "--department",
            "Estates=Contact Management",
            "--owner",
            "Maya=Maya Singh",
            "--missing-department",
            "Victim Care Unit",
        ]
    )

    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert "To create: 5  To update: 0  Unchanged: 0  Rejected: 0" in lines
    assert "Owner “Maya” read as Maya Singh (row 6)" in lines
    assert "Department “Estates” read as Contact Management (row 7)" in lines
    assert "Owner “cat chair” read as Cat Chair (row 8)" in lines
    assert "No department given: Victim Care Unit, as chosen for such rows (row 8)" in lines


def _with_row(book_bytes, row):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(book_bytes))
    book.active.append(row)
    return workbook_bytes(book)
