"""Quarterly reports for the subgroup: build, preview, publish, distribute and archive."""

from flask import Blueprint
from werkzeug.routing import BaseConverter, ValidationError

from tracker.common.quarters import Quarter


class QuarterConverter(BaseConverter):
    """Quarters in URLs, written like 2026-27-Q3."""

    regex = r"\d{4}-\d{2}-Q[1-4]"

    def to_python(self, value):
        try:
            return Quarter.from_slug(value)
        except ValueError as error:
            raise ValidationError() from error

    def to_url(self, value):
        return value.slug if isinstance(value, Quarter) else str(value)


bp = Blueprint("reports", __name__)
bp.record_once(lambda state: state.app.url_map.converters.setdefault("quarter", QuarterConverter))

from tracker.reports import routes  # noqa: E402,F401
