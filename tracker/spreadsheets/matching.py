"""The dry run: match each row to an action by reference, and work out what importing it would do.

Nothing here writes. The result says, row by row, create / update / unchanged / reject, with
the changes and the reasons, and the same function runs again at confirmation so that what is
written is exactly what the admin saw (the digest tells if the tracker changed in between).
"""

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.common.dates import local_zone, long_date
from tracker.extensions import db
from tracker.plan.models import UPDATE_STATUSES, ActionUpdate, EntryKind, Rag, Status
from tracker.plan.services import REFERENCE_PREFIX, ActionData
from tracker.spreadsheets.rows import (
    ParsedRow,
    date_order_problem,
    missing_for_new,
    normalise_name,
    normalise_narrative,
    parse_row,
)

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
DETAIL_FIELDS = (
    ("title", "Title"),
    ("description", "Description"),
    ("source", "Source"),
    ("owner", "Owner"),
    ("department", "Department"),
    ("start_date", "Start date"),
    ("original_due_date", "Original due date"),
    ("current_due_date", "Current due date"),
    ("success_measure", "Success measure"),
    ("rights", "Rights"),
    ("priorities", "Priorities"),
    ("touchpoints", "Touchpoints"),
)
STATE_FIELDS = (("status", "Status"), ("progress", "Progress"), ("declared_rag", "Owner's RAG"))


@dataclass
class RowPlan:
    """What importing one row would do."""

    row: int
    outcome: str
    sheet: str = "Actions"
    reference: str | None = None
    title: str | None = None
    action: object = None
    data: ActionData | None = None
    state: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    asks: list = field(default_factory=list)

    def as_json(self):
        return {
            "row": self.row,
            "sheet": self.sheet,
            "outcome": self.outcome,
            "reference": self.reference,
            "title": self.title,
            "changes": self.changes,
            "reasons": self.reasons,
            "notes": self.notes,
            "entries": len(self.entries),
            "asks": self.asks,
        }


@dataclass
class ImportPlan:
    rows: list

    @property
    def counts(self):
        counts = Counter(row.outcome for row in self.rows)
        return {outcome: counts.get(outcome, 0) for outcome in (CREATE, UPDATE, UNCHANGED, REJECT)}

    def as_json(self):
        rows = [row.as_json() for row in self.rows]
        digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()
        return {"digest": digest, "counts": self.counts, "rows": rows}


def row_label(row):
    """How a row of the dry run is named: 'VV-012, row 14' when it has a reference, else 'Row 14'."""
    where = f"{'Updates sheet row' if row['sheet'] == 'Updates' else 'row'} {row['row']}"
    return f"{row['reference']}, {where}" if row.get("reference") else where[:1].upper() + where[1:]


def display(value):
    """A value as the dry run shows it."""
    if value is None or value == "" or value == []:
        return "blank"
    if isinstance(value, list):
        ordered = sorted(value, key=lambda item: (getattr(item, "number", 0) or 0, getattr(item, "name", "")))
        return ", ".join(display(item) for item in ordered)
    if hasattr(value, "isoformat"):
        return long_date(value)
    if hasattr(value, "number"):
        return str(value.number)
    if hasattr(value, "name"):
        return value.name
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _display_state(key, value):
    if value is None:
        return "blank"
    if key == "status":
        return Status(value).label
    if key == "progress":
        return f"{value}%"
    return value.capitalize()


class ReferenceCounter:
    """Hands out VV-nnn references after the highest already used in the tracker or the file."""

    def __init__(self, used):
        numbers = [int(m[1]) for ref in used if (m := re.fullmatch(rf"{REFERENCE_PREFIX}(\d+)", ref.upper()))]
        self.number = max(numbers, default=0)

    def next(self):
        self.number += 1
        return f"{REFERENCE_PREFIX}{self.number:03d}"


def plan_import(table, columns, lookups, today, history=None, history_rejects=(), progress=None):
    """Every row of the table as a RowPlan; history is {REFERENCE: [Entry]} from an Updates sheet."""
    parsed_rows = []
    for index, (number, values) in enumerate(table.rows, start=1):
        parsed_rows.append(parse_row(number, values, columns, lookups, table))
        if progress:
            progress(index)
    history = dict(history or {})
    references = Counter(p.get("reference", "").upper() for p in parsed_rows if p.get("reference"))
    counter = ReferenceCounter(list(lookups.references) + list(references))
    targets = [_match(parsed, lookups, references) for parsed in parsed_rows]
    matched = [action_id for action_id, _ in targets if action_id is not None]
    actions, links = lookups.load_actions(matched)
    known = _known_entries(matched)
    plans = []
    for parsed, (action_id, problem) in zip(parsed_rows, targets, strict=True):
        action = actions.get(action_id)
        entries = parsed.entries + history.pop((parsed.get("reference") or "").upper(), [])
        if problem:
            plans.append(_reject(parsed, [problem] + parsed.errors))
        elif action is None:
            plans.append(_plan_new(parsed, entries, counter, today))
        else:
            fresh = _fresh_entries(entries, known.get(action.id, set()))
            plans.append(_plan_existing(parsed, action, fresh, links[action.id]))
    _reject_shared_targets(plans)
    plans += [_orphan_history(reference, entries) for reference, entries in history.items()]
    plans += [
        RowPlan(row=row, sheet="Updates", outcome=REJECT, reference=reference, reasons=[reason])
        for row, reference, reason in history_rejects
    ]
    return ImportPlan(plans)


def _match(parsed, lookups, references):
    """(id of the existing action or None, reason to reject or None)."""
    reference = parsed.get("reference")
    if reference:
        if references[reference.upper()] > 1:
            return None, f"The reference {reference} is used on more than one row: give each action its own reference"
        found = lookups.references.get(reference.upper())
        return (found[0] if found else None), None
    matches = lookups.titles.get(normalise_name(parsed.get("title")), [])
    if len(matches) > 1:
        listed = ", ".join(sorted(ref for _, ref in matches))
        return None, f"No reference, and {len(matches)} actions have this title ({listed}): add the reference"
    if matches:
        parsed.notes.append(f"No reference: matched to {matches[0][1]} by its title")
        return matches[0][0], None
    return None, None


def _known_entries(action_ids):
    """{action id: {(local day, narrative), (None, narrative)}} of updates already in the tracker."""
    known = defaultdict(set)
    zone = local_zone()
    for chunk_start in range(0, len(action_ids), 900):
        chunk = action_ids[chunk_start : chunk_start + 900]
        rows = db.session.execute(
            select(ActionUpdate.action_id, ActionUpdate.created_at, ActionUpdate.narrative).where(
                ActionUpdate.action_id.in_(chunk), ActionUpdate.kind == EntryKind.UPDATE.value
            )
        )
        for action_id, created_at, narrative in rows:
            text = normalise_narrative(narrative)
            known[action_id].update({(created_at.astimezone(zone).date(), text), (None, text)})
    return known


def _fresh_entries(entries, known):
    fresh, seen = [], set(known)
    for entry in entries:
        text = normalise_narrative(entry.narrative)
        if (entry.day, text) in seen:
            continue
        seen.update({(entry.day, text), (None, text)})
        fresh.append(entry)
    return fresh


def _reject(parsed, reasons):
    return RowPlan(
        row=parsed.row,
        outcome=REJECT,
        reference=parsed.get("reference"),
        title=parsed.get("title"),
        reasons=list(dict.fromkeys(reasons)),
        notes=parsed.notes,
        asks=parsed.asks,
    )


def _initial_state(parsed, entries, current_due, today):
    values, notes = parsed.values, []
    status, rag, progress = values.get("status"), values.get("rag"), values.get("progress")
    if status is None and rag == Rag.BLUE:
        status = Status.COMPLETE.value
    if status is None:
        status = Status.IN_PROGRESS.value if progress else Status.NOT_STARTED.value
    if status == Status.AWAITING_SIGNOFF:
        notes.append("Awaiting sign-off is brought in as In progress: ask for sign-off in the tracker")
        status = Status.IN_PROGRESS.value
    state = {"status": status, "progress": progress or 0, "declared_rag": rag if rag != Rag.BLUE else None}
    if status == Status.COMPLETE:
        days = [entry.day for entry in entries if entry.day]
        state["progress"] = 100
        state["completed_on"] = values.get("completed_on") or (max(days) if days else min(current_due, today))
    if status == Status.CANCELLED:
        state["cancel_reason"] = "Cancelled before the plan was brought into the tracker"
    return state, notes


def _plan_new(parsed, entries, counter, today):
    reasons = parsed.errors + missing_for_new(parsed)
    values = parsed.values
    original = values.get("original_due_date") or values.get("current_due_date")
    current = values.get("current_due_date") or original
    owner = values.get("owner")
    if owner is not None and values.get("department") is None and owner.department is None:
        reasons.append(f"{owner.name} has no department: give the department in the Department column")
        parsed.ask("missing_department")
    if reasons:
        return _reject(parsed, reasons)
    days = [entry.day for entry in entries if entry.day]
    start = values.get("start_date") or min([today, original, current] + days)
    problem = date_order_problem(start, original, current)
    if problem:
        return _reject(parsed, [problem])
    state, notes = _initial_state(parsed, entries, current, today)
    data = ActionData(
        title=values["title"],
        owner=owner,
        start_date=start,
        original_due_date=original,
        current_due_date=current,
        description=values.get("description", ""),
        source=values.get("source", "other"),
        success_measure=values.get("success_measure", ""),
        department=values.get("department"),
        rights=values.get("rights", []),
        priorities=values.get("priorities", []),
        touchpoints=values.get("touchpoints", []),
    )
    reference = values.get("reference") or counter.next()
    return RowPlan(
        row=parsed.row,
        outcome=CREATE,
        reference=reference,
        title=data.title,
        data=data,
        state=state,
        entries=entries,
        notes=parsed.notes + notes,
        changes=_entries_change(entries),
        asks=parsed.asks,
    )


def _entries_change(entries):
    if not entries:
        return []
    return [f"{len(entries)} dated update{'s' if len(entries) != 1 else ''} from the commentary"]


LINK_FIELDS = ("rights", "priorities", "touchpoints")


def _before(action, links):
    """The action's details as the tracker holds them, its links as plain items."""
    return {key: links[key] if key in LINK_FIELDS else getattr(action, key) for key, _ in DETAIL_FIELDS}


def _merged(parsed: ParsedRow, action, before):
    """The action's details after the row: empty cells keep what the tracker holds."""
    values = parsed.values
    owner = values.get("owner", action.owner)
    department = values.get("department") or (action.department if owner.id == action.owner_id else owner.department)
    merged = {key: values.get(key, before[key]) for key, _ in DETAIL_FIELDS}
    merged.update(owner=owner, department=department)
    if "original_due_date" in values and "current_due_date" not in values and not action.is_extended:
        merged["current_due_date"] = values["original_due_date"]
    return merged


def _same(key, before, after):
    if key in ("rights", "priorities", "touchpoints"):
        return {item.id for item in before} == {item.id for item in after}
    if key in ("owner", "department"):
        return getattr(before, "id", None) == getattr(after, "id", None)
    if isinstance(before, str) or isinstance(after, str):
        # Spreadsheets collapse and trim spaces; a difference only in spacing is no change.
        return " ".join((before or "").split()) == " ".join((after or "").split())
    return before == after


def _state_after(parsed, action):
    values = parsed.values
    rag, status = values.get("rag"), values.get("status")
    if status == Status.AWAITING_SIGNOFF and action.status != status and action.is_open:
        # As when the row creates an action: sign-off is asked for in the tracker, so that the
        # file an import came from can be imported again without every such row refused.
        parsed.notes.append("Awaiting sign-off is not brought in: ask for sign-off in the tracker")
        status = None
    state = {}
    if status and status != action.status:
        state["status"] = status
    if rag == Rag.BLUE and action.status != Status.COMPLETE:
        state["status"] = Status.COMPLETE.value
    if values.get("progress") is not None and values["progress"] != action.progress:
        state["progress"] = values["progress"]
    if rag in (Rag.RED, Rag.AMBER, Rag.GREEN) and rag != action.declared_rag:
        state["declared_rag"] = rag
    return state


def _state_problem(action, state):
    if not state:
        return None
    if not action.is_open:
        return None  # reported as a change to a closed action
    if action.status == Status.AWAITING_SIGNOFF:
        return f"{action.reference} is awaiting sign-off, so the import cannot change its status, progress or RAG"
    if state.get("status") and state["status"] not in UPDATE_STATUSES:
        return f"The import does not close actions: sign {action.reference} off or cancel it in the tracker"
    return None


def _plan_existing(parsed, action, entries, links):
    plan = RowPlan(row=parsed.row, outcome=UPDATE, reference=action.reference, title=action.title, action=action)
    plan.notes, plan.asks = parsed.notes, parsed.asks
    if parsed.errors:
        return _reject_matched(parsed, action)
    before = _before(action, links)
    merged = _merged(parsed, action, before)
    for key, label in DETAIL_FIELDS:
        if not _same(key, before[key], merged[key]):
            plan.changes.append(f"{label}: {display(before[key])} to {display(merged[key])}")
    details_changed = bool(plan.changes)
    plan.state = _state_after(parsed, action)
    for key, label in STATE_FIELDS:
        if key in plan.state:
            old, new = _display_state(key, getattr(action, key)), _display_state(key, plan.state[key])
            plan.changes.append(f"{label}: {old} to {new}")
    plan.changes += _entries_change(entries)
    plan.entries = entries
    if not plan.changes:
        plan.outcome = UNCHANGED
        return plan
    if not action.is_open:
        return _reject(
            parsed,
            [f"{action.reference} is {action.status_label.lower()} in the tracker, so the import cannot change it"],
        )
    problem = _state_problem(action, plan.state) or date_order_problem(
        merged["start_date"], merged["original_due_date"], merged["current_due_date"]
    )
    if problem:
        return _reject(parsed, [problem])
    if details_changed:
        # The service needs the links themselves: those the row leaves alone are loaded now.
        merged.update({key: parsed.values.get(key) or list(getattr(action, key)) for key in LINK_FIELDS})
        plan.data = ActionData(**merged)
    return plan


def _reject_matched(parsed, action):
    plan = _reject(parsed, parsed.errors)
    plan.reference = plan.reference or action.reference
    return plan


def _reject_shared_targets(plans):
    by_action = defaultdict(list)
    for plan in plans:
        if plan.action is not None and plan.outcome in (UPDATE, UNCHANGED):
            by_action[plan.action.id].append(plan)
    for shared in by_action.values():
        if len(shared) > 1:
            rows = ", ".join(str(p.row) for p in shared)
            for plan in shared:
                plan.outcome, plan.data, plan.entries = REJECT, None, []
                plan.reasons = [f"Rows {rows} all match {plan.reference}: keep one row per action"]
                plan.changes = []


def _orphan_history(reference, entries):
    return RowPlan(
        row=min(getattr(entry, "row", 0) for entry in entries),
        sheet="Updates",
        outcome=REJECT,
        reference=reference,
        reasons=[f"{len(entries)} update(s) for {reference}, which is not on the plan sheet"],
    )
