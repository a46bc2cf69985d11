"""The fields an import can fill, the headings that name them, and the export's own column layout.

The export writes EXPORT_COLUMNS and the import recognises every one of those headings, so an
exported workbook imports unchanged.
"""

import re
from dataclasses import dataclass

IGNORE = ""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    headings: tuple[str, ...]


FIELDS = (
    Field(
        "reference",
        "Reference",
        ("reference", "ref", "ref no", "action ref", "action reference", "action no", "action number", "id", "no"),
    ),
    Field("title", "Action title", ("action", "actions", "title", "action title", "task", "what")),
    Field("description", "Description", ("description", "detail", "details", "action detail", "background")),
    Field("source", "Source", ("source", "origin", "source of action", "where from")),
    Field(
        "owner",
        "Owner (name or email address)",
        (
            "owner",
            "lead",
            "action owner",
            "owner name",
            "responsible",
            "responsible officer",
            "assigned to",
            "lead officer",
            "accountable",
            "who",
        ),
    ),
    Field("owner_email", "Owner email address", ("owner email", "email", "lead email", "owner email address")),
    Field("department", "Department", ("department", "dept", "team", "unit", "business area", "owning department")),
    Field("start_date", "Start date", ("start date", "start", "date started", "date raised", "date opened")),
    Field(
        "original_due_date",
        "Due date (original)",
        ("original due date", "due date", "deadline", "due", "due by", "target date", "by when", "original deadline"),
    ),
    Field(
        "current_due_date",
        "Current due date",
        ("current due date", "revised due date", "revised deadline", "new due date", "extended to", "revised date"),
    ),
    Field("status", "Status", ("status", "current status", "progress status")),
    Field("progress", "Progress %", ("progress", "progress %", "% complete", "percent complete", "% done")),
    Field(
        "rag",
        "Owner's RAG",
        ("rag", "brag", "rag status", "rag rating", "owner's rag", "declared rag", "rag owner", "status rag"),
    ),
    Field(
        "rights",
        "Victims' Code rights",
        (
            "code right",
            "code rights",
            "right",
            "rights",
            "victims code right",
            "victims code rights",
            "vcop right",
            "vcop rights",
        ),
    ),
    Field("priorities", "Priorities", ("priority", "priorities", "group priority", "group priorities")),
    Field("touchpoints", "Touchpoints", ("touchpoint", "touchpoints", "victim journey touchpoint")),
    Field(
        "success_measure",
        "Success measure",
        ("success measure", "success measures", "measure of success", "success criteria", "outcome measure"),
    ),
    Field("completed_on", "Completed on", ("completed on", "date completed", "completion date", "closed on")),
    Field(
        "commentary",
        "Update or commentary",
        (
            "update / commentary",
            "update/commentary",
            "commentary",
            "update",
            "updates",
            "latest update",
            "latest commentary",
            "progress update",
            "progress notes",
            "comments",
            "notes",
        ),
    ),
    Field(
        "commentary_date",
        "Date of the update",
        ("update date", "date of update", "last updated", "date updated", "date of last update"),
    ),
)
FIELDS_BY_KEY = {field.key: field for field in FIELDS}
REQUIRED = {
    "title": "Choose the column that holds the action title",
    "owner": "Choose the column that holds the owner's name or email address",
    "due": "Choose the column that holds the due date",
}
# Columns the export computes; the import reads past them.
IGNORED_HEADINGS = ("rule brag", "rule rag", "brag reasons", "rag reasons", "reasons", "extensions")

# The export's action sheet: (heading, width). Every heading maps back to a field above or is ignored.
EXPORT_COLUMNS = (
    ("Reference", 11),
    ("Title", 45),
    ("Description", 60),
    ("Source", 28),
    ("Owner", 22),
    ("Owner email", 30),
    ("Department", 24),
    ("Code rights", 12),
    ("Priorities", 11),
    ("Touchpoints", 32),
    ("Start date", 12),
    ("Original due date", 13),
    ("Current due date", 13),
    ("Status", 17),
    ("Progress %", 10),
    ("Owner's RAG", 11),
    ("Rule BRAG", 11),
    ("BRAG reasons", 48),
    ("Success measure", 45),
    ("Completed on", 13),
    ("Last updated", 13),
)
UPDATE_COLUMNS = (
    ("Reference", 11),
    ("Date", 17),
    ("Entry", 20),
    ("Author", 22),
    ("Status", 17),
    ("Progress %", 10),
    ("Owner's RAG", 11),
    ("Commentary", 80),
)
UPDATE_FIELDS = {
    "reference": ("reference", "ref", "action", "action reference"),
    "date": ("date", "update date", "when", "date of update"),
    "entry": ("entry", "kind", "type"),
    "author": ("author", "by", "posted by"),
    "status": ("status",),
    "progress": ("progress", "progress %"),
    "rag": ("owner's rag", "rag", "declared rag"),
    "commentary": ("commentary", "update", "narrative", "comments", "notes"),
}


def normalise_heading(heading):
    """'  Code Right(s) *' -> 'code right': lower case, no brackets, plain quotes, single spaces."""
    value = str(heading or "").lower().replace("\u2019", "'").replace("e-mail", "email")
    value = re.sub(r"\([^)]*\)", " ", value)
    value = value.replace("victims'", "victims").replace("owners ", "owner's ")
    value = re.sub(r"[*:?]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def _contains_words(heading, phrase):
    if phrase not in heading:  # the cheap test first: most cells hold none of the phrases
        return False
    return re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", heading) is not None


def guess_field(heading, headings_by_field=None):
    """The field a column heading most likely names, or IGNORE."""
    name = normalise_heading(heading)
    if not name or name in IGNORED_HEADINGS:
        return IGNORE
    options = headings_by_field or {field.key: field.headings for field in FIELDS}
    for key, headings in options.items():
        if name in headings:
            return key
    # Otherwise the known phrase inside the heading wins, preferring one that ends it (English puts
    # the noun last: "Action owner's email" is an email), then the longest.
    best, best_rank = IGNORE, (False, 0)
    for key, headings in options.items():
        for phrase in headings:
            if len(phrase) < 4 or not _contains_words(name, phrase):
                continue
            rank = (name.endswith(phrase), len(phrase))
            if rank > best_rank:
                best, best_rank = key, rank
    return best


def guess_mapping(headings, hidden=(), headings_by_field=None):
    """A field for each column, each field used once; hidden columns are left out by default."""
    taken = set()
    fields = []
    for index, heading in enumerate(headings):
        field = IGNORE if index in hidden else guess_field(heading, headings_by_field)
        if field in taken:
            field = IGNORE
        taken.add(field)
        fields.append(field)
    return fields


# A column heading is a few words; longer cells are data, and reading them as headings is slow.
MAX_HEADING = 80


def heading_score(values):
    """How many cells of a row read as known headings: the header row scores highest."""
    return sum(
        1 for value in values if isinstance(value, str) and len(value) <= MAX_HEADING and guess_field(value) != IGNORE
    )


def mapping_problems(fields):
    """{'field key or due': message} for required fields that no column fills, and fields used twice."""
    chosen = [field for field in fields if field]
    problems = {}
    if "title" not in chosen:
        problems["title"] = REQUIRED["title"]
    if "owner" not in chosen and "owner_email" not in chosen:
        problems["owner"] = REQUIRED["owner"]
    if "original_due_date" not in chosen and "current_due_date" not in chosen:
        problems["due"] = REQUIRED["due"]
    for field in sorted(set(chosen)):
        if chosen.count(field) > 1:
            problems[field] = f"{FIELDS_BY_KEY[field].label} is chosen for more than one column: choose it once"
    return problems
