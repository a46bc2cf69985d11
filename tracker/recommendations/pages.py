"""What the recommendation pages share: loading records from the URL and the form data services want."""

from flask import abort

from tracker.auth.models import User
from tracker.extensions import db
from tracker.plan.models import Action
from tracker.recommendations import services
from tracker.recommendations.models import Recommendation, RecommendationSource
from tracker.reference.models import CodeRight, Priority


def load_source(source_id):
    """The source named in the URL, or 404."""
    source = db.session.get(RecommendationSource, source_id)
    if source is None:
        abort(404)
    return source


def load_recommendation(recommendation_id):
    """The recommendation named in the URL, or 404."""
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None:
        abort(404)
    return recommendation


def load_linked_action(recommendation, action_id):
    """An action linked to the recommendation, or 404."""
    action = db.session.get(Action, action_id)
    if action is None or action not in recommendation.actions:
        abort(404)
    return action


def source_data(form):
    """The source form's answers as the service wants them."""
    return services.SourceData(
        body=form.body.data,
        title=form.title.data or "",
        published_on=form.published_on.data,
        link=form.link.data or "",
        response_days=form.chosen_days(),
    )


def recommendation_data(form):
    """The recommendation form's answers as the service wants them."""
    return services.RecommendationData(
        reference=form.reference.data or "",
        text=form.text.data or "",
        lead=db.session.get(User, int(form.lead_id.data)),
        addressed_to=form.addressed_to.data,
        rights=form.chosen(CodeRight, form.rights),
        priorities=form.chosen(Priority, form.priorities),
    )


def fill_source(form, source):
    form.body.data, form.title.data = source.body, source.title
    form.published_on.data, form.link.data = source.published_on, source.link or ""
    form.rule.data = "none" if source.response_days is None else "days"
    form.response_days.data = source.response_days
    form.version_id.data = str(source.version_id)


def fill_recommendation(form, recommendation):
    form.reference.data, form.text.data = recommendation.reference, recommendation.text
    form.addressed_to.data, form.lead_id.data = recommendation.addressed_to, str(recommendation.lead_id)
    form.rights.data = [right.id for right in recommendation.rights]
    form.priorities.data = [priority.id for priority in recommendation.priorities]
    form.version_id.data = str(recommendation.version_id)
