"""Dashboard, health check, accessibility statement and privacy notice."""

from flask import jsonify, render_template
from flask_login import login_required
from sqlalchemy import text

from tracker.extensions import db
from tracker.main import bp


@bp.route("/")
@login_required
def dashboard():
    """Show where the plan stands."""
    return render_template("main/dashboard.html")


@bp.route("/healthz")
def healthz():
    """Answer 200 with JSON when the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    """What personal data the tracker holds, and what it never holds."""
    return render_template("main/privacy.html")
