"""Adding a source's recommendations in bulk: rows pasted from a table, or an uploaded spreadsheet.

The rows are read (reference, text, addressed to), every row is checked without writing, the
person sees the dry run, and only on their confirmation are the accepted rows written. The upload
is checked and read by the plan import's own functions (`spreadsheets/spreadsheet.py`).
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from tracker.audit.services import record
from tracker.common.templating import pluralise
from tracker.recommendations import services
from tracker.recommendations.models import Addressee
from tracker.spreadsheets import cells
from tracker.spreadsheets.spreadsheet import ImportRefused, check_upload, read_sheets

COLUMNS = ("reference", "text", "addressed_to")
MAX_REFERENCE, MAX_TEXT = 60, 5000
MAX_ROWS = 300
HEADER_SEARCH_ROWS = 30
# What the given value is cut to on the dry run: enough to find the cell.
SHOWN_CHARACTERS = 120
ADD, REJECT = "add", "reject"
# Room in the confirmation form for its token, digest and other fields.
CONFIRMATION_MARGIN = 4096

HEADINGS = {
    "reference": {"reference", "ref", "number", "no", "recommendation number", "recommendation reference", "id"},
    "text": {"text", "recommendation", "recommendations", "recommendation text", "wording", "description"},
    "addressed_to": {"addressed to", "addressee", "to", "for", "directed to", "recommended to"},
}
ADDRESSEE_READINGS = {
    Addressee.FORCE: {"force", "the force", "police", "chief constable", "the chief constable", "cc"},
    Addressee.PCC: {
        "pcc",
        "the pcc",
        "police and crime commissioner",
        "the police and crime commissioner",
        "commissioner",
        "opcc",
    },
    Addressee.BOTH: {
        "both",
        "force and pcc",
        "the force and the pcc",
        "pcc and force",
        "force and the pcc",
        "the force and pcc",
        "chief constable and pcc",
    },
    Addressee.OTHERS: {"others", "other", "partners", "other agencies"},
}
NOT_LETTERS = re.compile(r"[^a-z ]+")
SPACES = re.compile(r"\s+")


def _normal(value):
    return SPACES.sub(" ", NOT_LETTERS.sub(" ", (value or "").lower().replace("&", " and "))).strip()


def read_addressee(value):
    """The addressee a cell names, or None."""
    reading = _normal(value)
    for addressee, readings in ADDRESSEE_READINGS.items():
        if reading in readings:
            return addressee
    return None


@dataclass
class ReadRows:
    """The rows as read: [(row number, reference, text, addressed to)] as text, and how they were numbered."""

    rows: list
    where: str  # "row" for pasted rows, "sheet row" for a workbook's
    sheet: str = ""
    extra: dict = field(default_factory=dict)  # {row number: [(column number, value)]} of cells past the three
    ignored: list = field(default_factory=list)  # headings of the columns left out


def _heading_columns(values):
    """{field: column index} when the values are a header row naming at least the reference and the text."""
    found = {}
    for index, value in enumerate(values):
        heading = _normal(cells.text(value) or "")
        for key, names in HEADINGS.items():
            if heading in names and key not in found:
                found[key] = index
    return found if {"reference", "text"} <= found.keys() else None


def _blank(values):
    return all(cells.text(value) is None for value in values)


def _take(numbered_rows, where, sheet=""):
    """Rows as read, after the header row if there is one among the first rows; else the columns in order.

    Under a header row, columns with other headings are left out (and named on the dry run); without
    one, a cell past the third column is a row error, since nothing says what it holds.
    """
    numbered_rows = [(number, list(values)) for number, values in numbered_rows if not _blank(values)]
    columns, start, headings = {key: index for index, key in enumerate(COLUMNS)}, 0, None
    for position, (_, values) in enumerate(numbered_rows[:HEADER_SEARCH_ROWS]):
        found = _heading_columns(values)
        if found:
            columns, start, headings = found, position + 1, values
            break
    read = ReadRows(rows=[], where=where, sheet=sheet)
    used = set(columns.values())
    if headings is not None:
        read.ignored = [cells.text(v) for i, v in enumerate(headings) if i not in used and cells.text(v) is not None]
    for number, values in numbered_rows[start:]:
        # The text keeps its line breaks; a reference and an addressee are one line each.
        taken = [
            (cells.multiline_text if key == "text" else cells.text)(values[columns[key]])
            if key in columns and columns[key] < len(values)
            else None
            for key in COLUMNS
        ]
        read.rows.append((number, *[value or "" for value in taken]))
        if headings is None:
            extra = [
                (i + 1, cells.text(v)) for i, v in enumerate(values) if i not in used and cells.text(v) is not None
            ]
            if extra:
                read.extra[number] = extra
    return read


def read_pasted(text):
    """Rows pasted from a table in Excel or Word: cells split by tabs, rows by lines."""
    reader = csv.reader(io.StringIO(text or "", newline=""), delimiter="\t")
    try:
        rows = list(enumerate(reader, start=1))
    except csv.Error:
        raise ImportRefused("The pasted rows could not be read. Copy the table again and paste it") from None
    return _take(rows, "row")


def read_upload(filename, data, max_bytes):
    """The rows of an uploaded .xlsx (or .csv), checked as the plan import checks its files."""
    kind = check_upload(filename, data, max_bytes)
    sheets = read_sheets(data, kind, filename)
    chosen = next((s for s in sheets if s.name.strip().lower() == "recommendations" and not s.is_empty), None)
    chosen = chosen or next((s for s in sheets if not s.is_empty), None)
    if chosen is None:
        raise ImportRefused("The file has no rows in it" if kind == "csv" else "Every sheet in the workbook is empty")
    return _take(chosen.rows, "sheet row" if kind == "xlsx" else "row", chosen.name if kind == "xlsx" else "")


def shown(value):
    """A given value as the dry run shows it."""
    if not value:
        return "(blank)"
    return value if len(value) <= SHOWN_CHARACTERS else value[:SHOWN_CHARACTERS].rstrip() + "…"


def _problem(column, what, given):
    return {"column": column, "problem": what, "given": shown(given)}


def check_rows(source, read, lead_id):
    """The dry run: each row to add, or the reasons it cannot be; nothing is written."""
    taken = {r.reference.strip().lower(): r.reference for r in source.recommendations}
    seen = {}
    results = []
    for number, reference, text, addressed_to in read.rows:
        problems = []
        if not reference:
            problems.append(_problem("Reference", "The reference is blank", reference))
        elif len(reference) > MAX_REFERENCE:
            problems.append(
                _problem(
                    "Reference", f"The reference is {len(reference)} characters: at most {MAX_REFERENCE}", reference
                )
            )
        elif reference.lower() in taken:
            problems.append(_problem("Reference", f"{source.title} already has {taken[reference.lower()]}", reference))
        elif reference.lower() in seen:
            earlier = f"{read.where.capitalize()} {seen[reference.lower()]}"
            problems.append(_problem("Reference", f"{earlier} has the same reference", reference))
        if reference and reference.lower() not in seen:
            seen[reference.lower()] = number
        if not text:
            problems.append(_problem("Text", "The text of the recommendation is blank", text))
        elif len(text) > MAX_TEXT:
            problems.append(_problem("Text", f"The text is {len(text):,} characters: at most {MAX_TEXT:,}", text))
        addressee = read_addressee(addressed_to)
        if addressee is None:
            problems.append(
                _problem(
                    "Addressed to",
                    "Enter force, PCC, both or others" if addressed_to else "Addressed to is blank",
                    addressed_to,
                )
            )
        for column, value in read.extra.get(number, []):
            problems.append(
                _problem(f"Column {column}", "Only three columns are read: reference, text and addressed to", value)
            )
        results.append(
            {
                "row": number,
                "reference": reference,
                "text": text,
                "addressed_to": addressee.value if addressee else None,
                "addressed_to_label": addressee.label if addressee else addressed_to,
                "outcome": REJECT if problems else ADD,
                "problems": problems,
            }
        )
    counts = {ADD: sum(r["outcome"] == ADD for r in results), REJECT: sum(r["outcome"] == REJECT for r in results)}
    digest_of = json.dumps([source.id, lead_id, results], sort_keys=True)
    return {
        "rows": results,
        "counts": counts,
        "where": read.where,
        "sheet": read.sheet,
        "ignored": read.ignored,
        "digest": hashlib.sha256(digest_of.encode()).hexdigest(),
    }


def too_many(read):
    """The refusal for more rows than one import takes, or None."""
    if len(read.rows) > MAX_ROWS:
        return f"There are {len(read.rows)} rows. Add at most {MAX_ROWS} at a time"
    if not read.rows:
        return "There are no rows to add under the headings"
    return None


def too_long_to_confirm(read, max_form_bytes):
    """The refusal for rows whose text the confirmation could not carry back in one form, or None."""
    # The confirmation is sent as an ordinary form, URL-encoded, within the form size every page has.
    if len(quote_plus(payload(read))) > max_form_bytes - CONFIRMATION_MARGIN:
        return "The rows hold too much text to add at once. Add them in two or more parts"
    return None


def payload(read):
    """The rows as read, for the confirmation to check again: the dry run keeps nothing on the server."""
    return json.dumps(
        {"where": read.where, "sheet": read.sheet, "rows": read.rows, "extra": read.extra, "ignored": read.ignored}
    )


def from_payload(text):
    """The rows a confirmation carries back, or None when they are not rows."""
    try:
        data = json.loads(text or "")
        rows = [(int(row[0]), *(str(value) for value in row[1:4])) for row in data["rows"] if len(row) == 4]
        extra = {int(key): [(int(c), str(v)) for c, v in values] for key, values in data.get("extra", {}).items()}
        ignored = [str(heading) for heading in data.get("ignored", [])]
        return ReadRows(
            rows=rows, where=str(data["where"]), sheet=str(data.get("sheet", "")), extra=extra, ignored=ignored
        )
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def write_rows(source, result, lead, actor, origin):
    """Add every row the dry run accepted, each audited, and one event for the import as a whole."""
    added = []
    for row in result["rows"]:
        if row["outcome"] != ADD:
            continue
        data = services.RecommendationData(
            reference=row["reference"], text=row["text"], lead=lead, addressed_to=row["addressed_to"]
        )
        added.append(services.add_recommendation(source, data, actor))
    rejected = result["counts"][REJECT]
    summary = f"Added {pluralise(len(added), 'recommendation')} to {source.title} from {origin}"
    if rejected:
        summary += f"; {pluralise(rejected, 'row')} not added"
    record(
        "recommendation_source.imported",
        actor=actor,
        obj=source,
        summary=summary,
        changes={"recommendations_added": (None, len(added)), "rows_not_added": (None, rejected)},
    )
    return added
