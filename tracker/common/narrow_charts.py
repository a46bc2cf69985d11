"""The charts' layout for narrow screens (320 CSS pixels, a 1280 pixel screen at 400% zoom).

A wide chart scaled down to a phone's width shrinks its labels to a few pixels. The narrow layout is
drawn at the width it is shown at, so its text stays at body size (16px): each category's label on
its own lines, then its bar with its number. Pages show both; the stylesheet shows one (app-chart--wide
from the tablet breakpoint up, app-chart--narrow below it). The PDF report keeps the wide chart only.
"""

from itertools import count
from xml.sax.saxutils import escape

from markupsafe import Markup

from tracker.common.charts import _patterns

WIDTH = 288  # 320 pixels less the page's margins: drawn at the size it is shown
FONT = 16  # GOV.UK body text below the tablet breakpoint
LINE = 20
CHARS_PER_LINE = 30  # Arial at 16px averages under 9.5px a character
_ids = count(1)


def _lines(label):
    """The label broken into lines that fit the width, at spaces."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > CHARS_PER_LINE:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines or [""]


def _label(label, y):
    parts = [
        f'<text x="0" y="{y + 15 + i * LINE}" fill="#0b0c0c">{escape(part)}</text>'
        for i, part in enumerate(_lines(label))
    ]
    return "".join(parts), y + LINE * len(parts) + 4


def _legend(prefix, series):
    parts, x, y = [], 0, 4
    for index, item in enumerate(series):
        width = 30 + 10 * len(item.name)
        if x and x + width > WIDTH:
            x, y = 0, y + 24
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="url(#{prefix}-p{index})" stroke="#0b0c0c"/>'
            f'<text x="{x + 22}" y="{y + 14}" fill="#0b0c0c">{escape(item.name)}</text>'
        )
        x += width
    return "".join(parts), y + 32


def _frame(chart_id, title, description, height, body):
    return Markup(
        f'<svg class="app-chart app-chart--narrow" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="{FONT}">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def narrow_stacked_bar_chart(title, description, categories, series):
    """A stacked bar per category under its label, with each segment's count and the total written."""
    chart_id = f"narrow{next(_ids)}"
    legend, y = _legend(chart_id, series)
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    scale = (WIDTH - 44) / max(max(totals, default=0), 1)
    shapes, texts = [[] for _ in series], [legend]
    for i, category in enumerate(categories):
        label, y = _label(category, y)
        texts.append(label)
        x = 0.0
        for index, item in enumerate(series):
            value = item.values[i]
            if not value:
                continue
            w = value * scale
            shapes[index].append(f"M{x:.1f},{y}h{w:.1f}v24h{-w:.1f}z")
            plate = 10 * len(str(value)) + 6
            if w >= plate + 4:
                texts.append(
                    f'<rect x="{x + (w - plate) / 2:.1f}" y="{y + 3}" width="{plate}" height="18" fill="#ffffff"/>'
                    f'<text x="{x + w / 2:.1f}" y="{y + 18}" text-anchor="middle" fill="#0b0c0c" font-weight="bold">{value}</text>'
                )
            x += w
        texts.append(f'<text x="{x + 6:.1f}" y="{y + 18}" fill="#0b0c0c">{totals[i]}</text>')
        y += 24 + 16
    painted = "".join(
        f'<path d="{"".join(shape)}" fill="url(#{chart_id}-p{index})" stroke="#0b0c0c" stroke-width="0.5"/>'
        for index, shape in enumerate(shapes)
        if shape
    )
    return _frame(chart_id, title, description, y, _patterns(chart_id, series) + painted + "".join(texts))


def narrow_paired_bar_chart(title, description, categories, first, second, *, unit="%", maximum=100):
    """Two bars per category under its label, each with its value written after it."""
    chart_id = f"narrow{next(_ids)}"
    legend, y = _legend(chart_id, [first, second])
    scale = (WIDTH - 64) / max(maximum, 1)
    parts = [legend]
    for i, category in enumerate(categories):
        label, y = _label(category, y)
        parts.append(label)
        for index, item in enumerate((first, second)):
            value = item.values[i]
            if value is None:
                parts.append(f'<text x="0" y="{y + 15}" fill="#505a5f">{escape(item.name)}: no data</text>')
            else:
                w = float(value) * scale
                parts.append(
                    f'<rect x="0" y="{y}" width="{w:.1f}" height="18" fill="url(#{chart_id}-p{index})" stroke="#0b0c0c" stroke-width="0.5"/>'
                    f'<text x="{w + 6:.1f}" y="{y + 15}" fill="#0b0c0c">{value}{unit}</text>'
                )
            y += 22
        y += 14
    return _frame(chart_id, title, description, y, _patterns(chart_id, [first, second]) + "".join(parts))


def for_every_width(wide, narrow):
    """A wide chart and its narrow layout together; the stylesheet shows the one that fits."""
    return Markup(str(wide).replace('class="app-chart"', 'class="app-chart app-chart--wide"', 1) + str(narrow))
