"""Dashboard, health check, accessibility statement and privacy notice."""

from flask import current_app, jsonify, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.common.dates import local_today
from tracker.common.revision import per_revision
from tracker.main import bp
from tracker.main.health import database_answers


@bp.route("/")
@login_required
def dashboard():
    """Show where the plan stands: BRAG counts, breakdowns, what is late and what waits for a decision."""
    from tracker.plan.dashboard import dashboard as plan_dashboard
    from tracker.plan.pages import rags_of

    today = local_today()

    def figures_html():
        figures = plan_dashboard(today)
        listed = [*figures["overdue"], *figures["due_soon"]]
        return Markup(render_template("main/_dashboard_body.html", today=today, rags=rags_of(listed, today), **figures))

    body = per_revision("dashboard", figures_html, day=today, vary=(f"deciding={current_user.can_manage_plan}",))
    return render_template("kept_page.html", title="Dashboard", body=body)


@bp.route("/healthz")
def healthz():
    """Answer 200 with JSON when the app and its database answer, 503 within a second or two otherwise."""
    if not database_answers(current_app._get_current_object()):
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
