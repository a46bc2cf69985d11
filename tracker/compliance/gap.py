"""The gap between what the force believes and what victims say, per right: pure arithmetic.

Gap = self-assessed figure minus victims' voice figure, in percentage points. A positive gap
means the force rates its compliance higher than victims experience it, which is what the group
acts on; so the largest positive gaps come first and only they can call for an action. A negative
gap means victims rate it higher than the force does. A gap that changes sign has reversed: it is
never described as having narrowed or widened, since its size alone would mislead.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from tracker.compliance.models import SelfRating, VoiceSource

NARROWED = "narrowed"
WIDENED = "widened"
UNCHANGED = "unchanged"
REVERSED = "reversed"
CLOSED = "closed"
OPENED = "opened"


@dataclass(frozen=True)
class OpenAction:
    """An open action linked to a right, as the gap view lists it."""

    id: int
    reference: str
    title: str
    status_label: str


@dataclass(frozen=True)
class GapRow:
    """One right's line of the gap table; every figure a plain number, ready for a snapshot."""

    right_id: int
    right_number: int
    right_title: str
    recorded: bool
    self_rating: str | None
    self_rating_label: str | None
    self_percent: float | None
    self_source: str
    self_figure: float | None
    self_from_rating: bool
    voice_percent: float | None
    voice_sample: int | None
    voice_source: str | None
    voice_source_label: str | None
    voice_themes: str
    small_sample: bool
    gap: float | None
    previous_gap: float | None
    direction: str | None
    change: float | None
    needs_action: bool
    open_actions: tuple = field(default=())

    @property
    def open_action_count(self):
        return len(self.open_actions)

    @property
    def right_label(self):
        return f"Right {self.right_number}"

    def as_dict(self):
        """The row as JSON-ready data (open actions as dicts)."""
        data = asdict(self)
        data["open_actions"] = [asdict(a) for a in self.open_actions]
        data["open_action_count"] = self.open_action_count
        return data


def self_figure(figures):
    """(figure compared, taken from the rating?): the percentage when given, else the rating's value."""
    if figures is None:
        return None, False
    if figures.self_percent is not None:
        return Decimal(figures.self_percent), False
    if figures.self_rating:
        return Decimal(SelfRating(figures.self_rating).percent), True
    return None, False


def gap_of(figures):
    """Self-assessed figure minus victims' voice, in points; None unless both are known."""
    figure, _ = self_figure(figures)
    if figure is None or figures.voice_percent is None:
        return None
    return figure - Decimal(figures.voice_percent)


def _sign(value):
    return (value > 0) - (value < 0)


def direction_of(gap, previous_gap):
    """How the gap moved since the previous quarter, and by how many points.

    Narrowed, widened or unchanged compare sizes on the same side; reversed (the other side now),
    closed (now none) and opened (none before) give the distance moved.
    """
    if gap is None or previous_gap is None:
        return None, None
    now, before = _sign(gap), _sign(previous_gap)
    if now != before:
        kind = CLOSED if now == 0 else OPENED if before == 0 else REVERSED
        return kind, abs(gap - previous_gap)
    change = abs(gap) - abs(previous_gap)
    if change < 0:
        return NARROWED, -change
    if change > 0:
        return WIDENED, change
    return UNCHANGED, Decimal(0)


def points_text(value):
    """A size in percentage points: '21 points', '1 point', '12.5 points'."""
    number = f"{abs(Decimal(str(value))):.1f}".removesuffix(".0")
    return f"{number} point{'' if number == '1' else 's'}"


def side_text(gap):
    """Where victims put the right against the force's own assessment: '21 points below', 'the same'."""
    if gap == 0:
        return "the same as"
    return f"{points_text(gap)} {'below' if gap > 0 else 'above'}"


@dataclass(frozen=True)
class GapMovement:
    """How a right's gap moved between two quarters, in words: a headline and what it means."""

    direction: str | None
    headline: str
    detail: str

    @property
    def detail_sentence(self):
        """The detail on its own, starting with a capital."""
        return self.detail[:1].upper() + self.detail[1:]

    @property
    def text(self):
        return f"{self.headline}: {self.detail}" if self.detail else self.headline


def gap_movement(gap, previous_gap):
    """The one wording of a gap's movement, for the gap view and the quarterly report alike."""
    if gap is None or previous_gap is None:
        if gap is None and previous_gap is None:
            return GapMovement(None, "Nothing to compare", "")
        return GapMovement(
            None,
            "Nothing to compare",
            f"there {'was' if previous_gap is None else 'is'} no gap "
            f"{'last' if previous_gap is None else 'this'} quarter",
        )
    direction, change = direction_of(Decimal(str(gap)), Decimal(str(previous_gap)))
    now = f"victims now rate it {side_text(gap)} the force's own assessment"
    before = "the same" if previous_gap == 0 else side_text(previous_gap)
    headline = {
        NARROWED: f"Narrowed by {points_text(change)}",
        WIDENED: f"Widened by {points_text(change)}",
        REVERSED: "Reversed",
        CLOSED: "Closed",
        OPENED: "Opened",
    }.get(direction, "No change")
    if direction == UNCHANGED:
        return GapMovement(direction, headline, f"victims still rate it {side_text(gap)} the force's own assessment")
    return GapMovement(direction, headline, f"{now}, from {before}")


def _number(value):
    return None if value is None else float(Decimal(value).quantize(Decimal("0.01")))


def build_row(right, figures, previous, open_actions, *, small_below, large_gap):
    """One right's row from this quarter's figures, last quarter's and the right's open actions."""
    figure, from_rating = self_figure(figures)
    gap = gap_of(figures) if figures is not None else None
    previous_gap = gap_of(previous) if previous is not None else None
    direction, change = direction_of(gap, previous_gap)
    voice = figures.voice_percent if figures is not None else None
    sample = figures.voice_sample if figures is not None else None
    rating = figures.self_rating if figures is not None else None
    source = figures.voice_source if figures is not None else None
    return GapRow(
        right_id=right.id,
        right_number=right.number,
        right_title=right.title,
        recorded=figures is not None,
        self_rating=rating,
        self_rating_label=SelfRating(rating).label if rating else None,
        self_percent=_number(figures.self_percent) if figures is not None else None,
        self_source=(figures.self_source or "") if figures is not None else "",
        self_figure=_number(figure),
        self_from_rating=from_rating,
        voice_percent=_number(voice),
        voice_sample=sample,
        voice_source=source,
        voice_source_label=VoiceSource(source).label if source else None,
        voice_themes=(figures.voice_themes or "") if figures is not None else "",
        small_sample=voice is not None and sample is not None and sample < small_below,
        gap=_number(gap),
        previous_gap=_number(previous_gap),
        direction=direction,
        change=_number(change),
        needs_action=gap is not None and gap >= large_gap and not open_actions,
        open_actions=tuple(open_actions),
    )


def rank_key(row):
    """Firm gaps first, biggest first; then gaps on small samples; then rights without a gap."""
    if row.gap is None:
        return (2, 0, row.right_number)
    return (1 if row.small_sample else 0, -row.gap, row.right_number)


def build_rows(rights, current, previous, open_actions, *, small_below, large_gap):
    """Rows for every right, ranked; current and previous map right id to figures."""
    rows = [
        build_row(
            right,
            current.get(right.id),
            previous.get(right.id),
            open_actions.get(right.id, ()),
            small_below=small_below,
            large_gap=large_gap,
        )
        for right in rights
    ]
    return sorted(rows, key=rank_key)
