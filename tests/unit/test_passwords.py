"""The password policy follows NCSC guidance: long, not common, no composition rules, no expiry."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.auth.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problem


def test_length_runs_from_12_to_at_least_64():
    assert MIN_LENGTH == 12 and MAX_LENGTH >= 64
    eleven, twelve, sixty_four = "plum kettle", "plum kettles", "orchard lantern " * 4
    assert (len(eleven), len(twelve), len(sixty_four)) == (11, 12, 64)
    assert password_problem(eleven) == "Password must be 12 characters or more"
    assert password_problem(twelve) is None
    assert password_problem(sixty_four) is None
    longest = ("orchard lantern " * 20)[:MAX_LENGTH]
    assert password_problem(longest) is None
    assert password_problem(longest + "x") == f"Password must be {MAX_LENGTH} characters or fewer"


@pytest.mark.parametrize(
    "password",
    ["all lower case words", "ALLUPPERCASEWORDS", "1048576327659", "no digits or symbols", "Ünïcödé pässwörd"],
)
def test_no_composition_rules(password):
    """Neither digits, capitals nor symbols are required: length and rarity are what count."""
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password", ["123qweasdzxc", "1QAZ2WSX3EDC", "victimscode123", "PoliceCommissioner", "aaaaaaaaaaaaaaaa"]
)
def test_common_passwords_are_refused_whatever_their_case(password):
    assert password_problem(password) == "Password is too common. Try three random words together"


def test_the_deny_list_is_shipped_with_the_app_and_large():
    """Checked offline: the list is a file in the package, tens of thousands of entries long."""
    entries = common_passwords()
    assert len(entries) > 25_000 and "password" in entries and "victimscode" in entries


def test_a_password_holding_the_persons_name_or_address_is_refused():
    message = "Password must not contain your name or email address"
    assert password_problem("alex.morgan-garden-gate", email="alex.morgan@force.police.uk") == message
    assert password_problem("my name is alexmorgan ok", name="Alex Morgan") == message
    assert password_problem("garden gate at dusk", email="alex.morgan@force.police.uk", name="Alex Morgan") is None


@settings(max_examples=60)
@given(st.text(min_size=MIN_LENGTH, max_size=MAX_LENGTH))
def test_any_long_enough_text_is_judged_on_rarity_alone(password):
    """Whatever the characters, a 12 to 128 character password is refused only for being common."""
    problem = password_problem(password)
    assert problem in (None, "Password is too common. Try three random words together")
