"""Working days in England and Wales, and dates written the GOV.UK way."""

from datetime import UTC, date, datetime

from tracker.common.dates import add_working_days, is_working_day, long_date, working_days_between


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute, Monday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2026, 8, 31))  # summer bank holiday in England, not Scotland


def test_working_day_arithmetic_skips_christmas():
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == -1


def test_long_date_reads_in_london_time():
    assert long_date(date(2026, 9, 30)) == "30 September 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
