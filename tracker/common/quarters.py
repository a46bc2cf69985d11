"""UK financial-year quarters: Q1 April-June ... Q4 January-March, written '2026/27 Q3'."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Financial years a quarter may start in: a plan's dates fall far inside these, and any date of them is real.
FIRST_YEAR, LAST_YEAR = 1990, 2199
_PATTERN = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s*[-\s]?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter; fy_start is the calendar year in which the year begins."""

    fy_start: int
    number: int

    @classmethod
    def parse(cls, text):
        """Read '2026/27 Q3' or '2026/27-Q3'; raise ValueError otherwise."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"'{text}' is not a quarter like 2026/27 Q3")
        start, end, number = int(match[1]), int(match[2]), int(match[3])
        if not FIRST_YEAR <= start <= LAST_YEAR:
            raise ValueError(
                f"'{text}' is not a quarter the tracker can hold: years run from {FIRST_YEAR} to {LAST_YEAR}"
            )
        if (start + 1) % 100 != end:
            raise ValueError(f"'{text}' is not a financial year: {start}/{(start + 1) % 100:02d} is")
        return cls(start, number)

    @property
    def label(self):
        """'2026/27 Q3'."""
        return f"{self.fy_start}/{(self.fy_start + 1) % 100:02d} Q{self.number}"

    @property
    def slug(self):
        """'2026-27-Q3', safe in URLs and file names."""
        return f"{self.fy_start}-{(self.fy_start + 1) % 100:02d}-Q{self.number}"

    @classmethod
    def from_slug(cls, slug):
        """Read a slug made by `slug`."""
        start, end, number = slug.split("-")
        return cls.parse(f"{start}/{end} {number}")

    @property
    def start(self):
        """The first day of the quarter."""
        month = 4 + 3 * (self.number - 1)
        year = self.fy_start
        if month > 12:
            month -= 12
            year += 1
        return date(year, month, 1)

    @property
    def end(self):
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def next(self):
        """The following quarter."""
        if self.number == 4:
            return Quarter(self.fy_start + 1, 1)
        return Quarter(self.fy_start, self.number + 1)

    def previous(self):
        """The preceding quarter."""
        if self.number == 1:
            return Quarter(self.fy_start - 1, 4)
        return Quarter(self.fy_start, self.number - 1)

    def contains(self, day):
        """True when the day falls within the quarter."""
        return self.start <= day <= self.end

    def __str__(self):
        return self.label


def quarter_of(day):
    """The financial-year quarter a date falls in."""
    fy_start = day.year if day.month >= 4 else day.year - 1
    number = ((day.month - 4) % 12) // 3 + 1
    return Quarter(fy_start, number)
