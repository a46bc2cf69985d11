"""Reading one right's figures as typed: the messages a person sees for bad input."""

from decimal import Decimal

import pytest

from tracker.compliance.figures import Figures, format_percent, read_figures

GOOD = {
    "self_rating": "partial",
    "self_percent": "78.5",
    "self_source": "Monthly dip sample",
    "voice_percent": "52",
    "voice_sample": "84",
    "voice_source": "survey",
    "voice_themes": "Letters were hard to follow.",
}


def read(**changes):
    return read_figures({**GOOD, **changes}, 3)


def test_good_figures_are_read_into_numbers():
    figures, errors = read()
    assert errors == {}
    assert figures == Figures("partial", Decimal("78.50"), "Monthly dip sample", Decimal("52.00"), 84, "survey",
                              "Letters were hard to follow.")  # fmt: skip


@pytest.mark.parametrize("value", ["0", "100", "100.00", "55%", " 42.25 "])
def test_percentages_from_0_to_100_are_accepted(value):
    assert read(voice_percent=value)[1] == {}


@pytest.mark.parametrize("value", ["-1", "100.01", "101", "1e3"])
def test_percentages_outside_0_to_100_are_refused(value):
    figures, errors = read(self_percent=value)
    assert figures is None
    assert errors == {"self_percent": "The self-assessed percentage for right 3 must be between 0 and 100"}


def test_a_percentage_that_is_not_a_number_says_how_to_write_it():
    errors = read(voice_percent="about half")[1]
    assert errors["voice_percent"] == "Enter the victims' voice percentage for right 3 as a number, like 75 or 82.5"


def test_a_sample_of_zero_with_a_percentage_is_refused():
    errors = read(voice_sample="0")[1]
    assert errors == {
        "voice_sample": "The number of victims asked for right 3 must be more than 0 to give a percentage"
    }


def test_a_percentage_needs_a_sample_size_and_a_source():
    errors = read(voice_sample="", voice_source="")[1]
    assert errors["voice_sample"] == "Enter the number of victims asked for right 3"
    assert errors["voice_source"] == "Choose where the victims' voice figure for right 3 comes from"


def test_a_sample_size_without_a_percentage_is_refused():
    errors = read(voice_percent="")[1]
    assert errors == {
        "voice_percent": "Enter the percentage of victims who said right 3 was met, or remove the number asked"
    }


@pytest.mark.parametrize("value", ["12.5", "-4", "lots"])
def test_sample_size_must_be_a_whole_number(value):
    errors = read(voice_sample=value)[1]
    assert errors["voice_sample"] == "Enter the number of victims asked for right 3 as a whole number, like 45"


def test_a_source_of_the_force_figure_without_a_figure_is_refused():
    errors = read(self_rating="", self_percent="")[1]
    assert errors == {"self_rating": "Give a self-assessed rating or percentage for right 3, or remove the source"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Compliant", "compliant"), ("Partially compliant", "partial"), ("not_compliant", "not_compliant"),
     ("Non-compliant", "not_compliant")],
)  # fmt: skip
def test_ratings_are_read_from_the_words_people_use(typed, stored):
    assert read(self_rating=typed)[0].self_rating == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Focus group", "focus_group"), ("Voice of the Victim forum", "forum"), ("COMPLAINTS", "complaints")],
)
def test_sources_are_read_from_the_words_people_use(typed, stored):
    assert read(voice_source=typed)[0].voice_source == stored


def test_unknown_rating_and_source_are_refused():
    errors = read(self_rating="mostly", voice_source="twitter")[1]
    assert errors["self_rating"] == "Choose compliant, partially compliant or not compliant for right 3"
    assert errors["voice_source"].startswith("Choose where the victims' voice figure for right 3 comes from: survey")


@pytest.mark.parametrize(
    ("themes", "found"),
    [("Call me on 07700 900123 about my case", "a phone number"), ("Email jo.bloggs@example.org", "an email address")],
)
def test_themes_that_could_identify_someone_are_refused(themes, found):
    errors = read(voice_themes=themes)[1]
    assert (
        errors["voice_themes"] == f"The themes for right 3 contain {found}. Remove it: themes must not identify anyone"
    )


def test_an_empty_right_reads_as_empty_figures():
    figures, errors = read_figures({}, 5)
    assert errors == {} and figures.is_empty


def test_percentages_are_shown_without_trailing_zeros():
    assert format_percent(Decimal("82.50")) == "82.5"
    assert format_percent(Decimal("70.00")) == "70"
    assert format_percent(33.333) == "33.33"
