"""Reads for the recommendations pages."""

from tracker.extensions import db
from tracker.recommendations.models import RecommendationSource


def sources_newest_first():
    """Every report and review, the most recently published first."""
    return db.session.scalars(
        db.select(RecommendationSource).order_by(RecommendationSource.published_on.desc(), RecommendationSource.id)
    ).all()
