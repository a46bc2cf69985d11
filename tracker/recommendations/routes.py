"""Reading and managing sources and their recommendations."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth.permissions import manage_plan
from tracker.common.dates import local_today
from tracker.common.permissions import ensure, require
from tracker.common.templating import PLAN_FIRST, add_navigation
from tracker.extensions import db
from tracker.plan.errors import PlanError
from tracker.plan.pages import actor, rags_of, save_edit, show_error
from tracker.recommendations import bp, queries, services
from tracker.recommendations.clocks import DUE_SOON_DAYS, clock_text, open_clocks
from tracker.recommendations.forms import RecommendationForm, SourceForm
from tracker.recommendations.pages import (
    fill_recommendation,
    fill_source,
    load_recommendation,
    load_source,
    recommendation_data,
    source_data,
)
from tracker.recommendations.services import default_response_days, suggested_status

add_navigation("Recommendations", "recommendations.source_list", order=PLAN_FIRST + 1)


@bp.app_template_global()
def response_clocks():
    """Responses due within 28 days or overdue, for the dashboard."""
    return open_clocks(local_today())


@bp.app_template_global()
def recommendations_answered_by(action):
    """The recommendations an action answers, for the action's page."""
    return services.recommendations_answered_by(action)


@bp.route("")
@login_required
def source_list():
    """Every report and review, with the responses due soon or overdue first."""
    today = local_today()
    return render_template(
        "recommendations/list.html",
        sources=queries.sources_newest_first(),
        clocks=open_clocks(today),
        due_soon_days=DUE_SOON_DAYS,
        today=today,
        clock_text=clock_text,
    )


@bp.route("/sources/new", methods=["GET", "POST"])
@require(manage_plan)
def new_source():
    """Add a report or review whose recommendations the plan answers."""
    form = SourceForm()
    if form.validate_on_submit():
        try:
            source = services.create_source(source_data(form), actor())
        except PlanError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{source.title} has been added. Now add its recommendations.", "success")
            return redirect(url_for("recommendations.source_detail", source_id=source.id))
    return render_template("recommendations/source_form.html", form=form, source=None, defaults=_defaults())


def _saved_message(changes):
    return "Your changes have been saved." if changes else "Nothing was changed."


def _defaults():
    return {body: default_response_days(body) for body, _ in SourceForm.body.kwargs["choices"]}


@bp.route("/sources/<int:source_id>")
@login_required
def source_detail(source_id):
    """A report or review: its response clock and each recommendation with its status."""
    source = load_source(source_id)
    today = local_today()
    return render_template("recommendations/source.html", source=source, today=today, clock_text=clock_text)


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@require(manage_plan)
def edit_source(source_id):
    """Change a report or review's details; an admin may change its response rule."""
    source = load_source(source_id)
    ensure(source.can_manage(actor()))
    form = SourceForm()
    if request.method == "GET":
        fill_source(form, source)
    if form.validate_on_submit() and save_edit(
        form,
        source,
        lambda: services.edit_source(source, source_data(form), actor(), expected_version=form.version_id.data),
        _saved_message,
        thing="report",
    ):
        return redirect(url_for("recommendations.source_detail", source_id=source.id))
    return render_template("recommendations/source_form.html", form=form, source=source, defaults=_defaults())


@bp.route("/sources/<int:source_id>/new", methods=["GET", "POST"])
@require(manage_plan)
def new_recommendation(source_id):
    """Add a recommendation or area for improvement to a report."""
    source = load_source(source_id)
    ensure(source.can_manage(actor()))
    form = RecommendationForm()
    if request.method == "GET":
        form.addressed_to.data = "force"
    if form.validate_on_submit():
        try:
            recommendation = services.add_recommendation(source, recommendation_data(form), actor())
        except PlanError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{recommendation.reference} has been added.", "success")
            return redirect(url_for("recommendations.recommendation_detail", recommendation_id=recommendation.id))
    return render_template("recommendations/recommendation_form.html", form=form, source=source, recommendation=None)


@bp.route("/<int:recommendation_id>")
@login_required
def recommendation_detail(recommendation_id):
    """A recommendation: its status and why, and the actions that answer it with their BRAG."""
    recommendation = load_recommendation(recommendation_id)
    today = local_today()
    return render_template(
        "recommendations/recommendation.html",
        recommendation=recommendation,
        source=recommendation.source,
        rags=rags_of(recommendation.actions, today),
        latest=services.latest_narratives(recommendation.actions),
        suggestion=suggested_status(recommendation),
        can_manage=recommendation.can_manage(current_user),
    )


@bp.route("/<int:recommendation_id>/edit", methods=["GET", "POST"])
@require(manage_plan)
def edit_recommendation(recommendation_id):
    """Change a recommendation's wording, addressee or lead."""
    recommendation = load_recommendation(recommendation_id)
    ensure(recommendation.can_manage(actor()))
    form = RecommendationForm(recommendation=recommendation)
    if request.method == "GET":
        fill_recommendation(form, recommendation)
    if form.validate_on_submit() and save_edit(
        form,
        recommendation,
        lambda: services.edit_recommendation(
            recommendation, recommendation_data(form), actor(), expected_version=form.version_id.data
        ),
        _saved_message,
        thing="recommendation",
    ):
        return redirect(url_for("recommendations.recommendation_detail", recommendation_id=recommendation.id))
    return render_template(
        "recommendations/recommendation_form.html",
        form=form,
        source=recommendation.source,
        recommendation=recommendation,
    )
