"""Three-box dates read as the GOV.UK date pattern asks, with messages naming what is wrong."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tracker.common.fields import DateRequired, GovDateField, WholeNumberField


class DueForm(Form):
    due = GovDateField("Due date", validators=[DateRequired("Enter the due date")])
    progress = WholeNumberField("Progress")


def submitted(due, progress="50"):
    form = DueForm(MultiDict([*(("due", part) for part in due), ("progress", progress)]))
    form.validate()
    return form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["30", "9", "2026"], date(2026, 9, 30)),
        (["01", "04", "2026"], date(2026, 4, 1)),
        ([" 7 ", "3", "2027"], date(2027, 3, 7)),
    ],
)
def test_real_dates_are_read(typed, expected):
    form = submitted(typed)
    assert form.due.data == expected and not form.due.errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["", "", ""], "Enter the due date"),
        (["30", "", "2026"], "Due date must include a month"),
        (["", "", "2026"], "Due date must include a day and month"),
        (["31", "9", "2026"], "Due date must be a real date"),
        (["30", "Sept", "2026"], "Due date must be a real date, in numbers, like 30 9 2026"),
        (["30", "9", "26"], "Year must include 4 numbers"),
    ],
)
def test_each_mistake_gets_one_clear_message(typed, message):
    form = submitted(typed)
    assert form.due.data is None
    assert len(form.due.errors) == 1 and form.due.errors[0].startswith(message)


def test_the_field_id_is_the_day_box_so_the_error_summary_can_link_to_it():
    assert DueForm().due.id == "due-day"


@pytest.mark.parametrize(
    ("typed", "value", "error"),
    [
        ("45", 45, None),
        ("45%", 45, None),
        ("101", None, "Progress must be a whole number between 0 and 100"),
        ("4.5", None, "Progress must be a whole number between 0 and 100"),
    ],
)
def test_percentages(typed, value, error):
    form = submitted(["1", "1", "2027"], typed)
    assert form.progress.data == value
    assert (form.progress.errors[0] if form.progress.errors else None) == error
