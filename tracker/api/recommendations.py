"""The API's answers on inspection and review recommendations: sources with their response clocks, and
each recommendation with the actions that answer it, its rights and priorities (documented in openapi.py)."""

from flask import jsonify, request
from sqlalchemy import select

from tracker.api import bp
from tracker.api.routes import api_error
from tracker.common.dates import local_today
from tracker.common.input import is_whole_number
from tracker.extensions import db
from tracker.recommendations.clocks import days_left
from tracker.recommendations.models import Recommendation, RecommendationSource, RecommendationStatus

STATUS_VALUES = [status.value for status in RecommendationStatus]


def _iso(value):
    return value.isoformat() if value is not None else None


def source_json(source, today):
    """A report or review as the API answers it, with its response clock as of today."""
    due = source.response_due_on
    waiting = due is not None and source.responded_on is None
    counts = dict.fromkeys(STATUS_VALUES, 0)
    for recommendation in source.recommendations:
        counts[recommendation.status] += 1
    return {
        "id": source.id,
        "body": source.body,
        "body_label": source.body_label,
        "title": source.title,
        "published_on": _iso(source.published_on),
        "link": source.link,
        "response_days": source.response_days,
        "response_due_on": _iso(due),
        "responded_on": _iso(source.responded_on),
        "response_days_left": days_left(due, today) if waiting else None,
        "response_overdue": bool(waiting and days_left(due, today) < 0),
        "recommendations": len(source.recommendations),
        "by_status": counts,
    }


def recommendation_json(recommendation):
    """A recommendation as the API answers it, with what it is linked to."""
    source = recommendation.source
    return {
        "id": recommendation.id,
        "source": {"id": source.id, "body": source.body, "title": source.title},
        "reference": recommendation.reference,
        "text": recommendation.text,
        "addressed_to": recommendation.addressed_to,
        "addressed_to_label": recommendation.addressed_to_label,
        "lead": {"name": recommendation.lead.name, "email": recommendation.lead.email},
        "status": recommendation.status,
        "status_label": recommendation.status_label,
        "status_reason": recommendation.status_reason or "",
        "status_changed_at": _iso(recommendation.status_changed_at),
        "actions": [action.reference for action in recommendation.actions],
        "rights": [right.number for right in recommendation.rights],
        "priorities": [priority.number for priority in recommendation.priorities],
    }


@bp.route("/recommendation-sources")
def recommendation_sources():
    """Every report or review, newest first, with its response clock."""
    today = local_today()
    sources = db.session.scalars(
        select(RecommendationSource).order_by(RecommendationSource.published_on.desc(), RecommendationSource.id)
    ).all()
    return jsonify(data=[source_json(source, today) for source in sources], meta={"date": today.isoformat()})


@bp.route("/recommendations")
def recommendations():
    """Every recommendation, by source and position; `source` and `status` narrow them."""
    query = select(Recommendation).join(Recommendation.source)
    source_id = request.args.get("source")
    if source_id is not None:
        if not is_whole_number(source_id):
            return api_error(400, "source must be the id of a report or review, from /recommendation-sources")
        query = query.where(Recommendation.source_id == int(source_id))
    statuses = request.args.getlist("status")
    unknown = [status for status in statuses if status not in STATUS_VALUES]
    if unknown:
        return api_error(400, f"status must be one of {', '.join(STATUS_VALUES)}")
    if statuses:
        query = query.where(Recommendation.status.in_(statuses))
    found = db.session.scalars(
        query.order_by(RecommendationSource.published_on.desc(), Recommendation.source_id, Recommendation.position)
    ).all()
    return jsonify(data=[recommendation_json(recommendation) for recommendation in found])


@bp.route("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id):
    """One recommendation."""
    found = db.session.get(Recommendation, recommendation_id)
    if found is None:
        return api_error(404, f"No recommendation has the id {recommendation_id}")
    return jsonify(data=recommendation_json(found))
