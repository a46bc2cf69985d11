"""One right's figures for one quarter, read from what a person typed or a CSV cell held.

The entry form and the CSV upload share these rules, so both give the same messages.
"""

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tracker.common.input import is_whole_number
from tracker.compliance.models import SelfRating, VoiceSource

FIELDS = (
    "self_rating",
    "self_percent",
    "self_source",
    "voice_percent",
    "voice_sample",
    "voice_source",
    "voice_themes",
)
MAX_SOURCE = 300
MAX_THEMES = 2000
MAX_SAMPLE = 1_000_000

# Words people use for the ratings and sources, as well as the stored values.
RATING_WORDS = {
    "compliant": SelfRating.COMPLIANT,
    "fully compliant": SelfRating.COMPLIANT,
    "partial": SelfRating.PARTIAL,
    "partially": SelfRating.PARTIAL,
    "partially compliant": SelfRating.PARTIAL,
    "not compliant": SelfRating.NOT_COMPLIANT,
    "non compliant": SelfRating.NOT_COMPLIANT,
    "noncompliant": SelfRating.NOT_COMPLIANT,
}
SOURCE_WORDS = {source.value.replace("_", " "): source for source in VoiceSource} | {
    source.label.lower(): source for source in VoiceSource
}
# Themes are aggregate: refuse the commonest ways a person could be identified by accident.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")


@dataclass(frozen=True)
class Figures:
    """The force's self-assessment and the victims' voice measure for one right."""

    self_rating: str | None = None
    self_percent: Decimal | None = None
    self_source: str = ""
    voice_percent: Decimal | None = None
    voice_sample: int | None = None
    voice_source: str | None = None
    voice_themes: str = ""

    @property
    def is_empty(self):
        return all(value in (None, "") for value in asdict(self).values())

    @classmethod
    def of(cls, assessment):
        """The figures stored in an assessment (or empty ones for None)."""
        if assessment is None:
            return cls()
        return cls(**{name: getattr(assessment, name) for name in FIELDS})

    def as_text(self):
        """Each figure as it would be typed into the form."""
        return {name: display_value(getattr(self, name)) for name in FIELDS}


def display_value(value):
    """A stored figure as plain text: 82.50 becomes '82.5', None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_percent(value)
    return str(value)


def format_percent(value):
    """'82.5', '70', without trailing zeros."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _words(text):
    return re.sub(r"[\s_-]+", " ", (text or "").strip().lower())


def _percent(text, what, errors, field):
    text = (text or "").strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[field] = f"Enter {what} as a number, like 75 or 82.5"
        return None
    if not value.is_finite() or value < 0 or value > 100:
        errors[field] = f"{what[0].upper()}{what[1:]} must be between 0 and 100"
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sample(text, where, errors):
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    if not is_whole_number(text):
        errors["voice_sample"] = f"Enter the number of victims asked {where} as a whole number, like 45"
        return None
    value = int(text)
    if value > MAX_SAMPLE:
        errors["voice_sample"] = f"The number of victims asked {where} must be {MAX_SAMPLE:,} or fewer"
        return None
    return value


def _choice(text, words, field, message, errors):
    key = _words(text)
    if not key:
        return None
    if key not in words:
        errors[field] = message
        return None
    return words[key].value


def _text(text, limit, field, label, errors):
    text = (text or "").strip()
    if len(text) > limit:
        errors[field] = f"{label} must be {limit:,} characters or fewer"
    return text


def _identifying(themes):
    if EMAIL.search(themes):
        return "an email address"
    if PHONE.search(themes):
        return "a phone number"
    return None


def read_figures(raw, right_number):
    """Check one right's figures as typed; return (Figures, {}) or (None, {field: message})."""
    where = f"for right {right_number}"
    errors = {}
    rating = _choice(
        raw.get("self_rating"),
        RATING_WORDS,
        "self_rating",
        f"Choose compliant, partially compliant or not compliant {where}",
        errors,
    )
    figures = Figures(
        self_rating=rating,
        self_percent=_percent(raw.get("self_percent"), f"the self-assessed percentage {where}", errors, "self_percent"),
        self_source=_text(raw.get("self_source"), MAX_SOURCE, "self_source", f"The source {where}", errors),
        voice_percent=_percent(
            raw.get("voice_percent"), f"the victims' voice percentage {where}", errors, "voice_percent"
        ),
        voice_sample=_sample(raw.get("voice_sample"), where, errors),
        voice_source=_choice(
            raw.get("voice_source"),
            SOURCE_WORDS,
            "voice_source",
            f"Choose where the victims' voice figure {where} comes from: survey, focus group, forum, complaints or other",
            errors,
        ),
        voice_themes=_text(raw.get("voice_themes"), MAX_THEMES, "voice_themes", f"The themes {where}", errors),
    )
    _check_together(figures, right_number, errors)
    return (None, errors) if errors else (figures, {})


def _check_together(figures, right_number, errors):
    """Rules that join two figures; each message goes on the field a person should change."""
    where = f"for right {right_number}"
    if figures.self_source and figures.self_rating is None and figures.self_percent is None:
        errors.setdefault("self_rating", f"Give a self-assessed rating or percentage {where}, or remove the source")
    if figures.voice_percent is not None:
        if figures.voice_sample is None:
            errors.setdefault("voice_sample", f"Enter the number of victims asked {where}")
        elif figures.voice_sample == 0:
            errors.setdefault(
                "voice_sample", f"The number of victims asked {where} must be more than 0 to give a percentage"
            )
        if figures.voice_source is None:
            errors.setdefault("voice_source", f"Choose where the victims' voice figure {where} comes from")
    elif figures.voice_sample:
        errors.setdefault(
            "voice_percent",
            f"Enter the percentage of victims who said right {right_number} was met, or remove the number asked",
        )
    found = _identifying(figures.voice_themes)
    if found:
        errors.setdefault(
            "voice_themes", f"The themes {where} contain {found}. Remove it: themes must not identify anyone"
        )
