"""The read-only JSON API under /api/v1, its OpenAPI description and the personal access tokens it takes."""

from flask import Blueprint

bp = Blueprint("api", __name__, cli_group=None)
tokens_bp = Blueprint("tokens", __name__, cli_group=None)

from tracker.api import recommendations, routes, token_routes  # noqa: E402,F401
