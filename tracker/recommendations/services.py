"""Operations on sources and recommendations. Each flushes and never commits; the request commits once."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.audit.services import record
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan.errors import PlanError
from tracker.plan.evidence import check_link
from tracker.plan.models import Status
from tracker.plan.services import check_version
from tracker.recommendations.models import (
    DEFAULT_RESPONSE_DAYS,
    Body,
    Recommendation,
    RecommendationSource,
    RecommendationStatus,
)

# Sentinel for "the rule the body's law sets", used when the person may not choose the rule.
BODY_DEFAULT = "body_default"
SOURCE_FIELDS = ("body", "title", "published_on", "link", "response_days")
RECOMMENDATION_FIELDS = ("reference", "text", "addressed_to", "lead", "rights", "priorities")


@dataclass
class SourceData:
    """Validated fields of a report or review."""

    body: str
    title: str
    published_on: date
    link: str = ""
    response_days: object = BODY_DEFAULT


@dataclass
class RecommendationData:
    """Validated fields of a recommendation."""

    reference: str
    text: str
    lead: object
    addressed_to: str = "force"
    rights: list = field(default_factory=list)
    priorities: list = field(default_factory=list)


def default_response_days(body):
    """The days the law gives for a response to this body's recommendations, or None."""
    return DEFAULT_RESPONSE_DAYS.get(Body(body))


def _source_values(source):
    return {name: getattr(source, name) for name in SOURCE_FIELDS}


def _check_manager(actor):
    if not (actor.is_authenticated and actor.active and actor.can_manage_plan):
        raise PermissionError("Only the chair or an administrator can manage recommendations")


def _check_source(data):
    if not (data.title or "").strip():
        raise PlanError("Enter the title of the report or review", "title")
    if data.published_on is None:
        raise PlanError("Enter the publication date", "published_on")
    if (data.link or "").strip():
        check_link(data.link)


def _days(data, actor, source=None):
    if data.response_days != BODY_DEFAULT and actor.is_admin:
        return data.response_days
    if source is not None and source.body == data.body:
        return source.response_days
    return default_response_days(data.body)


def create_source(data: SourceData, actor):
    """Add a report or review; its response rule is the body's unless an admin sets another."""
    _check_manager(actor)
    _check_source(data)
    source = RecommendationSource(
        body=data.body,
        title=data.title.strip(),
        published_on=data.published_on,
        link=(data.link or "").strip() or None,
        response_days=_days(data, actor),
        created_by_id=actor.id,
    )
    db.session.add(source)
    db.session.flush()
    record(
        "recommendation_source.created",
        actor=actor,
        obj=source,
        summary=f"Added {source.title}",
        changes={name: (None, value) for name, value in _source_values(source).items() if value is not None},
    )
    return source


def edit_source(source, data: SourceData, actor, expected_version=None):
    """Change a report or review; only an admin changes its response rule."""
    _check_manager(actor)
    check_version(source, expected_version)
    _check_source(data)
    before = _source_values(source)
    source.response_days = _days(data, actor, source)
    source.body, source.title = data.body, data.title.strip()
    source.published_on, source.link = data.published_on, (data.link or "").strip() or None
    after = _source_values(source)
    changes = {name: (before[name], after[name]) for name in after if before[name] != after[name]}
    if changes:
        db.session.flush()
        record(
            "recommendation_source.changed", actor=actor, obj=source, summary=f"Changed {source.title}", changes=changes
        )
    return changes


def _recommendation_values(recommendation):
    values = {name: getattr(recommendation, name) for name in RECOMMENDATION_FIELDS}
    values["lead"] = values["lead"].name if values["lead"] else None
    values["rights"] = [right.number for right in values["rights"] or []]
    values["priorities"] = [priority.number for priority in values["priorities"] or []]
    return values


def _check_recommendation(source, data, recommendation=None):
    reference = (data.reference or "").strip()
    if not reference:
        raise PlanError("Enter the report's reference, like Recommendation 3 or AFI 2", "reference")
    if not (data.text or "").strip():
        raise PlanError("Enter the text of the recommendation", "text")
    if data.lead is None or not data.lead.active:
        raise PlanError("Choose a lead from the list of people who can sign in", "lead_id")
    taken = db.session.scalar(
        select(Recommendation.id).where(Recommendation.source_id == source.id, Recommendation.reference == reference)
    )
    if taken is not None and (recommendation is None or taken != recommendation.id):
        raise PlanError(f"{source.title} already has {reference}. Enter a different reference", "reference")


def add_recommendation(source, data: RecommendationData, actor):
    """Add a recommendation to a source, awaiting review."""
    _check_manager(actor)
    _check_recommendation(source, data)
    position = max((r.position for r in source.recommendations), default=0) + 1
    recommendation = Recommendation(
        source=source,
        position=position,
        reference=data.reference.strip(),
        text=data.text.strip(),
        addressed_to=data.addressed_to,
        lead=data.lead,
        rights=list(data.rights),
        priorities=list(data.priorities),
    )
    db.session.add(recommendation)
    db.session.flush()
    record(
        "recommendation.created",
        actor=actor,
        obj=recommendation,
        summary=f"Added {recommendation.reference} to {source.title}",
        changes={name: (None, value) for name, value in _recommendation_values(recommendation).items()},
    )
    return recommendation


def edit_recommendation(recommendation, data: RecommendationData, actor, expected_version=None):
    """Change a recommendation's wording, addressee, lead or links to rights and priorities."""
    _check_manager(actor)
    check_version(recommendation, expected_version)
    _check_recommendation(recommendation.source, data, recommendation)
    before = _recommendation_values(recommendation)
    recommendation.reference, recommendation.text = data.reference.strip(), data.text.strip()
    recommendation.addressed_to, recommendation.lead = data.addressed_to, data.lead
    recommendation.rights, recommendation.priorities = list(data.rights), list(data.priorities)
    after = _recommendation_values(recommendation)
    changes = {name: (before[name], after[name]) for name in after if before[name] != after[name]}
    if changes:
        db.session.flush()
        summary = f"Changed {recommendation.reference} of {recommendation.source.title}"
        record("recommendation.changed", actor=actor, obj=recommendation, summary=summary, changes=changes)
    return changes


def suggested_status(recommendation):
    """The status the linked actions point to, or None when they point nowhere.

    Cancelled actions answer nothing. All the rest complete suggests complete; any open suggests
    being progressed.
    """
    live = [action for action in recommendation.actions if action.status != Status.CANCELLED.value]
    if not live:
        return None
    if all(action.status == Status.COMPLETE.value for action in live):
        return RecommendationStatus.COMPLETE
    return RecommendationStatus.BEING_PROGRESSED


def change_status(recommendation, status, reason, actor, expected_version=None):
    """The lead sets the status, always with a reason; it is audited with the suggestion it followed or not."""
    if not recommendation.can_update_status(actor):
        raise PermissionError("Only the recommendation's lead, the chair or an administrator can change its status")
    check_version(recommendation, expected_version)
    reason = (reason or "").strip()
    status = RecommendationStatus(status)
    if not reason:
        message = "Enter why nothing will be done" if status == RecommendationStatus.NOT_ACCEPTED else "Enter a reason"
        raise PlanError(message, "reason")
    old = RecommendationStatus(recommendation.status)
    suggestion = suggested_status(recommendation)
    recommendation.status, recommendation.status_reason = status.value, reason
    recommendation.status_changed_at, recommendation.status_changed_by_id = utcnow(), actor.id
    db.session.flush()
    note = f"; the actions suggested {suggestion.label.lower()}" if suggestion and suggestion != status else ""
    record(
        "recommendation.status_changed",
        actor=actor,
        obj=recommendation,
        summary=f"{recommendation.reference} of {recommendation.source.title}: {status.label}{note}",
        changes={"recommendation_status": (old.value, status.value), "status_reason": (None, reason)},
    )
    return recommendation


def link_action(recommendation, action, actor):
    """Record that an action answers the recommendation; False when it already did."""
    _check_manager(actor)
    if action in recommendation.actions:
        return False
    recommendation.actions.append(action)
    db.session.flush()
    record(
        "recommendation.action_linked",
        actor=actor,
        obj=recommendation,
        action=action,
        summary=f"{action.reference} answers {recommendation.reference} of {recommendation.source.title}",
    )
    return True


def unlink_action(recommendation, action, actor):
    """Record that an action no longer answers the recommendation; False when it did not."""
    _check_manager(actor)
    if action not in recommendation.actions:
        return False
    recommendation.actions.remove(action)
    db.session.flush()
    record(
        "recommendation.action_unlinked",
        actor=actor,
        obj=recommendation,
        action=action,
        summary=f"{action.reference} no longer answers {recommendation.reference} of {recommendation.source.title}",
    )
    return True


def recommendations_answered_by(action):
    """The recommendations an action answers, by source and position."""
    from tracker.recommendations.models import recommendation_actions

    return db.session.scalars(
        select(Recommendation)
        .join(recommendation_actions, recommendation_actions.c.recommendation_id == Recommendation.id)
        .where(recommendation_actions.c.action_id == action.id)
        .order_by(Recommendation.source_id, Recommendation.position)
    ).all()


def latest_narratives(actions):
    """{action id: the latest update a person wrote on it}, in one query; imported entries are no one's words."""
    from tracker.plan.models import ActionUpdate, EntryKind

    ids = [action.id for action in actions]
    if not ids:
        return {}
    entries = db.session.scalars(
        select(ActionUpdate)
        .where(
            ActionUpdate.action_id.in_(ids),
            ActionUpdate.kind == EntryKind.UPDATE.value,
            ActionUpdate.author_id.is_not(None),
            ActionUpdate.imported_from.is_(None),
            ActionUpdate.narrative != "",
        )
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
    ).all()
    latest = {}
    for entry in entries:
        latest.setdefault(entry.action_id, entry)
    return latest
