"""Write a checked import: every accepted row through the plan services, in the caller's transaction.

Plan signals are held back while the rows are written (plan.signals.quiet_signals), so owners get
one e-mail listing the actions the import gave them instead of one e-mail per action.
"""

from collections import defaultdict
from datetime import UTC, datetime, time

from flask import current_app, has_request_context

from tracker.audit.services import record
from tracker.common.dates import local_zone
from tracker.common.types import utcnow
from tracker.exchange.matching import CREATE, UPDATE
from tracker.extensions import db
from tracker.notify.services import queue_email
from tracker.plan.models import ActionUpdate, EntryKind, Rag, Status
from tracker.plan.services import create_action, edit_action
from tracker.plan.signals import quiet_signals

SUMMARY_MAIL_KIND = "action_assigned"


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
    with quiet_signals():
        for index, row in enumerate(plan.rows, start=1):
            if row.outcome == CREATE:
                action = _create(row, actor, source_name)
                assigned[action.owner].append(action)
            elif row.outcome == UPDATE:
                previous_owner_id = row.action.owner_id
                _update(row, actor, source_name)
                if row.action.owner_id != previous_owner_id:
                    assigned[row.action.owner].append(row.action)
            if progress:
                progress(index)
    db.session.flush()
    return assigned


def _create(row, actor, source_name):
    action = create_action(row.data, actor, reference=row.reference)
    state = row.state
    before = {"status": action.status, "progress": action.progress, "declared_rag": action.declared_rag}
    action.status = state["status"]
    action.progress = state["progress"]
    action.declared_rag = state["declared_rag"]
    action.completed_on = state.get("completed_on")
    action.cancel_reason = state.get("cancel_reason")
    entries = sorted(row.entries, key=entry_moment)
    if entries:
        latest = entries[-1]
        latest.status = latest.status or (state["status"] if state["status"] in _UPDATE_STATES else None)
        latest.progress = latest.progress if latest.progress is not None else state["progress"]
        latest.rag = latest.rag or state["declared_rag"]
    _add_entries(action, entries, actor)
    changes = {key: (old, getattr(action, key)) for key, old in before.items() if old != getattr(action, key)}
    if changes or entries:
        record(
            "action.imported",
            obj=action,
            action=action,
            summary=f"Brought {action.reference} in from {source_name}" + _entries_phrase(entries),
            changes=changes,
        )
    return action


_UPDATE_STATES = (Status.NOT_STARTED.value, Status.IN_PROGRESS.value, Status.BLOCKED.value)


def _entries_phrase(entries):
    return f" with {len(entries)} dated update{'s' if len(entries) != 1 else ''}" if entries else ""


def _update(row, actor, source_name):
    action = row.action
    if row.data is not None:
        edit_action(action, row.data, actor)
    _add_entries(action, sorted(row.entries, key=entry_moment), actor)
    if row.state:
        _post_state(action, row.state, actor, source_name)
    if row.entries:
        record(
            "action.history_imported",
            obj=action,
            action=action,
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
    )
    db.session.add(entry)
    action.last_update_at = entry.created_at
    record(
        "action.update_posted",
        obj=action,
        action=action,
        summary=f"Update on {action.reference} brought in from {source_name}",
        changes={key: (old, getattr(action, key)) for key, old in before.items() if old != getattr(action, key)},
    )


def _add_entries(action, entries, actor):
    latest = action.last_update_at
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
            )
        )
        latest = moment if latest is None or moment > latest else latest
    action.last_update_at = latest


def queue_assignment_summaries(assigned, batch_key, source_name):
    """One e-mail per owner listing the actions the import gave them (active owners only)."""
    if not has_request_context():
        # From the command line: e-mail templates build links, which needs a request to build them in.
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return queue_assignment_summaries(assigned, batch_key, source_name)
    queued = 0
    for owner, actions in assigned.items():
        if not owner.active:
            continue
        count = len(actions)
        queue_email(
            SUMMARY_MAIL_KIND,
            to_address=owner.email,
            to_user=owner,
            template="import_assigned",
            subject=f"{count} action{'s' if count != 1 else ''} assigned to you",
            context={"actions": sorted(actions, key=lambda a: a.current_due_date), "source_name": source_name},
            dedupe_key=f"import:{batch_key}:{owner.id}",
        )
        queued += 1
    return queued
