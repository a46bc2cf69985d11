"""The rule BRAG: every rule and every boundary, with the reasons a person reads."""

from types import SimpleNamespace

import pytest

from tests.brag_cases import CASES, TODAY, days
from tracker.plan.brag import RagResult, Thresholds, rule_rag


def fake_action(facts):
    return SimpleNamespace(**facts)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_gives_the_expected_brag(case):
    result = rule_rag(fake_action(case.facts), TODAY, Thresholds())
    assert result.rag == case.expected
    if case.reasons:
        assert result.reasons == case.reasons


def test_summary_answers_why_is_this_red():
    facts = next(c for c in CASES if c.name == "12 days overdue says so").facts
    assert rule_rag(fake_action(facts), TODAY).summary == "Red: 12 days past due date of 19 June 2026"


def test_every_result_has_a_reason_and_a_label():
    for case in CASES:
        result = rule_rag(fake_action(case.facts), TODAY)
        assert result.reasons, case.name
        assert result.label in {"Blue", "Red", "Amber", "Green", "Not rated"}


def test_due_today_reads_naturally():
    facts = next(c for c in CASES if c.name == "due today at 0% is red").facts
    assert rule_rag(fake_action(facts), TODAY).reasons == ("due today (1 July 2026) with progress at 0%",)


def test_red_reason_is_not_repeated_as_amber():
    facts = next(c for c in CASES if c.name == "due in 13 days at 49% is red").facts
    reasons = rule_rag(fake_action(facts), TODAY).reasons
    assert len(reasons) == 1 and reasons[0].startswith("due in 13 days")


def test_thresholds_are_settings_not_constants():
    facts = next(c for c in CASES if c.name == "healthy action is green").facts
    soon = dict(facts, current_due_date=days(20), progress=60)
    assert rule_rag(fake_action(soon), TODAY).rag == "amber"
    stricter = Thresholds(red_due_days=21, red_progress_below=70)
    assert rule_rag(fake_action(soon), TODAY, stricter).rag == "red"
    relaxed = Thresholds(amber_due_days=10)
    assert rule_rag(fake_action(soon), TODAY, relaxed).rag == "green"
    assert rule_rag(fake_action(dict(facts, extension_count=1)), TODAY, Thresholds(amber_extensions=1)).rag == "amber"
    stale = dict(facts, last_update_at=None, start_date=days(-10))
    assert rule_rag(fake_action(stale), TODAY, Thresholds(stale_days=10)).reasons == ("no update for 10 days",)


def test_thresholds_come_from_the_app_settings(app):
    configured = Thresholds.from_config(dict(app.config, RAG_RED_DUE_DAYS=7, RAG_STALE_DAYS=60))
    assert configured.red_due_days == 7 and configured.stale_days == 60
    assert configured.amber_due_days == app.config["RAG_AMBER_DUE_DAYS"]


def test_singular_day():
    assert RagResult("red", ("1 day past due date of 30 June 2026",)).summary.startswith("Red: 1 day past")
