"""Write a checked import: every accepted row through the plan services, in the caller's transaction.

Plan signals are held back while the rows are written (plan.signals.quiet_signals), so owners get
one e-mail listing the actions the import gave them instead of one e-mail per action.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select

from tracker.audit.services import record
from tracker.common.dates import local_zone
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.kinds import ACTION_ASSIGNED
from tracker.notify.models import OutboundEmail
from tracker.notify.services import kind_enabled, queue_email, wants_immediate
from tracker.plan.models import (
    UPDATE_STATUSES,
    Action,
    ActionUpdate,
    EntryKind,
    Rag,
    Status,
    action_priorities,
    action_rights,
    action_touchpoints,
)
from tracker.plan.services import creation_records, edit_action, snapshot, write_creation_records
from tracker.plan.signals import quiet_signals
from tracker.plan.timeline import entry_values
from tracker.spreadsheets.matching import CREATE, UPDATE

LINKS = (
    ("rights", action_rights, "right_id"),
    ("priorities", action_priorities, "priority_id"),
    ("touchpoints", action_touchpoints, "touchpoint_id"),
)


def entry_moment(entry):
    """When a historic entry happened, in UTC: its time if the sheet gave one, else midday on its day."""
    if entry.moment is not None:
        moment = entry.moment
        return (moment if moment.tzinfo else moment.replace(tzinfo=local_zone())).astimezone(UTC)
    if entry.day is not None:
        return datetime.combine(entry.day, time(12, 0), tzinfo=local_zone()).astimezone(UTC)
    return utcnow()


def write_plan(plan, actor, source_name, progress=None):
    """Create and update the actions of an ImportPlan; returns {owner: [actions newly theirs]}."""
    assigned = defaultdict(list)
    creates = [row for row in plan.rows if row.outcome == CREATE]
    done = 0
    with quiet_signals():
        for action in _create_all(creates, actor, source_name):
            assigned[action.owner].append(action)
        done = len(creates)
        if progress:
            progress(done)
        for row in plan.rows:
            if row.outcome != UPDATE:
                continue
            previous_owner_id = row.action.owner_id
            _update(row, actor, source_name)
            if row.action.owner_id != previous_owner_id:
                assigned[row.action.owner].append(row.action)
            done += 1
            if progress:
                progress(done)
    db.session.flush()
    return assigned


@dataclass
class CreatedAction:
    """What the rest of the import needs to know of an action it created: its row is already written."""

    __tablename__ = "action"
    id: int
    reference: str
    title: str
    current_due_date: date
    owner: object


def _action_row(row, actor, now):
    data, state = row.data, row.state
    return {
        "reference": row.reference,
        "title": data.title.strip(),
        "description": (data.description or "").strip(),
        "source": data.source,
        "owner_id": data.owner.id,
        "department_id": (data.department or data.owner.department).id,
        "start_date": data.start_date,
        "original_due_date": data.original_due_date,
        "current_due_date": data.current_due_date or data.original_due_date,
        "success_measure": (data.success_measure or "").strip(),
        "status": state["status"],
        "progress": state["progress"],
        "declared_rag": state["declared_rag"],
        "completed_on": state.get("completed_on"),
        "cancel_reason": state.get("cancel_reason"),
        "extension_count": 0,
        "created_at": now,
        "updated_at": now,
        "created_by_id": actor.id,
        "version_id": 1,
    }


def _created_changes(row, values):
    changes = snapshot(row.data)
    changes.update(
        title=values["title"],
        description=values["description"],
        success_measure=values["success_measure"],
        current_due_date=values["current_due_date"],
    )
    for name, default in (("status", Status.NOT_STARTED.value), ("progress", 0), ("declared_rag", None)):
        if values[name] != default:
            changes[name] = values[name]
    return {name: (None, value) for name, value in changes.items()}


def _history(row):
    """The row's dated entries, oldest first, the latest carrying the state the sheet gives."""
    state = row.state
    for entry in row.entries:
        entry.at = entry_moment(entry)
    entries = sorted(row.entries, key=lambda entry: entry.at)
    if entries:
        latest = entries[-1]
        latest.status = latest.status or (state["status"] if state["status"] in UPDATE_STATUSES else None)
        latest.progress = latest.progress if latest.progress is not None else state["progress"]
        latest.rag = latest.rag or state["declared_rag"]
    return entries


def _insert_actions(values):
    """Insert action rows; their ids in the same order.

    A plain executemany, then the ids by reference (unique): an INSERT ... RETURNING of thousands of
    rows is sent as a few enormous statements, which psycopg spends seconds preparing.
    """
    table = Action.__table__
    db.session.execute(insert(table), values)
    references = [row["reference"] for row in values]
    ids = {}
    for start in range(0, len(references), 900):
        chunk = references[start : start + 900]
        ids.update(db.session.execute(select(table.c.reference, table.c.id).where(table.c.reference.in_(chunk))).all())
    return [ids[reference] for reference in references]


def _link_rows(actions_ids, rows):
    for key, table, column in LINKS:
        links = [
            {"action_id": action_id, column: item.id}
            for action_id, row in zip(actions_ids, rows, strict=True)
            for item in {item.id: item for item in getattr(row.data, key) or []}.values()
        ]
        if links:
            db.session.execute(insert(table), links)


def _create_all(rows, actor, source_name):
    """Create every new action in a few statements, each with the records plan.services.create_action
    writes (plan.services.creation_records: its 'created' timeline entry and action.created audit
    event), its state and its history.

    create_action builds and flushes an object per action, which for thousands of rows takes far
    longer than the import's time budget; tests check that both paths leave the same record.
    """
    if not rows:
        return []
    now = utcnow()
    histories = [_history(row) for row in rows]
    values = []
    for row, entries in zip(rows, histories, strict=True):
        row_values = _action_row(row, actor, now)
        row_values["last_update_at"] = max((entry.at for entry in entries), default=None)
        values.append(row_values)
    ids = _insert_actions(values)
    _link_rows(ids, rows)
    created, timeline, events = [], [], []
    for action_id, row, row_values, entries in zip(ids, rows, values, histories, strict=True):
        action = CreatedAction(
            id=action_id,
            reference=row.reference,
            title=row_values["title"],
            current_due_date=row_values["current_due_date"],
            owner=row.data.owner,
        )
        created.append(action)
        entry, event = creation_records(
            action,
            actor,
            changes=_created_changes(row, row_values),
            summary=f"Created {action.reference} from {source_name}" + _entries_phrase(entries),
            at=now,
            **_imported(source_name, now),
        )
        timeline.append(entry)
        events.append(event)
        timeline += [
            _entry_row(action, entry.author or actor, EntryKind.UPDATE, entry.narrative, entry.at, entry)
            | _imported(source_name, now)
            for entry in entries
        ]
    write_creation_records(timeline, events)
    return created


def _entry_row(action, author, kind, narrative, moment, entry=None):
    figures = {}
    if entry is not None:
        figures = {"status": entry.status, "progress": entry.progress}
        figures["declared_rag"] = entry.rag if entry.rag != Rag.BLUE else None
    return entry_values(action.id, author, kind, narrative, moment, **figures)


def _imported(source_name, now):
    """The marks that tell an imported timeline entry from one a person wrote in the tracker."""
    return {"imported_from": (source_name or "a spreadsheet")[:255], "imported_at": now}


def _entries_phrase(entries):
    return f" with {len(entries)} dated update{'s' if len(entries) != 1 else ''}" if entries else ""


def _update(row, actor, source_name):
    action = row.action
    if row.data is not None:
        # A due date the sheet moves is recorded, with where it came from, like any other move.
        row.data.date_reason = row.data.date_reason or f"Changed by the import of {source_name}"
        edit_action(action, row.data, actor)
    _add_entries(action, sorted(row.entries, key=entry_moment), actor, source_name)
    if row.state:
        _post_state(action, row.state, actor, source_name)
    if row.entries:
        record(
            "action.history_imported",
            obj=action,
            action=action,
            actor=actor,
            summary=f"Dated updates for {action.reference} brought in from {source_name}",
            changes={"updates": (None, len(row.entries))},
        )


def _post_state(action, state, actor, source_name):
    """Record a change of status, progress or RAG from the sheet as a timeline update."""
    before = {key: getattr(action, key) for key in ("status", "progress", "declared_rag")}
    for key, value in state.items():
        setattr(action, key, value)
    described = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("status", Status(action.status).label),
            ("progress", f"{action.progress}%"),
            ("RAG", Rag(action.declared_rag).label if action.declared_rag else "not given"),
        )
    )
    entry = ActionUpdate(
        action=action,
        author=actor,
        kind=EntryKind.UPDATE.value,
        narrative=f"Brought in from {source_name}: {described}",
        created_at=utcnow(),
        status=action.status,
        progress=action.progress,
        declared_rag=action.declared_rag,
        **_imported(source_name, utcnow()),
    )
    db.session.add(entry)
    action.last_update_at = entry.created_at
    record(
        "action.update_posted",
        obj=action,
        action=action,
        actor=actor,
        summary=f"Update on {action.reference} brought in from {source_name}",
        changes={key: (old, getattr(action, key)) for key, old in before.items() if old != getattr(action, key)},
    )


def _add_entries(action, entries, actor, source_name):
    latest, now = action.last_update_at, utcnow()
    for entry in entries:
        moment = entry_moment(entry)
        db.session.add(
            ActionUpdate(
                action=action,
                author=entry.author or actor,
                kind=EntryKind.UPDATE.value,
                narrative=entry.narrative,
                created_at=moment,
                status=entry.status,
                progress=entry.progress,
                declared_rag=entry.rag if entry.rag != Rag.BLUE else None,
                **_imported(source_name, now),
            )
        )
        latest = moment if latest is None or moment > latest else latest
    action.last_update_at = latest


def queue_assignment_summaries(assigned, batch_key, source_name, actor):
    """One e-mail per owner listing the actions the import gave them, instead of one per action.

    It goes as the 'action assigned' kind, to owners who take immediate mail, and not to the
    admin who ran the import: the same rules as the per-action message it replaces.
    """
    queued = 0
    prefix = f"import:{batch_key}:"
    already = set(
        db.session.scalars(select(OutboundEmail.dedupe_key).where(OutboundEmail.dedupe_key.startswith(prefix)))
    )
    enabled = kind_enabled(ACTION_ASSIGNED)
    # Each message is a new row; flushing the last one before every query would be wasted work.
    with db.session.no_autoflush:
        for owner, actions in assigned.items():
            key = f"{prefix}{owner.id}"
            if owner.id == actor.id or not wants_immediate(owner) or key in already:
                continue
            count = len(actions)
            queue_email(
                ACTION_ASSIGNED,
                to_address=owner.email,
                to_user=owner,
                template="import_assigned",
                subject=f"{count} action{'s' if count != 1 else ''} assigned to you",
                context={
                    "actions": sorted(actions, key=lambda a: (a.current_due_date, a.reference)),
                    "source_name": source_name,
                    "actor": actor,
                },
                dedupe_key=key,
                enabled=enabled,
                known_new=True,
            )
            queued += 1
    return queued
