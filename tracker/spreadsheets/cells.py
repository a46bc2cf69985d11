"""Reading the values people type into plan spreadsheets: UK dates, RAG, status, progress, lists.

Each reader takes a raw cell value (text, number, date) and returns a clean value or raises
CellError with a sentence saying what was wrong, for the dry run to show against the row.
"""

import re
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from tracker.plan.models import SOURCE_LABELS, STATUS_LABELS, Rag, Source, Status


class CellError(ValueError):
    """A cell whose value cannot be understood; the message is shown to the admin."""


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
WORDY_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{2}|\d{4})")
SPACES = re.compile(r"[ \t\u00a0]+")
SERIAL_TEXT = re.compile(r"\d{5}(\.0+)?")
PERCENT_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*%?")
NOT_LETTERS = re.compile(r"[^a-z]")
RUNS_OF_SPACE = re.compile(r"\s+")
DIGITS = re.compile(r"\d+")
NAME_SEPARATORS = re.compile(r"[;\n]")
# Excel serial numbers for 1 January 2000 to 31 December 2099: anything else is not a date.
SERIAL_RANGE = (36526, 73050)


def text(value):
    """A cell as tidy text: trimmed, inner runs of spaces collapsed, None for empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    cleaned = str(value).strip()
    if "  " in cleaned or "\t" in cleaned or "\u00a0" in cleaned:
        cleaned = SPACES.sub(" ", cleaned)
    # A leading apostrophe is how spreadsheets (and our CSV export) keep text from becoming a formula.
    if cleaned.startswith("'") and cleaned[1:2] in ("=", "+", "-", "@"):
        cleaned = cleaned[1:]
    return cleaned or None


def multiline_text(value):
    """A cell of running text, keeping its line breaks but trimming each line."""
    if value is None:
        return None
    lines = [SPACES.sub(" ", line).strip() for line in str(value).replace("\r\n", "\n").split("\n")]
    cleaned = "\n".join(lines).strip()
    if cleaned.startswith("'") and cleaned[1:2] in ("=", "+", "-", "@"):
        cleaned = cleaned[1:]
    return cleaned or None


def _year(digits):
    year = int(digits)
    return year + 2000 if year < 100 else year


def _build(year, month, day, raw):
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{raw}' is not a real date") from None


def parse_date(value):
    """A date from a date cell, an Excel serial number or UK text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value, value)
    raw = text(value)
    if raw is None:
        return None
    lowered = raw.lower()
    if SERIAL_TEXT.fullmatch(lowered):
        return _serial(float(lowered), raw)
    if match := ISO_DATE.fullmatch(lowered):
        return _build(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := NUMERIC_DATE.fullmatch(lowered):
        return _build(_year(match[3]), int(match[2]), int(match[1]), raw)
    if (match := WORDY_DATE.fullmatch(lowered)) and match[2] in MONTHS:
        return _build(_year(match[3]), MONTHS[match[2]], int(match[1]), raw)
    raise CellError(f"'{raw}' is not a date. Write dates like 30/09/2026 or 30 September 2026")


def _serial(number, raw):
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise CellError(f"'{raw}' is not a date. Write dates like 30/09/2026 or 30 September 2026")
    return from_excel(number).date()


def leading_date(line):
    """Split '12/03/2026 - Letters drafted' into (date, 'Letters drafted'); (None, line) without a date."""
    match = re.match(
        r"\s*(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?\s+\d{4})"
        r"\s*[:\-\u2013\u2014)]?\s*",
        line,
    )
    if not match:
        return None, line
    try:
        return parse_date(match[1]), line[match.end() :].strip()
    except CellError:
        return None, line


def parse_progress(value, percent_format=False):
    """Progress as a whole percentage 0-100; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value * 100 if percent_format or (isinstance(value, float) and 0 < value < 1) else value
    else:
        raw = text(value) or ""
        match = PERCENT_TEXT.fullmatch(raw)
        if not match:
            raise CellError(f"Progress '{raw}' is not a number. Write it as a percentage, like 40%")
        number = float(match[1])
    number = round(number)
    if not 0 <= number <= 100:
        raise CellError(f"Progress {number}% is not between 0% and 100%")
    return int(number)


RAG_WORDS = {
    "r": Rag.RED,
    "red": Rag.RED,
    "a": Rag.AMBER,
    "amber": Rag.AMBER,
    "orange": Rag.AMBER,
    "yellow": Rag.AMBER,
    "g": Rag.GREEN,
    "green": Rag.GREEN,
    "b": Rag.BLUE,
    "blue": Rag.BLUE,
    "complete": Rag.BLUE,
}


def parse_rag(value, fill=None):
    """A BRAG colour from R/A/G/B, a colour word, or the cell's fill colour; None when empty."""
    raw = text(value)
    if raw is None:
        return rag_from_fill(fill)
    word = NOT_LETTERS.sub("", raw.lower().split("/")[0].split("(")[0])
    if word in RAG_WORDS:
        return RAG_WORDS[word].value
    raise CellError(f"RAG '{raw}' is not recognised. Write Red, Amber or Green (or R, A, G)")


def rag_from_fill(fill):
    """The BRAG colour nearest a cell's solid fill (an 'RRGGBB' hex string), or None."""
    if not fill or len(fill) != 6:
        return None
    red, green, blue = (int(fill[i : i + 2], 16) for i in (0, 2, 4))
    if max(red, green, blue) - min(red, green, blue) < 60:
        return None  # white, grey or black: no colour meant
    if blue > red and blue > green:
        return Rag.BLUE.value
    if red > 150 and green > 100:
        return Rag.AMBER.value
    if red > green:
        return Rag.RED.value
    return Rag.GREEN.value


STATUS_WORDS = {label.lower(): status.value for status, label in STATUS_LABELS.items()}
STATUS_WORDS.update({status.value.replace("_", " "): status.value for status in Status})
STATUS_WORDS.update(
    {
        "not yet started": Status.NOT_STARTED.value,
        "open": Status.IN_PROGRESS.value,
        "ongoing": Status.IN_PROGRESS.value,
        "on track": Status.IN_PROGRESS.value,
        "in hand": Status.IN_PROGRESS.value,
        "started": Status.IN_PROGRESS.value,
        "on hold": Status.BLOCKED.value,
        "stalled": Status.BLOCKED.value,
        "completed": Status.COMPLETE.value,
        "done": Status.COMPLETE.value,
        "closed": Status.COMPLETE.value,
        "awaiting signoff": Status.AWAITING_SIGNOFF.value,
        "awaiting sign off": Status.AWAITING_SIGNOFF.value,
        "for sign-off": Status.AWAITING_SIGNOFF.value,
        "canceled": Status.CANCELLED.value,
        "withdrawn": Status.CANCELLED.value,
    }
)


def parse_status(value):
    """A status value from its label or a common synonym; None when empty."""
    raw = text(value)
    if raw is None:
        return None
    key = RUNS_OF_SPACE.sub(" ", raw.lower().replace("_", " ")).strip(" .")
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    raise CellError(f"Status '{raw}' is not recognised. Use Not started, In progress, Blocked, Complete or Cancelled")


SOURCE_KEYWORDS = (
    ("self-assessment", Source.SELF_ASSESSMENT),
    ("self assessment", Source.SELF_ASSESSMENT),
    ("focus group", Source.FOCUS_GROUP),
    ("hmicfrs", Source.INSPECTION),
    ("inspection", Source.INSPECTION),
    ("forum", Source.FORUM),
    ("journey", Source.JOURNEY_MAPPING),
    ("complaint", Source.COMPLAINTS),
)


def parse_source(value):
    """A source value from its label, its code or a keyword; 'other' when not recognised."""
    raw = text(value)
    if raw is None:
        return Source.OTHER.value
    lowered = raw.lower()
    for source, label in SOURCE_LABELS.items():
        if lowered in (label.lower(), source.value, source.value.replace("_", " ")):
            return source.value
    for keyword, source in SOURCE_KEYWORDS:
        if keyword in lowered:
            return source.value
    return Source.OTHER.value


def parse_numbers(value):
    """Whole numbers in a list cell: '3, 6', 'Right 3; Right 6', 'R3/R6' all give [3, 6]."""
    if value is None or value == "":
        return []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [int(value)]
    return sorted({int(n) for n in DIGITS.findall(str(value))})


def parse_names(value):
    """Names separated by semicolons or line breaks: 'Online reporting; Witness care'."""
    raw = multiline_text(value)
    if raw is None:
        return []
    return [part.strip() for part in NAME_SEPARATORS.split(raw) if part.strip()]
