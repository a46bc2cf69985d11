"""Financial-year quarters."""

from datetime import date

import pytest

from tracker.common.quarters import Quarter, quarter_of


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 4, 1), "2026/27 Q1"),
        (date(2026, 6, 30), "2026/27 Q1"),
        (date(2026, 7, 1), "2026/27 Q2"),
        (date(2026, 12, 31), "2026/27 Q3"),
        (date(2027, 1, 1), "2026/27 Q4"),
        (date(2027, 3, 31), "2026/27 Q4"),
        (date(2027, 4, 1), "2027/28 Q1"),
    ],
)
def test_quarter_of_follows_the_financial_year(day, label):
    assert quarter_of(day).label == label


def test_parse_both_spellings_and_bounds():
    quarter = Quarter.parse("2026/27-Q3")
    assert quarter == Quarter.parse("2026/27 Q3")
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.previous().label == "2026/27 Q2" and quarter.next().label == "2026/27 Q4"
    assert Quarter.parse("2026/27 Q4").next().label == "2027/28 Q1"
    assert Quarter.from_slug(quarter.slug) == quarter


@pytest.mark.parametrize("text", ["2026/28 Q1", "2026 Q3", "2026/27 Q5", ""])
def test_parse_refuses_nonsense(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)
