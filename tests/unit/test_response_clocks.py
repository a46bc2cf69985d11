"""Response clocks count calendar days from publication, whatever the month, the year or the clocks do."""

from datetime import UTC, date, datetime

import pytest

from tracker.common.dates import local_today
from tracker.recommendations.clocks import clock_text, days_left, reminder_stage, response_due_date


@pytest.mark.parametrize(
    ("published", "days", "due"),
    [
        (date(2027, 1, 31), 56, date(2027, 3, 28)),  # across the end of a short February
        (date(2027, 11, 20), 56, date(2028, 1, 15)),  # across the end of a year
        (date(2028, 1, 10), 56, date(2028, 3, 6)),  # across 29 February 2028
        (date(2027, 1, 10), 56, date(2027, 3, 7)),  # the same dates a year without a leap day
        (date(2028, 2, 29), 365, date(2029, 2, 28)),  # from a leap day
        (date(2027, 3, 1), 56, date(2027, 4, 26)),  # over the clocks going forward on 28 March 2027
        (date(2027, 10, 1), 56, date(2027, 11, 26)),  # over the clocks going back on 31 October 2027
        (date(2027, 5, 4), 1, date(2027, 5, 5)),
    ],
)
def test_the_due_date_is_publication_plus_calendar_days(published, days, due):
    assert response_due_date(published, days) == due


def test_no_rule_or_no_date_means_no_due_date():
    assert response_due_date(date(2027, 5, 4), None) is None
    assert response_due_date(None, 56) is None


def test_days_left_count_on_the_local_calendar_when_the_clocks_go_forward():
    due = date(2027, 4, 26)
    # 23:30 UTC on 28 March 2027 is 00:30 on 29 March in London, the first night of British Summer Time.
    assert local_today(datetime(2027, 3, 28, 23, 30, tzinfo=UTC)) == date(2027, 3, 29)
    assert days_left(due, local_today(datetime(2027, 3, 28, 23, 30, tzinfo=UTC))) == 28
    assert days_left(due, local_today(datetime(2027, 3, 28, 22, 59, tzinfo=UTC))) == 29
    # In winter London is on UTC: 23:30 UTC is still the same day.
    assert days_left(date(2027, 1, 31), local_today(datetime(2027, 1, 3, 23, 30, tzinfo=UTC))) == 28


@pytest.mark.parametrize(
    ("left", "stage", "text"),
    [
        (29, None, "Due in 29 days"),
        (28, "28", "Due in 28 days"),
        (15, "28", "Due in 15 days"),
        (14, "14", "Due in 14 days"),
        (8, "14", "Due in 8 days"),
        (7, "7", "Due in 7 days"),
        (1, "7", "Due in 1 day"),
        (0, "7", "Due today"),
        (-1, "overdue", "1 day overdue"),
        (-30, "overdue", "30 days overdue"),
    ],
)
def test_the_reminder_stage_and_words_for_the_days_left(left, stage, text):
    today = date(2027, 2, 20)
    due = date.fromordinal(today.toordinal() + left)
    assert reminder_stage(due, today) == stage
    assert clock_text(due, today) == text
