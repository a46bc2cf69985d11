"""Load assessments from a CSV file: every bad row reported, nothing written unless all are good."""

import csv
import io
from dataclasses import dataclass, field

from tracker.common.input import is_whole_number
from tracker.common.quarters import Quarter
from tracker.common.uploads import UploadRefused, check_name
from tracker.compliance import services
from tracker.compliance.figures import read_figures
from tracker.reference.services import current_edition, current_rights

# (column, required, what it holds, example): the upload page and the template are built from this.
COLUMNS = (
    ("quarter", True, "The financial-year quarter the figures are for.", "2026/27 Q2"),
    ("right", True, "The number of the Victims' Code right, 1 to 12.", "3"),
    (
        "right_title",
        False,
        "Ignored when you upload. It is there to help you fill in the sheet.",
        "To make a complaint",
    ),
    (
        "self_rating",
        False,
        "The force's rating: compliant, partially compliant or not compliant.",
        "partially compliant",
    ),
    ("self_percent", False, "The force's own compliance figure, 0 to 100.", "78"),
    ("self_source", False, "Where the force's figure comes from.", "Monthly dip sample of 60 crimes"),
    ("voice_percent", False, "Percentage of victims who said the right was met, 0 to 100.", "52"),
    ("voice_sample", False, "How many victims were asked. Needed with a percentage, and more than 0.", "84"),
    ("voice_source", False, "survey, focus group, forum, complaints or other. Needed with a percentage.", "survey"),
    (
        "voice_themes",
        False,
        "What victims said, in general terms. Never anything that identifies a person.",
        "Letters hard to follow",
    ),
)
KNOWN = {name for name, *_ in COLUMNS}
REQUIRED = [name for name, required, *_ in COLUMNS if required]
FIGURE_COLUMNS = [name for name, *_ in COLUMNS if name not in ("quarter", "right", "right_title")]
MAX_ROWS = 2000
ACCEPTED_TYPES = {
    "",
    "text/csv",
    "text/plain",
    "application/csv",
    "text/comma-separated-values",
    "application/vnd.ms-excel",
    "application/octet-stream",
}


def size_text(size):
    """1048576 -> '1 MB', 512000 -> '500 KB'."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(size // 1024, 1)} KB"


class UnreadableFile(ValueError):
    """The upload is not a CSV file we can read."""


@dataclass
class ImportPlan:
    """What an upload would save, or why it cannot."""

    rows: list = field(default_factory=list)  # (quarter, right, figures, existing assessment)
    errors: list = field(default_factory=list)
    skipped: int = 0

    @property
    def quarters(self):
        return sorted({quarter for quarter, *_ in self.rows})


def decode(filename, content_type, data, max_bytes):
    """The text of an uploaded CSV file, or UnreadableFile saying what is wrong with it."""
    try:
        check_name(filename)
    except UploadRefused as refusal:
        raise UnreadableFile(str(refusal)) from None
    if not (filename or "").lower().endswith(".csv"):
        raise UnreadableFile("The selected file must be a CSV file, ending .csv")
    if len(data) > max_bytes:
        raise UnreadableFile(f"The selected file must be no larger than {size_text(max_bytes)}")
    if not data.strip():
        raise UnreadableFile("The selected file is empty")
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFile("The selected file is an Excel workbook. Save it as CSV, then upload that")
    if b"\x00" in data or (content_type or "").split(";")[0].strip().lower() not in ACCEPTED_TYPES:
        raise UnreadableFile("The selected file must be a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" format is Windows-1252, not UTF-8.
        return data.decode("cp1252", errors="replace")


def _header_problems(header):
    if not header:
        return ["The file has no header row. Use the columns of the template"]
    problems = []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        problems.append(f"The file has no {' or '.join(missing)} column. Use the columns of the template")
    unknown = [name for name in header if name and name not in KNOWN]
    if unknown:
        problems.append(f"The file has columns we do not know: {', '.join(unknown)}. Use the columns of the template")
    if not any(name in FIGURE_COLUMNS for name in header):
        problems.append("The file has no figure columns. Use the columns of the template")
    return problems


def _normalise(name):
    return (name or "").strip().lower().replace(" ", "_")


def plan_import(text, *, today, replace=False):
    """Check every row of the CSV text and return what would be saved, with every problem found."""
    reader = csv.reader(io.StringIO(text))
    header = [_normalise(name) for name in next(reader, [])]
    plan = ImportPlan(errors=_header_problems(header))
    if plan.errors:
        return plan
    rights = {right.number: right for right in current_rights()}
    existing = {}
    seen = {}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(plan.rows) + len(plan.errors) + plan.skipped >= MAX_ROWS:
            plan.errors.append(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
            break
        if len(cells) > len(header):
            plan.errors.append(f"Row {line}: has more cells than the header row has columns")
            continue
        values = dict(zip(header, cells, strict=False))
        _plan_row(plan, line, values, rights=rights, existing=existing, seen=seen, today=today, replace=replace)
    if not plan.rows and not plan.errors:
        plan.errors.append("The file has no figures to load")
    return plan


def _quarter(text):
    """'2026/27 Q3', or the '2026-27-Q3' of the tracker's own links."""
    try:
        return Quarter.parse(text)
    except ValueError:
        return Quarter.from_slug(text.strip())


def _row_key(plan, line, values, rights, today):
    """The row's quarter and right, or None after noting what is wrong with them."""
    problems = []
    try:
        quarter = _quarter(values.get("quarter", ""))
    except ValueError:
        quarter = None
        problems.append(f"'{values.get('quarter', '').strip()}' is not a quarter like 2026/27 Q3")
    else:
        problem = services.quarter_problem(quarter, today)
        if problem:
            problems.append(problem)
    number = values.get("right", "").strip()
    right = rights.get(int(number)) if is_whole_number(number) else None
    if right is None:
        edition = current_edition()
        problems.append(
            f"there is no right '{number}' in the {edition} edition of the Code: use a number from 1 to {len(rights)}"
        )
    plan.errors.extend(f"Row {line}: {problem}" for problem in problems)
    return None if problems else (quarter, right)


def _plan_row(plan, line, values, *, rights, existing, seen, today, replace):
    key = _row_key(plan, line, values, rights, today)
    figures, problems = read_figures(values, values.get("right", "").strip() or "?")
    plan.errors.extend(f"Row {line}: {message}" for message in problems.values())
    if key is None or figures is None:
        return
    quarter, right = key
    if (quarter, right.id) in seen:
        plan.errors.append(
            f"Row {line}: right {right.number} for {quarter.label} is also on row {seen[quarter, right.id]}"
        )
        return
    seen[quarter, right.id] = line
    if figures.is_empty:
        plan.skipped += 1
        return
    if quarter.label not in existing:
        existing[quarter.label] = services.assessments_for(quarter.label)
    saved = existing[quarter.label].get(right.id)
    if saved is not None and not replace:
        plan.errors.append(
            f"Row {line}: figures for right {right.number} in {quarter.label} are already recorded. "
            "Choose 'Replace figures already recorded' to change them"
        )
        return
    plan.rows.append((quarter, right, figures, saved))


def apply_import(plan, actor):
    """Save a plan that has no errors; returns a services.SaveSummary."""
    assert not plan.errors, "a plan with errors must never be saved"
    summary = services.SaveSummary()
    for quarter, right, figures, saved in plan.rows:
        summary.add(services.record_figures(quarter.label, right, figures, actor, saved))
    return summary


def template_csv(quarter):
    """A CSV with the documented columns and one empty row per right of the Code in use."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, *_ in COLUMNS])
    for right in current_rights():
        writer.writerow([quarter.label, right.number, right.title] + [""] * (len(COLUMNS) - 3))
    return out.getvalue()
