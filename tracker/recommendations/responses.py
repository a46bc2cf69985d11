"""The response a source's rule asks for: drafted from the recommendations and the actions that answer
them, worded by the chair, approved, then published as a page and a PDF, after which it never changes.

A draft says what the recommendations and their actions say today; approving copies that into the
response's items. Publishing the first version records its date as the source's response date, which
stops the clock and its reminders. A new version can follow, drafted from the state of things then.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.common.dates import local_today, long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan.errors import PlanError
from tracker.plan.pages import rags_of
from tracker.recommendations.models import (
    RecommendationResponse,
    RecommendationStatus,
    ResponseItem,
)
from tracker.recommendations.services import latest_narratives

WORDING_MAX = 10000
LOCKED_MESSAGE = "This response has been approved, so it never changes: draft a new version instead"


class ResponseError(PlanError):
    """A response asked to do something its state does not allow."""


@dataclass
class ActionLine:
    """One action as the response shows it."""

    title: str
    due: date
    status: str
    brag: str
    narrative: str | None
    narrative_on: date | None


@dataclass
class Entry:
    """What the response says about one recommendation."""

    reference: str
    text: str
    status: str
    status_reason: str | None
    wording: str
    actions: list

    @property
    def status_label(self):
        return RecommendationStatus(self.status).label

    @property
    def not_accepted(self):
        return self.status == RecommendationStatus.NOT_ACCEPTED


def _check_manager(source, actor):
    if not source.can_manage(actor):
        raise PermissionError("Only the chair or an administrator can word and publish a response")


def _action_lines(actions, rags, latest):
    lines = []
    for action in actions:
        entry = latest.get(action.id)
        lines.append(
            ActionLine(
                title=action.title,
                due=action.current_due_date,
                status=action.status_label,
                brag=rags[action.id].label,
                narrative=entry.narrative if entry else None,
                narrative_on=local_today(entry.created_at) if entry else None,
            )
        )
    return lines


def _frozen_lines(item):
    return [
        ActionLine(
            title=row["title"],
            due=date.fromisoformat(row["due"]),
            status=row["status"],
            brag=row["brag"],
            narrative=row["narrative"],
            narrative_on=date.fromisoformat(row["narrative_on"]) if row["narrative_on"] else None,
        )
        for row in item.actions or []
    ]


def entries(response, today=None):
    """Each recommendation as the response says it: as approved, or, for a draft, as things stand today."""
    if response.approved:
        return [
            Entry(item.reference, item.text, item.status, item.status_reason, item.wording, _frozen_lines(item))
            for item in response.items
        ]
    today = today or local_today()
    wording = {item.recommendation_id: item.wording for item in response.items}
    recommendations = response.source.recommendations
    answered = {
        recommendation.id: [] if recommendation.status == RecommendationStatus.NOT_ACCEPTED else recommendation.actions
        for recommendation in recommendations
    }
    # Every answering action's BRAG and latest update at once, not a query for each recommendation.
    actions = list({action.id: action for listed in answered.values() for action in listed}.values())
    rags, latest = rags_of(actions, today), latest_narratives(actions)
    return [
        Entry(
            recommendation.reference,
            recommendation.text,
            recommendation.status,
            recommendation.status_reason,
            wording.get(recommendation.id, ""),
            _action_lines(answered[recommendation.id], rags, latest),
        )
        for recommendation in recommendations
    ]


def document_title(response):
    """'Response to PEEL 2027', 'Draft response to ...', with the version after the first."""
    title = response.title if response.approved else response.source.title
    words = f"{'Response' if response.approved else 'Draft response'} to {title}"
    return words if response.number == 1 else f"{words} (version {response.number})"


def draft_introduction(source):
    return (
        f"{source.body_label} published {source.title} on {long_date(source.published_on)}. "
        "This response sets out, for each of its recommendations, what has been or will be done, "
        "or why nothing will be."
    )


def latest_response(source):
    return source.responses[-1] if source.responses else None


def draft_response(source, actor):
    """Draft the first response, or a new version once the last one is published."""
    _check_manager(source, actor)
    if source.response_days is None:
        raise ResponseError("This report or review needs no published response")
    latest = latest_response(source)
    if latest is not None and not latest.published:
        raise ResponseError("A version of the response is already being worded: publish it before drafting another")
    number = (
        db.session.scalar(
            select(func.max(RecommendationResponse.number)).where(RecommendationResponse.source_id == source.id)
        )
        or 0
    ) + 1
    response = RecommendationResponse(
        source=source,
        number=number,
        introduction=latest.introduction if latest is not None else draft_introduction(source),
        drafted_by=actor,
        drafted_at=utcnow(),
    )
    earlier = {item.recommendation_id: item.wording for item in latest.items} if latest is not None else {}
    response.items = [
        ResponseItem(
            recommendation=recommendation, position=recommendation.position, wording=earlier.get(recommendation.id, "")
        )
        for recommendation in source.recommendations
    ]
    db.session.add(response)
    db.session.flush()
    record(
        "response.drafted",
        actor=actor,
        obj=response,
        summary=f"Drafted version {number} of the response to {source.title}",
        changes={"version": (None, number), "recommendations": (None, len(response.items))},
    )
    return response


def _clean(text):
    return (text or "").strip()


def _item_for(response, recommendation):
    for item in response.items:
        if item.recommendation_id == recommendation.id:
            return item
    item = ResponseItem(recommendation=recommendation, position=recommendation.position, wording="")
    response.items.append(item)
    return item


def edit_response(response, actor, *, introduction, wording):
    """Change the draft's wording; wording is {recommendation id: text}. Returns what changed."""
    if response.approved:
        raise ResponseError(LOCKED_MESSAGE)
    _check_manager(response.source, actor)
    introduction = _clean(introduction)
    if not introduction:
        raise ResponseError("Enter the introduction", "introduction")
    changes = {}
    if response.introduction != introduction:
        changes["introduction"] = (response.introduction, introduction)
        response.introduction = introduction
    for recommendation in response.source.recommendations:
        if recommendation.id not in wording:
            continue
        text = _clean(wording[recommendation.id])
        item = _item_for(response, recommendation)
        if (item.wording or "") != text:
            changes[recommendation.reference] = (item.wording or "", text)
            item.wording = text
    if not changes:
        return changes
    # The response row is updated on every save, so that its version moves on with any change.
    response.edited_by, response.edited_at = actor, utcnow()
    db.session.flush()
    record(
        "response.edited",
        actor=actor,
        obj=response,
        summary=f"Changed the wording of the draft response to {response.source.title}",
        changes=changes,
    )
    return changes


def approve_response(response, actor, today=None):
    """Approve the response: what it says of each recommendation and its actions is fixed as of today."""
    if response.approved:
        raise ResponseError("This response has already been approved")
    _check_manager(response.source, actor)
    source = response.source
    if not source.recommendations:
        raise ResponseError("Add the report's recommendations before approving its response")
    today = today or local_today()
    for recommendation, entry in zip(source.recommendations, entries(response, today), strict=True):
        item = _item_for(response, recommendation)
        item.position = recommendation.position
        item.reference, item.text = entry.reference, entry.text
        item.status, item.status_reason = entry.status, entry.status_reason
        item.actions = [
            {
                "title": line.title,
                "due": line.due.isoformat(),
                "status": line.status,
                "brag": line.brag,
                "narrative": line.narrative,
                "narrative_on": line.narrative_on.isoformat() if line.narrative_on else None,
            }
            for line in entry.actions
        ]
    current = {recommendation.id for recommendation in source.recommendations}
    for item in [item for item in response.items if item.recommendation_id not in current]:
        response.items.remove(item)
    # The items are written before the response is marked approved, which then freezes them.
    db.session.flush()
    response.title, response.source_published_on = source.title, source.published_on
    response.approved_by, response.approved_at = actor, utcnow()
    db.session.flush()
    record(
        "response.approved",
        actor=actor,
        obj=response,
        summary=f"Approved version {response.number} of the response to {source.title}",
        changes={"state": ("draft", "approved")},
    )
    return response


def publish_response(response, actor, today=None):
    """Publish the approved response; the first publication is the source's response date."""
    if not response.approved:
        raise ResponseError("Approve the response before publishing it")
    if response.published:
        raise ResponseError("This response has already been published")
    _check_manager(response.source, actor)
    source = response.source
    today = today or local_today()
    response.published_by, response.published_at, response.published_on = actor, utcnow(), today
    changes = {"published_on": (None, today.isoformat())}
    if source.responded_on is None:
        source.responded_on = today
        changes["responded_on"] = (None, today.isoformat())
    db.session.flush()
    record(
        "response.published",
        actor=actor,
        obj=response,
        summary=f"Published version {response.number} of the response to {source.title}",
        changes=changes,
    )
    return response
