"""The gap between self-assessment and victims' voice: arithmetic, ranking, small samples, direction."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tracker.compliance.figures import Figures
from tracker.compliance.gap import (
    CLOSED,
    NARROWED,
    OPENED,
    REVERSED,
    UNCHANGED,
    WIDENED,
    OpenAction,
    build_rows,
    direction_of,
    gap_movement,
    gap_of,
)

RIGHTS = [SimpleNamespace(id=100 + n, number=n, title=f"Right number {n}") for n in range(1, 13)]
SMALL_BELOW = 30
LARGE_GAP = 15


def figures(self_percent=None, voice=None, sample=50, rating=None, source="survey"):
    return Figures(
        self_rating=rating,
        self_percent=None if self_percent is None else Decimal(str(self_percent)),
        voice_percent=None if voice is None else Decimal(str(voice)),
        voice_sample=sample if voice is not None else None,
        voice_source=source if voice is not None else None,
    )


def rows_for(current, previous=None, actions=None, **kwargs):
    by_id = {RIGHTS[n - 1].id: value for n, value in current.items()}
    before = {RIGHTS[n - 1].id: value for n, value in (previous or {}).items()}
    open_actions = {RIGHTS[n - 1].id: value for n, value in (actions or {}).items()}
    return build_rows(
        RIGHTS,
        by_id,
        before,
        open_actions,
        small_below=kwargs.get("small_below", SMALL_BELOW),
        large_gap=kwargs.get("large_gap", LARGE_GAP),
    )


def row_for(rows, number):
    return next(row for row in rows if row.right_number == number)


def test_gap_is_self_assessed_percentage_minus_victims_voice():
    assert gap_of(figures(92.5, 60)) == Decimal("32.5")
    assert gap_of(figures(40, 55)) == Decimal("-15")


@pytest.mark.parametrize(
    ("rating", "expected_gap"),
    [("compliant", Decimal(40)), ("partial", Decimal(-10)), ("not_compliant", Decimal(-60))],
)
def test_a_rating_without_a_percentage_counts_as_100_50_or_0(rating, expected_gap):
    rows = rows_for({4: figures(rating=rating, voice=60)})
    row = row_for(rows, 4)
    assert gap_of(figures(rating=rating, voice=60)) == expected_gap
    assert row.self_from_rating is True
    assert row.gap == float(expected_gap)


def test_a_percentage_beats_the_rating_when_both_are_given():
    row = row_for(rows_for({2: figures(70, 60, rating="compliant")}), 2)
    assert row.self_figure == 70.0 and row.self_from_rating is False and row.gap == 10.0
    assert row.self_rating_label == "Compliant"


def test_no_gap_without_both_measures():
    rows = rows_for({1: figures(80), 2: figures(voice=40)})
    assert row_for(rows, 1).gap is None and row_for(rows, 2).gap is None
    assert row_for(rows, 1).recorded and not row_for(rows, 3).recorded


def test_firm_gaps_come_first_biggest_first_then_small_samples_then_no_gap():
    rows = rows_for(
        {
            1: figures(90, 80),  # 10, firm
            2: figures(95, 40, sample=12),  # 55, small sample
            3: figures(90, 50),  # 40, firm
            4: figures(60, 70),  # -10, firm
            5: figures(85, 60, sample=29),  # 25, small sample
            6: figures(80),  # no gap
        }
    )
    order = [row.right_number for row in rows]
    assert order[:6] == [3, 1, 4, 2, 5, 6]
    # Every right of the Code has a row, whether or not it has figures.
    assert sorted(order) == list(range(1, 13))


def test_equal_gaps_are_listed_by_right_number():
    rows = rows_for({7: figures(80, 60), 2: figures(70, 50)})
    assert [row.right_number for row in rows[:2]] == [2, 7]


@pytest.mark.parametrize(("sample", "small"), [(1, True), (29, True), (30, False), (400, False)])
def test_samples_under_the_setting_are_marked_small(sample, small):
    row = row_for(rows_for({3: figures(80, 50, sample=sample)}), 3)
    assert row.small_sample is small


def test_small_sample_setting_is_honoured():
    row = row_for(rows_for({3: figures(80, 50, sample=45)}, small_below=50), 3)
    assert row.small_sample is True


def test_a_self_assessment_alone_is_never_a_small_sample():
    assert row_for(rows_for({3: figures(80)}), 3).small_sample is False


@pytest.mark.parametrize(
    ("now", "before", "direction", "change"),
    [
        (Decimal(20), Decimal(30), NARROWED, Decimal(10)),
        (Decimal(30), Decimal(20), WIDENED, Decimal(10)),
        (Decimal(12), Decimal(12), UNCHANGED, Decimal(0)),
        (Decimal(-20), Decimal(-12), WIDENED, Decimal(8)),
        (Decimal(-5), Decimal(25), REVERSED, Decimal(30)),
        (Decimal(-10), Decimal(10), REVERSED, Decimal(20)),
        (Decimal(0), Decimal(21), CLOSED, Decimal(21)),
        (Decimal(5), Decimal(0), OPENED, Decimal(5)),
        (Decimal(0), Decimal(0), UNCHANGED, Decimal(0)),
        (Decimal(10), None, None, None),
        (None, Decimal(10), None, None),
    ],
)
def test_direction_compares_the_size_of_the_gap_with_last_quarter_on_the_same_side(now, before, direction, change):
    assert direction_of(now, before) == (direction, change)


MOVEMENTS = [
    # Right 12 went from 21 points below to 10 points above: its size fell, but it reversed.
    (-10, 21, "Reversed: victims now rate it 10 points above the force's own assessment, from 21 points below"),
    (10, -10, "Reversed: victims now rate it 10 points below the force's own assessment, from 10 points above"),
    (
        16,
        21,
        "Narrowed by 5 points: victims now rate it 16 points below the force's own assessment, from 21 points below",
    ),
    (
        -12.5,
        -20,
        "Narrowed by 7.5 points: victims now rate it 12.5 points above the force's own assessment, "
        "from 20 points above",
    ),
    (
        22,
        21,
        "Widened by 1 point: victims now rate it 22 points below the force's own assessment, from 21 points below",
    ),
    (21, 21, "No change: victims still rate it 21 points below the force's own assessment"),
    (0, 21, "Closed: victims now rate it the same as the force's own assessment, from 21 points below"),
    (-5, 0, "Opened: victims now rate it 5 points above the force's own assessment, from the same"),
    (0, 0, "No change: victims still rate it the same as the force's own assessment"),
    (21, None, "Nothing to compare: there was no gap last quarter"),
    (None, 21, "Nothing to compare: there is no gap this quarter"),
    (None, None, "Nothing to compare"),
]


@pytest.mark.parametrize(("now", "before", "words"), MOVEMENTS)
def test_the_movement_of_a_gap_says_which_side_it_is_on_now_and_was_on_before(now, before, words):
    assert gap_movement(now, before).text == words


def test_rows_carry_last_quarters_gap_and_direction():
    rows = rows_for(
        {3: figures(90, 70), 4: figures(80, 40), 5: figures(80, 50)},
        previous={3: figures(90, 50), 4: figures(80, 60)},
    )
    narrowed, widened, first = row_for(rows, 3), row_for(rows, 4), row_for(rows, 5)
    assert (narrowed.direction, narrowed.change, narrowed.previous_gap) == (NARROWED, 20.0, 40.0)
    assert (widened.direction, widened.change, widened.previous_gap) == (WIDENED, 20.0, 20.0)
    assert first.direction is None and first.previous_gap is None


def test_large_gap_without_an_open_action_needs_an_action():
    action = OpenAction(1, "VV-001", "Rewrite the letter", "In progress")
    rows = rows_for(
        {
            1: figures(80, 65),  # exactly the threshold
            2: figures(80, 66),  # just under
            3: figures(90, 40),  # large, but has an open action
            4: figures(40, 90),  # victims rate it higher: nothing to put right
        },
        actions={3: [action]},
    )
    assert row_for(rows, 1).needs_action is True
    assert row_for(rows, 2).needs_action is False
    assert row_for(rows, 3).needs_action is False and row_for(rows, 3).open_action_count == 1
    assert row_for(rows, 4).needs_action is False


def test_rows_are_plain_data_for_a_report_snapshot():
    row = row_for(rows_for({3: figures(82.5, 41.25, sample=64)}), 3)
    data = row.as_dict()
    assert data["gap"] == 41.25 and data["voice_sample"] == 64 and data["voice_source_label"] == "Victim survey"
    assert data["open_actions"] == [] and data["open_action_count"] == 0
    assert data["right_number"] == 3 and data["right_title"] == "Right number 3"
