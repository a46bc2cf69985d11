"""Reading department and people names as staff write them, by a few clear rules.

A value is read as a name when exactly one name fits the first rule that fits any: the same
name in other case and spacing; a known abbreviation; the name's initials ("CM" for Contact
Management, "L Lead" for Lee Lead); or a unique leading part ("Contact" for Contact Management).
"""

import difflib
import re
from dataclasses import dataclass, field

WORDS = re.compile(r"[a-z0-9]+")
# Words people drop from a department's initials, as in "VCU" for Victim Care Unit and the Victims Code.
SMALL_WORDS = {"and", "of", "the", "for", "&"}
# Abbreviations staff use that initials do not give.
KNOWN_ABBREVIATIONS = {"mgmt": "management", "mgt": "management", "dept": "department", "svcs": "services"}


@dataclass
class NameReading:
    """How a value was read: the one name it names (with the rule), or the best guesses when none or several fit."""

    value: str
    name: str | None = None
    rule: str = ""
    guesses: list = field(default_factory=list)


def words(value):
    """The value's words, lower case, with known abbreviations spelt out."""
    return [KNOWN_ABBREVIATIONS.get(word, word) for word in WORDS.findall((value or "").lower())]


def _initials(name):
    return "".join(word[0] for word in words(name) if word not in SMALL_WORDS)


def _person_initials(value, name):
    # "L Lead" or "L. Lead": an initial for each given name, then the family name in full.
    given, family = words(value), words(name)
    if len(given) < 2 or len(given) != len(family) or given[-1] != family[-1]:
        return False
    return all(len(part) == 1 and part == full[0] for part, full in zip(given[:-1], family[:-1], strict=True))


RULES = (
    ("exact", lambda value, name: words(value) == words(name)),
    ("initials", lambda value, name: len(words(value)) == 1 and words(value)[0] == _initials(name)),
    ("initials", _person_initials),
    ("leading part", lambda value, name: words(name)[: len(words(value))] == words(value) and bool(words(value))),
)


def read_name(value, names):
    """Read `value` as one of `names` by the first rule that fits exactly one; otherwise give guesses."""
    for rule, fits in RULES:
        found = [name for name in names if fits(value, name)]
        if len(found) == 1:
            return NameReading(value, found[0], rule)
        if len(found) > 1:
            return NameReading(value, guesses=sorted(found)[:3])
    lowered = {" ".join(words(name)): name for name in names}
    close = difflib.get_close_matches(" ".join(words(value)), list(lowered), n=3, cutoff=0.6)
    return NameReading(value, guesses=[lowered[c] for c in close])


def read_as_note(label, reading):
    """The dry run's line for a value read by a rule other than exact spelling."""
    return f"{label} “{reading.value}” read as {reading.name}"


def guesses_text(reading):
    """' Did you mean A or B?' or ''."""
    if not reading.guesses:
        return ""
    if len(reading.guesses) == 1:
        return f" Did you mean {reading.guesses[0]}?"
    return f" Did you mean {', '.join(reading.guesses[:-1])} or {reading.guesses[-1]}?"
