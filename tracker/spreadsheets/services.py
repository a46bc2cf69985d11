"""Import batches: upload, column mapping, dry run and confirmation. Services flush, never commit."""

import hashlib
import json
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, update

from tracker.admin.services import save_department
from tracker.audit.services import record
from tracker.auth.models import Department
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.spreadsheets import spreadsheet
from tracker.spreadsheets.columns import (
    FIELDS_BY_KEY,
    UPDATE_FIELDS,
    guess_mapping,
    mapping_problems,
    normalise_heading,
)
from tracker.spreadsheets.matching import REJECT, plan_import
from tracker.spreadsheets.models import ImportBatch
from tracker.spreadsheets.rows import Lookups, parse_history
from tracker.spreadsheets.spreadsheet import ImportRefused
from tracker.spreadsheets.writing import queue_assignment_summaries, write_plan

UPLOADED, CHECKED, IMPORTED = "uploaded", "checked", "imported"
SAMPLE_VALUES = 3


class ImportChanged(Exception):
    """The tracker changed between the dry run and the confirmation; the new dry run is attached."""

    def __init__(self, result):
        super().__init__("The plan changed since the dry run")
        self.result = result


def _sample(rows, index):
    samples = []
    for _, values in rows:
        value = values[index] if index < len(values) else None
        if value not in (None, ""):
            samples.append(str(value)[:60])
        if len(samples) == SAMPLE_VALUES:
            break
    return samples


def _describe_columns(table):
    """Each column's heading, guessed field, whether it is hidden and its first values."""
    hidden = table.sheet.hidden_columns
    fields = guess_mapping(table.headings, hidden)
    return [
        {
            "index": index,
            "heading": heading or f"Column {index + 1}",
            "field": fields[index],
            "hidden": index in hidden,
            "samples": _sample(table.rows, index),
        }
        for index, heading in enumerate(table.headings)
    ]


def start_import(filename, data, actor):
    """Check an uploaded file, find its table, guess the column mapping and keep it as a batch."""
    kind = spreadsheet.check_upload(filename, data, current_app.config["IMPORT_MAX_BYTES"])
    sheets = spreadsheet.read_sheets(data, kind, filename)
    sheet = spreadsheet.choose_sheet(sheets)
    table = spreadsheet.find_table(sheet)
    if not table.rows:
        raise ImportRefused(f"The sheet '{sheet.name}' has column headings but no actions under them")
    if len(table.rows) > current_app.config["IMPORT_MAX_ROWS"]:
        raise ImportRefused(
            f"The sheet has {len(table.rows):,} rows. Import at most {current_app.config['IMPORT_MAX_ROWS']:,} at a time"
        )
    updates = spreadsheet.updates_sheet(sheets, sheet)
    key = header_key(table.headings)
    batch = ImportBatch(
        created_by=actor,
        filename=(filename or "plan")[-255:],
        content=data,
        state=UPLOADED,
        mapping={
            "kind": kind,
            "sheet": sheet.name,
            "header_row": table.header_row,
            "columns": _describe_columns(table),
            "updates_sheet": updates.name if updates else None,
            "header_key": key,
            **_remembered_values(key),
        },
        total_rows=len(table.rows),
        processed_rows=0,
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "import.uploaded",
        obj=batch,
        actor=actor,
        summary=f"Uploaded {batch.filename} for import ({len(table.rows)} rows)",
    )
    return batch


def header_key(headings):
    """A fingerprint of a header row: files with the same column headings share their readings of names."""
    normalised = [normalise_heading(heading) for heading in headings]
    return hashlib.sha256(json.dumps(normalised).encode()).hexdigest()


def _remembered_values(key):
    """The admin's readings of names from the latest earlier file with the same headings, and which file that was."""
    query = select(ImportBatch.mapping, ImportBatch.filename, ImportBatch.created_at).order_by(
        ImportBatch.created_at.desc(), ImportBatch.id.desc()
    )
    for mapping, filename, created_at in db.session.execute(query):
        values = (mapping or {}).get("values")
        if mapping.get("header_key") == key and values and any(values.values()):
            return {"values": values, "values_from": {"filename": filename, "uploaded": created_at.isoformat()}}
    return {}


def field_columns(batch):
    """{field: column index} from the batch's mapping."""
    return {c["field"]: c["index"] for c in batch.mapping["columns"] if c["field"]}


def set_mapping(batch, fields_by_index):
    """Save the admin's choice of field for each column; returns {field: problem} when it cannot work."""
    columns = [dict(c, field=fields_by_index.get(c["index"], c["field"])) for c in batch.mapping["columns"]]
    problems = mapping_problems([c["field"] for c in columns])
    if not problems:
        batch.mapping = dict(batch.mapping, columns=columns)
        batch.state = UPLOADED
    return problems


def _tables(batch):
    mapping = batch.mapping
    sheets = spreadsheet.read_sheets(batch.content, mapping["kind"], batch.filename)
    sheet = next((s for s in sheets if s.name == mapping["sheet"]), None)
    if sheet is None:
        raise ImportRefused(f"The sheet '{mapping['sheet']}' is no longer in the file. Upload it again")
    table = spreadsheet.find_table(sheet, mapping["header_row"])
    updates_table = None
    if mapping.get("updates_sheet"):
        updates = next((s for s in sheets if s.name == mapping["updates_sheet"]), None)
        updates_table = spreadsheet.find_table(updates) if updates is not None else None
    return table, updates_table


def build_plan(batch, today, progress=None):
    """Run the dry run of a batch against the tracker as it is now."""
    table, updates_table = _tables(batch)
    lookups = Lookups(current_app.config["CODE_EDITION"], batch.mapping.get("values"))
    history, history_rejects = {}, []
    if updates_table is not None:
        update_columns = dict(
            (field, index)
            for index, field in enumerate(guess_mapping(updates_table.headings, headings_by_field=UPDATE_FIELDS))
            if field
        )
        if {"reference", "date", "commentary"} <= set(update_columns):
            history, history_rejects = parse_history(updates_table, update_columns, lookups)
    return plan_import(table, field_columns(batch), lookups, today, history, history_rejects, progress)


def set_value_mappings(batch, departments=None, owners=None, missing_department=None):
    """Keep the admin's readings of department and owner values with the batch's mapping."""
    values = dict(batch.mapping.get("values") or {})
    values["department"] = {**values.get("department", {}), **(departments or {})}
    values["owner"] = {**values.get("owner", {}), **(owners or {})}
    if missing_department:
        values["missing_department"] = missing_department
    batch.mapping = {**batch.mapping, "values": values}


NEW_DEPARTMENT = "+new"


@dataclass
class NameQuestion:
    """A value in the file that the admin reads for the import, once for all the rows that hold it."""

    kind: str  # department, owner or missing_department
    value: str
    rows: list = field(default_factory=list)
    guesses: list = field(default_factory=list)
    answer: str = ""


def name_questions(batch):
    """Each department and owner value the rules cannot read (or the admin has read), and rows with no department."""
    found = {}
    for row in (batch.result or {}).get("rows", []):
        for ask in row.get("asks", []):
            question = found.setdefault((ask["kind"], ask["value"]), NameQuestion(ask["kind"], ask["value"]))
            question.rows.append(row["row"])
            question.guesses = question.guesses or ask["guesses"]
    values = batch.mapping.get("values") or {}
    for question in found.values():
        if question.kind == "missing_department":
            question.answer = values.get("missing_department") or ""
        else:
            question.answer = (values.get(question.kind) or {}).get(question.value, "")
    order = {"department": 0, "owner": 1, "missing_department": 2}
    return sorted(found.values(), key=lambda q: (order[q.kind], q.rows[0]))


def answer_names(batch, questions, answers):
    """Keep the admin's reading of each question's value, adding the departments they asked for.

    answers are {question index: department name, owner email, NEW_DEPARTMENT or "" for none}.
    """
    values = dict(batch.mapping.get("values") or {})
    departments, owners = dict(values.get("department") or {}), dict(values.get("owner") or {})
    for index, question in enumerate(questions):
        answer = answers.get(index, "")
        if question.kind == "department" and answer == NEW_DEPARTMENT:
            answer = _department_called(question.value) or save_department(None, question.value).name
        if question.kind == "missing_department":
            values["missing_department"] = answer
            continue
        chosen = departments if question.kind == "department" else owners
        if answer:
            chosen[question.value] = answer
        else:
            chosen.pop(question.value, None)
    values.update(department=departments, owner=owners)
    batch.mapping = {**batch.mapping, "values": values}


def _department_called(name):
    found = db.session.scalars(select(Department).where(Department.name == name.strip())).first()
    return found.name if found else None


def dry_run(batch, today, progress=None):
    """Check every row without writing to the plan; keep and return the result."""
    plan = build_plan(batch, today, progress)
    result = plan.as_json()
    batch.result = result
    batch.state = CHECKED
    batch.total_rows = batch.processed_rows = len(plan.rows)
    return result


def confirm(batch, actor, today, expected_digest, progress=None, write_progress=None):
    """Write every accepted row, exactly as the dry run showed, or raise ImportChanged."""
    plan = build_plan(batch, today, progress)
    result = plan.as_json()
    if result["digest"] != expected_digest:
        raise ImportChanged(result)
    assigned = write_plan(plan, actor, batch.filename, write_progress)
    mails = queue_assignment_summaries(assigned, batch.id, batch.filename, actor)
    counts = result["counts"]
    batch.result = dict(result, imported_at=utcnow().isoformat(), summary_emails=mails)
    batch.state = IMPORTED
    batch.finished_at = utcnow()
    batch.processed_rows = batch.total_rows = len(plan.rows)
    record(
        "import.completed",
        obj=batch,
        actor=actor,
        summary=(
            f"Imported {batch.filename}: {counts['create']} created, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts[REJECT]} rejected"
        ),
        changes={key: (None, value) for key, value in counts.items()},
    )
    return result


def field_label(key):
    return FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else "Do not import"


class ProgressReporter:
    """Writes a batch's processed row count from a second connection, so other requests can read it.

    On SQLite the write phase holds the only write lock, so progress is written while checking
    rows but not while writing them (the page then shows the count jump at the end).
    """

    def __init__(self, batch_id, total, interval=0.5, writing=False):
        self.batch_id, self.total, self.interval = batch_id, total, interval
        self.last = 0.0
        # SQLite lets one connection write at a time, and the import's own transaction holds it.
        self.paused = writing and db.engine.dialect.name == "sqlite"
        self(0)

    def __call__(self, done):
        now = time.monotonic()
        if self.paused or (0 < done < self.total and now - self.last < self.interval):
            return
        self.last = now
        try:
            with db.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
                connection.execute(
                    update(ImportBatch)
                    .where(ImportBatch.id == self.batch_id)
                    .values(processed_rows=done, total_rows=self.total)
                )
        except Exception:  # progress is a courtesy: never let it break the import
            current_app.logger.warning("Could not record import progress", exc_info=True)
            self.paused = True
