"""Reading what people type into plan spreadsheets."""

from datetime import date, datetime

import pytest

from tracker.spreadsheets import cells
from tracker.spreadsheets.columns import EXPORT_COLUMNS, guess_field, guess_mapping, mapping_problems
from tracker.spreadsheets.rows import split_commentary


@pytest.mark.parametrize(
    "raw",
    [
        "30/09/2026",
        "30/9/26",
        "30-09-2026",
        "30.09.2026",
        "2026-09-30",
        "30 Sept 2026",
        "30 Sep 2026",
        "30 September 2026",
        "30th September 2026",
        " 30 sept. 2026 ",
        46295,
        "46295",
        datetime(2026, 9, 30, 0, 0),
        date(2026, 9, 30),
    ],
)
def test_uk_dates_and_excel_serials_all_read_as_the_same_day(raw):
    assert cells.parse_date(raw) == date(2026, 9, 30)


@pytest.mark.parametrize("raw", ["TBC", "Q3", "31/09/2026", "30 Septober 2026", 12, "09/30/2026"])
def test_unreadable_dates_say_what_was_wrong(raw):
    with pytest.raises(cells.CellError) as error:
        cells.parse_date(raw)
    assert str(raw) in str(error.value)


def test_empty_date_is_none():
    assert cells.parse_date(None) is None and cells.parse_date("  ") is None


@pytest.mark.parametrize(
    ("raw", "rag"),
    [("R", "red"), ("a", "amber"), ("Green", "green"), ("AMBER ", "amber"), ("Blue", "blue"), ("Amber/Green", "amber")],
)
def test_rag_letters_and_words(raw, rag):
    assert cells.parse_rag(raw) == rag


@pytest.mark.parametrize(
    ("fill", "rag"), [("FF0000", "red"), ("FFC000", "amber"), ("00B050", "green"), ("FFFFFF", None)]
)
def test_rag_from_the_cell_colour_when_the_cell_is_empty(fill, rag):
    assert cells.parse_rag(None, fill) == rag


def test_unknown_rag_is_refused():
    with pytest.raises(cells.CellError, match="Purple"):
        cells.parse_rag("Purple")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("In progress", "in_progress"),
        ("on track", "in_progress"),
        ("Completed", "complete"),
        ("Not started", "not_started"),
    ],
)
def test_status_labels_and_synonyms(raw, status):
    assert cells.parse_status(raw) == status


@pytest.mark.parametrize(("raw", "progress"), [("40%", 40), (40, 40), (0.4, 40), ("100", 100), (None, None)])
def test_progress_as_percentages(raw, progress):
    assert cells.parse_progress(raw) == progress


def test_progress_from_a_percent_formatted_cell():
    assert cells.parse_progress(1, percent_format=True) == 100


def test_progress_out_of_range_is_refused():
    with pytest.raises(cells.CellError, match="150%"):
        cells.parse_progress("150")


@pytest.mark.parametrize("raw", ["3, 6", "Right 3; Right 6", "R3/R6", "3 and 6", "6,3"])
def test_rights_written_in_many_ways(raw):
    assert cells.parse_numbers(raw) == [3, 6]


def test_text_is_trimmed_and_formula_guard_removed():
    assert cells.text("  Revise   the letter  ") == "Revise the letter"
    assert cells.text("'=SUM(A1)") == "=SUM(A1)"


def test_commentary_splits_into_dated_entries():
    entries = split_commentary("12/03/2026 - Walked through calls\nwith the team\n2 April 2026: Draft map shared")
    assert [(e.day, e.narrative) for e in entries] == [
        (date(2026, 3, 12), "Walked through calls\nwith the team"),
        (date(2026, 4, 2), "Draft map shared"),
    ]


def test_undated_commentary_takes_the_fallback_day():
    [entry] = split_commentary("Letter agreed with legal", date(2026, 5, 1))
    assert entry.day == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Action", "title"),
        ("Owner", "owner"),
        ("Lead ", "owner"),
        ("Due date", "original_due_date"),
        ("Deadline", "original_due_date"),
        ("RAG", "rag"),
        ("Status", "status"),
        ("Code right(s)", "rights"),
        ("Update / commentary", "commentary"),
        ("Action owner's email", "owner_email"),
        ("Rule BRAG", ""),
        ("Colour of the sky", ""),
    ],
)
def test_common_headings_are_recognised(heading, field):
    assert guess_field(heading) == field


def test_every_export_heading_maps_back_without_clashes():
    fields = guess_mapping([heading for heading, _ in EXPORT_COLUMNS])
    assert not mapping_problems(fields)
    assert {"reference", "title", "owner", "owner_email", "current_due_date", "rag", "rights"} <= set(fields)
    assert fields[[h for h, _ in EXPORT_COLUMNS].index("BRAG reasons")] == ""


def test_hidden_columns_are_not_imported_by_default():
    assert guess_mapping(["Action", "Deadline", "Deadline"], hidden={1}) == ["title", "", "original_due_date"]
