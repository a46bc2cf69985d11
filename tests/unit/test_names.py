"""Department and people names read as staff write them, by clear rules, or refused with guesses."""

import pytest

from tracker.spreadsheets.names import guesses_text, read_name

DEPARTMENTS = ["Contact Management", "Criminal Justice Unit", "Victim Care Unit", "Professional Standards"]
PEOPLE = ["Jordan Blake", "Maya Carver", "Maya Singh"]


@pytest.mark.parametrize(
    ("value", "name", "rule"),
    [
        ("  contact   MANAGEMENT ", "Contact Management", "exact"),
        ("CJU", "Criminal Justice Unit", "initials"),
        ("vcu", "Victim Care Unit", "initials"),
        ("Contact Mgmt", "Contact Management", "exact"),
        ("Professional", "Professional Standards", "leading part"),
        ("Criminal Justice", "Criminal Justice Unit", "leading part"),
    ],
)
def test_a_department_value_is_read_by_the_first_rule_that_fits_one_name(value, name, rule):
    reading = read_name(value, DEPARTMENTS)
    assert (reading.name, reading.rule) == (name, rule)


@pytest.mark.parametrize(
    ("value", "name", "rule"),
    [
        ("jordan  blake", "Jordan Blake", "exact"),
        ("J. Blake", "Jordan Blake", "initials"),
        ("Jordan", "Jordan Blake", "leading part"),
    ],
)
def test_a_person_is_read_by_initials_or_a_unique_first_name(value, name, rule):
    reading = read_name(value, PEOPLE)
    assert (reading.name, reading.rule) == (name, rule)


def test_a_value_that_fits_several_names_is_not_read_and_lists_them():
    reading = read_name("Maya", PEOPLE)
    assert reading.name is None and reading.guesses == ["Maya Carver", "Maya Singh"]
    assert guesses_text(reading) == " Did you mean Maya Carver or Maya Singh?"


def test_a_value_that_fits_none_gives_the_closest_names_as_guesses():
    reading = read_name("Contact Managment", DEPARTMENTS)
    assert reading.name is None and reading.guesses == ["Contact Management"]
    assert guesses_text(reading) == " Did you mean Contact Management?"
    assert read_name("Estates", DEPARTMENTS).guesses == []
