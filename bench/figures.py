"""The benchmark's figures: each with its target and verdict, printed as a table and kept as JSON."""

from dataclasses import asdict, dataclass

NOT_AVAILABLE = "not available"


@dataclass
class Figure:
    """One measured figure (or the reason it could not be measured)."""

    group: str
    name: str
    value: str
    target: str = ""
    verdict: str = ""
    number: float | None = None
    detail: str = ""


class Figures:
    """The figures of one run, in the order they were measured."""

    def __init__(self):
        self.items = []

    def add(self, group, name, value, target="", ok=None, number=None, detail=""):
        verdict = "" if ok is None else ("meets" if ok else "misses")
        self.items.append(Figure(group, name, value, target, verdict, number, detail))

    def missing(self, group, name, reason, target=""):
        self.items.append(Figure(group, name, NOT_AVAILABLE, target, NOT_AVAILABLE, None, reason))

    def error(self, group, name, message, target=""):
        self.items.append(Figure(group, name, "error", target, "error", None, message))

    def as_json(self):
        return [asdict(item) for item in self.items]

    def table(self):
        """A plain-text table, one figure a line, grouped."""
        widths = [
            max(len(getattr(item, column)) for item in self.items) if self.items else 0
            for column in ("name", "value", "target")
        ]
        groups = {}
        for item in self.items:
            groups.setdefault(item.group, []).append(item)
        lines = []
        for group, items in groups.items():
            lines.append(f"\n{group}")
            lines += [self._row(item, widths) for item in items]
        return "\n".join(lines).lstrip("\n")

    @staticmethod
    def _row(item, widths):
        row = f"  {item.name:<{widths[0]}}  {item.value:>{widths[1]}}  {item.target:<{widths[2]}}  {item.verdict}"
        return row.rstrip() + (f"  ({item.detail})" if item.detail else "")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def mib(value):
    return f"{value:.0f} MiB"
