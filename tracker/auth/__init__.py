"""Sign-in, sign-out, the user's own account, and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from tracker.auth import oidc_routes, routes  # noqa: E402,F401
