"""Turn one spreadsheet row into the values of an action, or into the reasons it cannot be taken."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from tracker.auth.models import Department, User
from tracker.common.dates import long_date
from tracker.extensions import db
from tracker.plan.models import Action, action_priorities, action_rights, action_touchpoints
from tracker.reference.models import CodeRight, Priority, Touchpoint
from tracker.spreadsheets import cells
from tracker.spreadsheets.names import NameReading, guesses_text, read_as_note, read_name

LINK_TABLES = (
    ("rights", action_rights, CodeRight, "number"),
    ("priorities", action_priorities, Priority, "number"),
    ("touchpoints", action_touchpoints, Touchpoint, "name"),
)
MAX_REFERENCE = 20
MAX_TITLE = 250


@dataclass
class Entry:
    """A dated piece of historic commentary, to become a timeline update."""

    day: date | None
    narrative: str
    moment: datetime | None = None
    author: User | None = None
    status: str | None = None
    progress: int | None = None
    rag: str | None = None
    row: int = 0
    at: datetime | None = None  # the moment it is written with, worked out once when written


@dataclass
class ParsedRow:
    """One row's values by field (only those the row gives), its commentary, and what went wrong."""

    row: int
    values: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    failed: set = field(default_factory=set)
    # Values the admin may read for the importer: {"kind": department / owner / missing_department, "value", "guesses"}.
    asks: list = field(default_factory=list)

    def ask(self, kind, value="", guesses=()):
        self.asks.append({"kind": kind, "value": value, "guesses": list(guesses)})

    def get(self, key, default=None):
        return self.values.get(key, default)

    def fail(self, key, message):
        self.errors.append(message)
        self.failed.add(key)


RUNS_OF_SPACE = re.compile(r"\s+")


def normalise_name(value):
    return RUNS_OF_SPACE.sub(" ", (value or "").replace(".", " ")).strip().lower()


def normalise_narrative(value):
    return RUNS_OF_SPACE.sub(" ", value or "").strip().lower()


class Lookups:
    """Everything a row may name, loaded once per import: users, departments, reference data, actions."""

    def __init__(self, edition, values=None):
        users = db.session.scalars(select(User)).unique().all()
        # The admin's own readings of values: {"department": {value: name}, "owner": {value: name or email}}.
        values = values or {}
        self.mapped = {key: dict(values.get(key) or {}) for key in ("department", "owner")}
        self._users_named = {}
        self.by_email = {user.email.lower(): user for user in users}
        self.by_name = defaultdict(list)
        for user in users:
            self.by_name[normalise_name(user.name)].append(user)
        self.departments = {d.name.strip().lower(): d for d in db.session.scalars(select(Department)).unique()}
        self.default_department = self.departments.get((values.get("missing_department") or "").strip().lower())
        self.rights = {r.number: r for r in db.session.scalars(select(CodeRight).where(CodeRight.edition == edition))}
        self.priorities = {p.number: p for p in db.session.scalars(select(Priority))}
        self.touchpoints = {t.name.strip().lower(): t for t in db.session.scalars(select(Touchpoint)).unique()}
        # References and titles only: full actions are loaded for the rows that match one.
        self.references = {}
        self.titles = defaultdict(list)
        for action_id, reference, title in db.session.execute(select(Action.id, Action.reference, Action.title)):
            self.references[reference.upper()] = (action_id, reference)
            self.titles[normalise_name(title)].append((action_id, reference))

    def load_actions(self, ids):
        """({id: Action}, {id: {link field: [items]}}) for the actions some rows match.

        Links are read as plain (id, number or name) rows: loading them as ORM collections for
        thousands of actions costs more than the rest of the dry run.
        """
        ids = sorted(set(ids))
        actions, links = {}, defaultdict(lambda: {"rights": [], "priorities": [], "touchpoints": []})
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            query = (
                select(Action)
                .where(Action.id.in_(chunk))
                .options(lazyload(Action.rights), lazyload(Action.priorities), lazyload(Action.touchpoints))
            )
            actions.update({action.id: action for action in db.session.scalars(query).unique()})
            for key, table, model, column in LINK_TABLES:
                rows = db.session.execute(
                    select(table.c.action_id, model.id, getattr(model, column))
                    .join(model)
                    .where(table.c.action_id.in_(chunk))
                )
                for action_id, item_id, label in rows:
                    links[action_id][key].append(SimpleNamespace(id=item_id, **{column: label}))
        return actions, links

    def department(self, value):
        """How a cell's department value reads: as the admin mapped it, or by the rules of tracker/spreadsheets/names.py."""
        mapped = self.departments.get((self.mapped["department"].get(value) or "").strip().lower())
        if mapped is not None:
            return NameReading(value, mapped.name, "mapped")
        return read_name(value, [department.name for department in self.departments.values()])

    def person(self, value):
        """How a cell's owner value reads against the active users' names."""
        names = {users[0].name for users in self.by_name.values() if len(users) == 1 and users[0].active}
        return read_name(value, sorted(names))

    def guessed_people(self, value, reading):
        """E-mail addresses of the people a value may mean: those sharing its name, or the rules' guesses."""
        named = self.by_name.get(normalise_name(value), [])
        if len(named) > 1:
            return sorted(user.email for user in named if user.active)
        guesses = reading.guesses if reading is not None else []
        return [self.by_name[normalise_name(name)][0].email for name in guesses]

    def user(self, value):
        """The user a cell names by e-mail address or full name; CellError when none or several."""
        # The same few names fill thousands of cells; each is looked up once.
        if value not in self._users_named:
            try:
                self._users_named[value] = self._find_user(value)
            except cells.CellError as error:
                self._users_named[value] = error
        found = self._users_named[value]
        if isinstance(found, cells.CellError):
            raise cells.CellError(str(found))
        return found

    def _find_user(self, value):
        if "@" in value:
            user = self.by_email.get(value.lower())
            if user is None:
                raise cells.CellError(f"No user has the email address {value}. Add them on the Users page first")
        else:
            matches = self.by_name.get(normalise_name(value), [])
            if len(matches) > 1:
                raise cells.CellError(
                    f"{len(matches)} users are called {value}. Give the owner's email address instead"
                )
            if not matches:
                raise cells.CellError(
                    f"No user is called {value}. Add them on the Users page, or give their email address"
                )
            user = matches[0]
        if not user.active:
            raise cells.CellError(f"{user.name}'s account is deactivated. Choose an active owner")
        return user


def _cell(values, columns, key):
    index = columns.get(key)
    return None if index is None else values[index]


def _read(parsed, key, reader, raw):
    try:
        value = reader(raw)
    except cells.CellError as error:
        parsed.fail(key, str(error))
        return
    if value not in (None, [], ""):
        parsed.values[key] = value


def _read_text(parsed, values, columns, key, limit=None, label=""):
    raw = _cell(values, columns, key)
    value = cells.multiline_text(raw) if key in ("description", "success_measure") else cells.text(raw)
    if value is None:
        return
    if limit and len(value) > limit:
        parsed.fail(key, f"The {label} is {len(value)} characters long: it must be {limit} or fewer")
        return
    parsed.values[key] = value


def _read_links(parsed, values, columns, lookups):
    raw = _cell(values, columns, "rights")
    numbers = cells.parse_numbers(raw)
    unknown = [n for n in numbers if n not in lookups.rights]
    if unknown:
        highest = max(lookups.rights, default=0)
        listed = ", ".join(str(n) for n in unknown)
        parsed.errors.append(f"Right {listed} does not exist: the Victims' Code has rights 1 to {highest}")
    elif numbers:
        parsed.values["rights"] = [lookups.rights[n] for n in numbers]
    numbers = cells.parse_numbers(_cell(values, columns, "priorities"))
    unknown = [n for n in numbers if n not in lookups.priorities]
    if unknown:
        listed = ", ".join(str(n) for n in unknown)
        parsed.errors.append(f"Priority {listed} does not exist: the priorities are 1 to {max(lookups.priorities)}")
    elif numbers:
        parsed.values["priorities"] = [lookups.priorities[n] for n in numbers]
    names = cells.parse_names(_cell(values, columns, "touchpoints"))
    unknown = [name for name in names if name.lower() not in lookups.touchpoints]
    if unknown:
        parsed.errors.append(f"Touchpoint not recognised: {'; '.join(unknown)}")
    elif names:
        parsed.values["touchpoints"] = [lookups.touchpoints[name.lower()] for name in names]


def _read_people(parsed, values, columns, lookups):
    for key in ("owner_email", "owner"):
        raw = cells.text(_cell(values, columns, key))
        if raw:
            if raw in lookups.mapped["owner"]:
                parsed.ask("owner", raw)
            try:
                parsed.values["owner"] = lookups.user(lookups.mapped["owner"].get(raw, raw))
                if "@" not in raw and raw != parsed.values["owner"].name:
                    parsed.notes.append(read_as_note("Owner", NameReading(raw, parsed.values["owner"].name, "exact")))
            except cells.CellError as error:
                _read_person_by_rule(parsed, raw, lookups, error)
            break
    department = cells.text(_cell(values, columns, "department"))
    if department:
        reading = lookups.department(department)
        if reading.rule == "mapped":
            parsed.ask("department", department)
        if reading.name is not None:
            parsed.values["department"] = lookups.departments[reading.name.strip().lower()]
            if department != reading.name:
                parsed.notes.append(read_as_note("Department", reading))
        else:
            parsed.ask("department", department, reading.guesses)
            parsed.errors.append(
                f"No department is called {department}.{guesses_text(reading)} Add it on the Departments page first"
            )


def _give_missing_department(parsed, lookups):
    # A row with no department whose owner has none takes the one department the admin chose for all such rows.
    owner = parsed.values.get("owner")
    if lookups.default_department is None or "department" in parsed.values or "department" in parsed.failed:
        return
    if owner is not None and owner.department is None:
        parsed.values["department"] = lookups.default_department
        parsed.ask("missing_department")
        parsed.notes.append(f"No department given: {lookups.default_department.name}, as chosen for such rows")


def _read_person_by_rule(parsed, raw, lookups, error):
    """An owner not named exactly: read by initials or a unique leading part, or refused with guesses."""
    reading = lookups.person(raw) if "@" not in raw else None
    if reading is not None and reading.name is not None:
        try:
            parsed.values["owner"] = lookups.user(reading.name)
            parsed.notes.append(read_as_note("Owner", reading))
            return
        except cells.CellError as refused:
            error = refused
    guesses = guesses_text(reading) if reading is not None and str(error).startswith("No user") else ""
    if raw not in lookups.mapped["owner"]:
        parsed.ask("owner", raw, lookups.guessed_people(raw, reading))
    parsed.fail("owner", f"{str(error).rstrip('.')}.{guesses}" if guesses else str(error))


def _read_commentary(parsed, values, columns):
    text = cells.multiline_text(_cell(values, columns, "commentary"))
    if not text:
        return
    try:
        fallback_day = cells.parse_date(_cell(values, columns, "commentary_date"))
    except cells.CellError as error:
        parsed.errors.append(f"Date of the update: {error}")
        return
    parsed.entries = split_commentary(text, fallback_day)


def split_commentary(text, fallback_day=None):
    """Dated entries from a commentary cell: each line starting with a date begins a new entry."""
    entries = []
    for line in text.split("\n"):
        day, rest = cells.leading_date(line)
        if day is not None:
            entries.append(Entry(day=day, narrative=rest))
        elif entries:
            entries[-1].narrative = f"{entries[-1].narrative}\n{line}".strip()
        elif line.strip():
            entries.append(Entry(day=fallback_day, narrative=line.strip()))
    return [entry for entry in entries if entry.narrative.strip()]


def parse_row(number, values, columns, lookups, table=None):
    """Read one row of the plan against the column mapping {field: column index}."""
    parsed = ParsedRow(row=number)
    _read_text(parsed, values, columns, "reference", MAX_REFERENCE, "reference")
    _read_text(parsed, values, columns, "title", MAX_TITLE, "action title")
    _read_text(parsed, values, columns, "description")
    _read_text(parsed, values, columns, "success_measure")
    if "source" in columns and cells.text(_cell(values, columns, "source")):
        parsed.values["source"] = cells.parse_source(_cell(values, columns, "source"))
    _read_people(parsed, values, columns, lookups)
    _give_missing_department(parsed, lookups)
    for key in ("start_date", "original_due_date", "current_due_date", "completed_on"):
        label = key.replace("_", " ").capitalize()
        _read(parsed, key, lambda raw, label=label: _dated(raw, label), _cell(values, columns, key))
    _read(parsed, "status", cells.parse_status, _cell(values, columns, "status"))
    column = columns.get("progress")
    percent = table is not None and column is not None and table.is_percent(number, column)
    _read(parsed, "progress", lambda raw: cells.parse_progress(raw, percent), _cell(values, columns, "progress"))
    column = columns.get("rag")
    fill = table.fill(number, column) if table is not None and column is not None else None
    _read(parsed, "rag", lambda raw: cells.parse_rag(raw, fill), _cell(values, columns, "rag"))
    _read_links(parsed, values, columns, lookups)
    _read_commentary(parsed, values, columns)
    return parsed


def _dated(raw, label):
    try:
        return cells.parse_date(raw)
    except cells.CellError as error:
        raise cells.CellError(f"{label}: {error}") from None


def missing_for_new(parsed):
    """Why a row cannot become a new action: no title, owner or due date."""
    problems = []
    if "title" not in parsed.values and "title" not in parsed.failed:
        problems.append("The action title is empty")
    if "owner" not in parsed.values and "owner" not in parsed.failed:
        problems.append("No owner is given")
    due = parsed.get("original_due_date") or parsed.get("current_due_date")
    if due is None and not parsed.failed & {"original_due_date", "current_due_date"}:
        problems.append("No due date is given")
    return problems


def date_order_problem(start, original_due, current_due):
    """A sentence when the start date falls after a due date, else None."""
    for label, due in (("due date", original_due), ("current due date", current_due)):
        if start and due and due < start:
            return f"The start date ({long_date(start)}) is after the {label} ({long_date(due)})"
    return None


HISTORY_KINDS = ("", "update", "progress update")


def parse_history(table, columns, lookups):
    """Dated updates from an 'Updates' sheet like the export's: ({REFERENCE: [Entry]}, [(row, reason)])."""
    history, rejected = defaultdict(list), []
    for number, values in table.rows:
        kind = (cells.text(_cell(values, columns, "entry")) or "").lower()
        if kind not in HISTORY_KINDS:
            continue  # created, edited, extension and closure entries: the tracker writes its own
        reference = cells.text(_cell(values, columns, "reference"))
        narrative = cells.multiline_text(_cell(values, columns, "commentary"))
        if not reference or not narrative:
            continue
        try:
            entry = _history_entry(values, columns, lookups, narrative, number)
        except cells.CellError as error:
            rejected.append((number, reference, str(error)))
            continue
        history[reference.upper()].append(entry)
    return dict(history), rejected


def _history_entry(values, columns, lookups, narrative, number):
    raw_date = _cell(values, columns, "date")
    day = cells.parse_date(raw_date)
    if day is None:
        raise cells.CellError("The update has no date")
    author_name = cells.text(_cell(values, columns, "author"))
    author = None
    if author_name:
        try:
            author = lookups.user(author_name)
        except cells.CellError:
            author = None  # the commentary still counts; the importing admin is named as author
    return Entry(
        day=day,
        narrative=narrative,
        moment=raw_date if isinstance(raw_date, datetime) else None,
        author=author,
        status=cells.parse_status(_cell(values, columns, "status")),
        progress=cells.parse_progress(_cell(values, columns, "progress")),
        rag=cells.parse_rag(_cell(values, columns, "rag")),
        row=number,
    )
