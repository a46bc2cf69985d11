"""Server-side SVG charts that read in greyscale and to a screen reader.

Every chart has a <title> and <desc>, text labels with the figures, and BRAG series carry a
pattern as well as a colour. Pages show the same figures in a table beside the chart.
"""

from dataclasses import dataclass, field
from itertools import count
from xml.sax.saxutils import escape

from markupsafe import Markup

BRAG_SERIES = {
    "blue": ("Blue", "#1d70b8", "solid"),
    "red": ("Red", "#d4351c", "diagonal"),
    "amber": ("Amber", "#ffbf47", "dots"),
    "green": ("Green", "#00703c", "cross"),
}
_ids = count(1)


@dataclass
class Series:
    """One series of a chart: a name, a fill colour, a greyscale pattern and a value per category."""

    name: str
    colour: str
    pattern: str = "solid"
    values: list = field(default_factory=list)


def brag_series(counts_by_category, categories, order=("red", "amber", "green", "blue")):
    """Series for a stacked BRAG chart from {category: {rag: count}}."""
    return [
        Series(
            BRAG_SERIES[rag][0],
            BRAG_SERIES[rag][1],
            BRAG_SERIES[rag][2],
            [counts_by_category.get(c, {}).get(rag, 0) for c in categories],
        )
        for rag in order
    ]


def _patterns(prefix, series):
    defs = []
    for index, item in enumerate(series):
        pid = f"{prefix}-p{index}"
        mark = {
            "diagonal": '<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>',
            "dots": '<circle cx="4" cy="4" r="1.6" fill="#0b0c0c"/>',
            "cross": '<path d="M4,0 V8 M0,4 H8" stroke="#ffffff" stroke-width="1.5"/>',
            "hatch": '<path d="M0,0 L8,8" stroke="#0b0c0c" stroke-width="1.5"/>',
        }.get(item.pattern, "")
        defs.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{item.colour}"/>{mark}</pattern>'
        )
    return "<defs>" + "".join(defs) + "</defs>"


def _frame(chart_id, title, description, width, height, body):
    return Markup(
        f'<svg class="app-chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="14">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _legend(prefix, series, y):
    parts, x = [], 0
    for index, item in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="url(#{prefix}-p{index})" stroke="#0b0c0c"/>'
            f'<text x="{x + 22}" y="{y + 13}" fill="#0b0c0c">{escape(item.name)}</text>'
        )
        x += 34 + 8 * len(item.name)
    return "".join(parts)


def stacked_bar_chart(title, description, categories, series, *, label_width=220, width=720, segment_titles=True):
    """Horizontal stacked bars, one per category, with each segment's count written on it.

    Each series is painted as one shape of all its segments: a PDF renderer fills a pattern once per
    shape, not once per bar. segment_titles adds a hover title to each segment, for pages on screen.
    """
    chart_id = f"chart{next(_ids)}"
    bar, gap, top = 24, 12, 34
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    scale = (width - label_width - 60) / max(max(totals, default=0), 1)
    rows, shapes, titles = [], [[] for _ in series], []
    for i, category in enumerate(categories):
        y = top + i * (bar + gap)
        rows.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="#0b0c0c">{escape(str(category))}</text>'
        )
        x = label_width
        for index, item in enumerate(series):
            value = item.values[i]
            if not value:
                continue
            w = value * scale
            shapes[index].append(f"M{x:.1f},{y}h{w:.1f}v{bar}h{-w:.1f}z")
            if segment_titles:
                titles.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="transparent">'
                    f"<title>{escape(str(category))}: {value} {escape(item.name)}</title></rect>"
                )
            if w >= 22:
                # A white plate behind the figure keeps it legible on every pattern; a stroked halo
                # would need paint-order, which PDF renderers such as WeasyPrint do not support.
                plate = 9 * len(str(value)) + 6
                rows.append(
                    f'<rect x="{x + (w - plate) / 2:.1f}" y="{y + 4}" width="{plate}" height="16" fill="#ffffff"/>'
                    f'<text x="{x + w / 2:.1f}" y="{y + 17}" text-anchor="middle" fill="#0b0c0c" '
                    f'font-weight="bold">{value}</text>'
                )
            x += w
        rows.append(f'<text x="{x + 6:.1f}" y="{y + 17}" fill="#0b0c0c">{totals[i]}</text>')
    height = top + len(categories) * (bar + gap) + 8
    painted = "".join(
        f'<path d="{"".join(shape)}" fill="url(#{chart_id}-p{index})" stroke="#0b0c0c" stroke-width="0.5"/>'
        for index, shape in enumerate(shapes)
        if shape
    )
    body = _patterns(chart_id, series) + _legend(chart_id, series, 4) + painted + "".join(rows) + "".join(titles)
    return _frame(chart_id, title, description, width, height, body)


def paired_bar_chart(
    title, description, categories, first, second, *, label_width=220, width=720, unit="%", maximum=100
):
    """Two bars per category (e.g. self-assessed compliance beside victims' voice), values written."""
    chart_id = f"chart{next(_ids)}"
    bar, gap, top = 16, 14, 34
    scale = (width - label_width - 60) / max(maximum, 1)
    rows = []
    for i, category in enumerate(categories):
        y = top + i * (2 * bar + gap)
        rows.append(
            f'<text x="{label_width - 8}" y="{y + bar + 5}" text-anchor="end" fill="#0b0c0c">{escape(str(category))}</text>'
        )
        for index, item in enumerate((first, second)):
            value = item.values[i]
            yy = y + index * bar
            if value is None:
                rows.append(
                    f'<text x="{label_width + 4}" y="{yy + 13}" fill="#505a5f">{escape(item.name)}: no data</text>'
                )
                continue
            w = float(value) * scale
            rows.append(
                f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar - 2}" fill="url(#{chart_id}-p{index})" stroke="#0b0c0c" stroke-width="0.5">'
                f"<title>{escape(str(category))}: {escape(item.name)} {value}{unit}</title></rect>"
                f'<text x="{label_width + w + 6:.1f}" y="{yy + 12}" fill="#0b0c0c">{value}{unit}</text>'
            )
    height = top + len(categories) * (2 * bar + gap) + 8
    body = _patterns(chart_id, [first, second]) + _legend(chart_id, [first, second], 4) + "".join(rows)
    return _frame(chart_id, title, description, width, height, body)
