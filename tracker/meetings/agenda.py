"""The agenda a meeting starts from, proposed from the plan's own state.

Standing items first (the last meeting's minutes, and actions arising from it), then every open
action that is Red (overdue ones among them), has turned Red since the last meeting, waits for
the chair's decision on an extension or a sign-off, was raised for discussion by its owner, arose
at the last meeting, or was left undecided there; then the rights of the Code whose compliance gap
needs an action; then anything left undecided at the last meeting that was not about an action.

Only a meeting that has started can leave something undecided: the items of a meeting still
planned are not carried to the one after it.
"""

from sqlalchemy import select

from tracker.common.dates import long_date
from tracker.extensions import db
from tracker.meetings.discussion import open_requests, raised_reason
from tracker.meetings.models import ActionArising, AgendaItem, ItemKind, MeetingState
from tracker.plan.brag import current_thresholds, rule_rag, rule_rag_sql
from tracker.plan.models import OPEN_STATUSES, Action, ClosureRequest, ExtensionRequest, Rag, RequestState


def _previous_items(previous):
    return list(previous.items) if previous is not None else []


def _was_held(previous):
    return previous is not None and previous.state != MeetingState.PLANNED


def _undecided(previous):
    """Ids of the actions whose items the last meeting, once started, left without a decision."""
    if not _was_held(previous):
        return set()
    return {item.action_id for item in previous.items if item.action_id and not item.decisions.strip()}


def _standing_items(previous):
    if previous is None:
        when = "This is the first meeting of the series"
        return [
            (ItemKind.LAST_MINUTES, "Minutes of the last meeting", when),
            (ItemKind.ACTIONS_ARISING, "Actions arising from the last meeting", when),
        ]
    held = f"The meeting on {long_date(previous.held_on)}"
    return [
        (ItemKind.LAST_MINUTES, "Minutes of the last meeting", held),
        (ItemKind.ACTIONS_ARISING, "Actions arising from the last meeting", held),
    ]


def _open(query):
    return query.where(Action.status.in_([s.value for s in OPEN_STATUSES]))


def _candidates(today, previous):
    """{action id: action} of every open action the agenda may need, in a few queries."""
    thresholds = current_thresholds()
    red = db.session.scalars(_open(select(Action)).where(rule_rag_sql(Action, today, thresholds) == Rag.RED.value))
    waiting = []
    for model in (ExtensionRequest, ClosureRequest):
        waiting += db.session.scalars(
            _open(select(Action)).join(model, model.action_id == Action.id).where(model.state == RequestState.PENDING)
        )
    carried = []
    if previous is not None:
        carried = db.session.scalars(
            _open(select(Action))
            .join(ActionArising, ActionArising.action_id == Action.id)
            .where(ActionArising.meeting_id == previous.id)
        )
        undecided = _undecided(previous)
        carried = [*carried, *db.session.scalars(_open(select(Action)).where(Action.id.in_(undecided)))]
    raised = list(db.session.scalars(_open(select(Action)).where(Action.id.in_(list(open_requests())))))
    return {action.id: action for action in [*red.unique(), *waiting, *raised, *carried]}


def _waiting_on(actions):
    extensions = db.session.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.action_id.in_(actions), ExtensionRequest.state == RequestState.PENDING
        )
    )
    closures = db.session.scalars(
        select(ClosureRequest.action_id).where(
            ClosureRequest.action_id.in_(actions), ClosureRequest.state == RequestState.PENDING
        )
    )
    return {e.action_id: e for e in extensions}, set(closures)


def action_reasons(action, result, today, *, previous, was_red, extension, closure, arose, undecided, raised=None):
    """Why an action is on the agenda, as sentences."""
    reasons = []
    if result.rag == Rag.RED.value:
        overdue = action.current_due_date < today
        lead = "Turned Red since the last meeting" if previous is not None and not was_red else "Red"
        if overdue:
            lead = f"Overdue. {lead}"
        reasons.append(f"{lead}: {'; '.join(result.reasons)}")
    if extension is not None:
        reasons.append(f"Extension to {long_date(extension.new_due_date)} waiting for the chair's decision")
    if closure:
        reasons.append("Sign-off waiting for the chair's decision")
    if raised is not None:
        reasons.append(raised_reason(raised))
    if arose:
        reasons.append("Arose at the last meeting")
    if undecided:
        reasons.append("Not decided at the last meeting")
    return reasons


def _action_items(today, previous):
    actions = _candidates(today, previous)
    if not actions:
        return []
    thresholds = current_thresholds()
    extensions, closures = _waiting_on(list(actions))
    before = _previous_items(previous)
    was_red = {i.action_id for i in before if i.action_id and i.rag_when_proposed == Rag.RED.value}
    undecided = _undecided(previous)
    raised = open_requests(list(actions))
    arose = set()
    if previous is not None:
        arose = set(db.session.scalars(select(ActionArising.action_id).where(ActionArising.meeting_id == previous.id)))
    rows = []
    for action in actions.values():
        result = rule_rag(action, today, thresholds)
        reasons = action_reasons(
            action,
            result,
            today,
            previous=previous,
            was_red=action.id in was_red,
            extension=extensions.get(action.id),
            closure=action.id in closures,
            arose=action.id in arose,
            undecided=action.id in undecided and action.id not in arose,
            raised=raised.get(action.id),
        )
        rows.append((result, action, reasons))
    red_first = sorted(rows, key=lambda row: (row[0].rag != Rag.RED.value, row[1].current_due_date, row[1].id))
    return [(action, result.rag, ". ".join(reasons)) for result, action, reasons in red_first]


def _carried_items(previous):
    """Items added by hand at the last meeting that were not decided there."""
    if not _was_held(previous):
        return []
    return [item for item in _previous_items(previous) if item.kind == ItemKind.ADDED and not item.decisions.strip()]


def _compliance_items():
    """(title, reason) of each right whose compliance gap, in the latest quarter recorded, needs an action."""
    from tracker.compliance.gap import points_text
    from tracker.compliance.services import gap_table, quarters_with_data
    from tracker.reports.render import percent

    quarters = quarters_with_data()
    if not quarters:
        return []
    quarter = quarters[0]
    items = []
    for row in gap_table(quarter.label):
        if not row.needs_action:
            continue
        reason = (
            f"Compliance gap of {points_text(row.gap)} in {quarter.label} (self-assessed "
            f"{percent(row.self_figure)}, victims' voice {percent(row.voice_percent)}) and no open action"
        )
        if row.small_sample:
            reason += f". Small sample of {row.voice_sample} victims"
        items.append((f"{row.right_label}: {row.right_title}", reason))
    return items


def propose_agenda(meeting, today):
    """Fill a new meeting's agenda from the plan as it stands today."""
    from tracker.meetings.services import previous_meeting

    previous = previous_meeting(meeting)
    items = [
        AgendaItem(kind=kind.value, title=title, reason=reason) for kind, title, reason in _standing_items(previous)
    ]
    for action, rag, reason in _action_items(today, previous):
        items.append(
            AgendaItem(
                kind=ItemKind.ACTION.value,
                title=f"{action.reference}: {action.title}",
                action=action,
                rag_when_proposed=rag,
                reason=reason,
            )
        )
    for title, reason in _compliance_items():
        items.append(AgendaItem(kind=ItemKind.COMPLIANCE.value, title=title[:300], reason=reason))
    for item in _carried_items(previous):
        when = long_date(previous.held_on)
        items.append(AgendaItem(kind=ItemKind.ADDED.value, title=item.title, reason=f"Not decided on {when}"))
    for number, item in enumerate(items, start=1):
        item.position = number
    meeting.items = items
    db.session.flush()
    return items
