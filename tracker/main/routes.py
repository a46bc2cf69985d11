"""Dashboard, health check, accessibility statement, privacy notice and the timing floor."""

from flask import jsonify, render_template
from flask_login import login_required
from sqlalchemy import select, text

from tracker.extensions import db
from tracker.main import bp
from tracker.plan.models import Action, Status


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


@bp.route("/_floor")
@login_required
def floor():
    """The cheapest signed-in page: one indexed query and a trivial template, the baseline for timings."""
    answered = db.session.scalar(
        select(Action.id).where(Action.status == Status.IN_PROGRESS.value).order_by(Action.current_due_date).limit(1)
    )
    return render_template("main/floor.html", answered=answered is not None)
