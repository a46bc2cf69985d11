"""Record each quarter's figures per right, and build the gap table other features show.

For the quarterly report: `gap_table(quarter_label)` and `gap_chart(rows)` read, never write.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import distinct, select

from tracker.audit.services import record
from tracker.common.charts import Series, paired_bar_chart
from tracker.common.input import is_whole_number
from tracker.common.narrow_charts import for_every_width, narrow_paired_bar_chart
from tracker.common.quarters import Quarter, quarter_of
from tracker.compliance.figures import FIELDS, Figures, format_percent
from tracker.compliance.gap import OpenAction, build_rows
from tracker.compliance.models import ComplianceAssessment
from tracker.extensions import db
from tracker.plan.models import OPEN_STATUSES, Action, Status, action_rights
from tracker.reference.services import current_rights

SELF_COLOUR = "#1d70b8"
VOICE_COLOUR = "#4c2c92"


class QuarterChanged(Exception):
    """Someone else saved figures for these rights after the form was opened."""

    def __init__(self, right_ids):
        super().__init__(f"figures changed for rights {sorted(right_ids)}")
        self.right_ids = set(right_ids)


@dataclass
class SaveSummary:
    """What a save did, for the message shown afterwards."""

    created: int = 0
    updated: int = 0
    removed: int = 0

    def add(self, outcome):
        if outcome:
            setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def changed(self):
        return self.created + self.updated + self.removed


def assessments_for(quarter_label):
    """This quarter's assessments by right id."""
    rows = db.session.scalars(select(ComplianceAssessment).where(ComplianceAssessment.quarter == quarter_label))
    return {row.right_id: row for row in rows}


def rights_for(assessments):
    """The rights in use, plus any right of another edition that has figures here."""
    rights = {right.id: right for right in current_rights()}
    for assessment in assessments.values():
        rights.setdefault(assessment.right_id, assessment.right)
    return sorted(rights.values(), key=lambda right: (right.number, right.edition))


def quarters_with_data():
    """Every quarter with at least one assessment, newest first."""
    labels = db.session.scalars(select(distinct(ComplianceAssessment.quarter)))
    return sorted((Quarter.parse(label) for label in labels), reverse=True)


def recorded_counts():
    """How many rights have figures, per quarter label."""
    counts = {}
    for label in db.session.scalars(select(ComplianceAssessment.quarter)):
        counts[label] = counts.get(label, 0) + 1
    return counts


def quarter_problem(quarter, today):
    """Why figures cannot be recorded for this quarter yet, or None."""
    this_quarter = quarter_of(today)
    if quarter > this_quarter:
        return f"{quarter.label} has not started yet. Record figures for {this_quarter.label} or an earlier quarter."
    return None


def versions_of(assessments):
    """A token of every saved right's version, kept in the form to notice other people's saves."""
    return ",".join(f"{right_id}:{row.version_id}" for right_id, row in sorted(assessments.items()))


def _parse_versions(token):
    versions = {}
    for part in (token or "").split(","):
        right_id, _, version = part.partition(":")
        if is_whole_number(right_id) and is_whole_number(version):
            versions[int(right_id)] = int(version)
    return versions


def changed_since(token, assessments):
    """Rights whose saved figures were added, changed or removed since the token was taken."""
    before = _parse_versions(token)
    now = {right_id: row.version_id for right_id, row in assessments.items()}
    return {right_id for right_id in before.keys() | now.keys() if before.get(right_id) != now.get(right_id)}


def _changes(old: Figures, new: Figures):
    before, after = old.as_text(), new.as_text()
    return {name: (before[name] or None, after[name] or None) for name in FIELDS if before[name] != after[name]}


def record_figures(quarter_label, right, figures, actor, existing=None):
    """Add, change or (when every figure is blank) remove one right's figures; 'created', 'updated', 'removed' or None."""
    old = Figures.of(existing)
    changes = _changes(old, figures)
    if not changes:
        return None
    where = f"Right {right.number}, {quarter_label}"
    if figures.is_empty:
        record("compliance.removed", obj=existing, summary=f"{where}: figures removed", changes=changes)
        db.session.delete(existing)
        return "removed"
    assessment = existing or ComplianceAssessment(right=right, quarter=quarter_label)
    for name in FIELDS:
        setattr(assessment, name, getattr(figures, name))
    assessment.recorded_by_id = actor.id if actor else None
    if existing is None:
        db.session.add(assessment)
    db.session.flush()
    verb = "compliance.changed" if existing else "compliance.recorded"
    record(verb, obj=assessment, summary=f"{where}: figures {'changed' if existing else 'recorded'}", changes=changes)
    return "updated" if existing else "created"


def save_quarter(quarter, figures_by_right, actor, versions=None):
    """Save every right's figures for a quarter at once; refuse if someone else changed the same rights."""
    saved = assessments_for(quarter.label)
    if versions is not None:
        clashes = {
            right.id
            for right, figures in figures_by_right.items()
            if right.id in changed_since(versions, saved) and Figures.of(saved.get(right.id)) != figures
        }
        if clashes:
            raise QuarterChanged(clashes)
    summary = SaveSummary()
    for right, figures in figures_by_right.items():
        summary.add(record_figures(quarter.label, right, figures, actor, saved.get(right.id)))
    db.session.flush()
    return summary


def open_actions_by_right(right_ids):
    """Open actions linked to each right, by reference."""
    query = (
        select(action_rights.c.right_id, Action.id, Action.reference, Action.title, Action.status)
        .join(Action, Action.id == action_rights.c.action_id)
        .where(action_rights.c.right_id.in_(list(right_ids)), Action.status.in_(OPEN_STATUSES))
        .order_by(Action.reference)
    )
    found = {}
    for right_id, action_id, reference, title, status in db.session.execute(query):
        found.setdefault(right_id, []).append(OpenAction(action_id, reference, title, Status(status).label))
    return found


def gap_table(quarter_label, *, small_below=None, large_gap=None):
    """The ranked gap rows (tracker.compliance.gap.GapRow) for a quarter like '2026/27 Q3'; [] without figures."""
    quarter = Quarter.parse(quarter_label)
    current = assessments_for(quarter.label)
    if not current:
        return []
    rights = rights_for(current)
    config = current_app.config
    return build_rows(
        rights,
        current,
        assessments_for(quarter.previous().label),
        open_actions_by_right(right.id for right in rights),
        small_below=config["SMALL_SAMPLE_BELOW"] if small_below is None else small_below,
        large_gap=config["LARGE_GAP_POINTS"] if large_gap is None else large_gap,
    )


def _chart_description(charted):
    # Like the table, a gap measured on a small sample never outranks a firm one.
    gaps = [row for row in charted if row.gap is not None and row.gap > 0]
    widest = max(gaps, key=lambda row: (not row.small_sample, row.gap), default=None)
    text = (
        "For each right, two bars: the force's self-assessed compliance and the percentage of victims "
        "who said the right was met."
    )
    if widest is not None:
        small = " (small sample)" if widest.small_sample else ""
        text += f" The widest gap is {widest.right_label}, {format_percent(widest.gap)} points{small}."
    return text


def gap_chart(rows, title="Self-assessed compliance and victims' voice, by right"):
    """An SVG chart of both measures per right, in the rows' order; None when nothing was recorded."""
    charted = [row for row in rows if row.self_figure is not None or row.voice_percent is not None]
    if not charted:
        return None
    return paired_bar_chart(title, _chart_description(charted), *_gap_series(charted), label_width=90)


def gap_chart_on_screen(rows, title="Self-assessed compliance and victims' voice, by right"):
    """gap_chart() with its layout for narrow screens beside it, for pages (the report's PDF keeps the wide one)."""
    wide = gap_chart(rows, title)
    return None if wide is None else for_every_width(wide, narrow_gap_chart(rows, title))


def narrow_gap_chart(rows, title="Self-assessed compliance and victims' voice, by right"):
    """gap_chart()'s figures in the layout for narrow screens."""
    charted = [row for row in rows if row.self_figure is not None or row.voice_percent is not None]
    return narrow_paired_bar_chart(title, _chart_description(charted), *_gap_series(charted))


def _gap_series(charted):
    return (
        [row.right_label for row in charted],
        Series("Self-assessed", SELF_COLOUR, "solid", [_chart_value(row.self_figure) for row in charted]),
        Series("Victims' voice", VOICE_COLOUR, "diagonal", [_chart_value(row.voice_percent) for row in charted]),
    )


def _chart_value(value):
    return None if value is None else format_percent(value)
