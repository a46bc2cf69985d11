"""The lead's status decision, and linking the actions that answer a recommendation."""

from flask import flash, redirect, render_template, request, url_for

from tracker.auth.permissions import manage_plan, signed_in
from tracker.common.permissions import ensure, require
from tracker.extensions import db
from tracker.plan.models import Action
from tracker.plan.pages import actor, save_edit
from tracker.recommendations import bp, services
from tracker.recommendations.forms import LinkActionForm, StatusForm
from tracker.recommendations.pages import load_linked_action, load_recommendation
from tracker.recommendations.services import suggested_status


def _detail(recommendation):
    return redirect(url_for("recommendations.recommendation_detail", recommendation_id=recommendation.id))


@bp.route("/<int:recommendation_id>/status", methods=["GET", "POST"])
@require(signed_in)
def change_status(recommendation_id):
    """The lead decides the recommendation's status, giving a reason."""
    recommendation = load_recommendation(recommendation_id)
    ensure(recommendation.can_update_status(actor()))
    form = StatusForm()
    suggestion = suggested_status(recommendation)
    if request.method == "GET":
        form.status.data = (suggestion or recommendation.status).__str__()
        form.version_id.data = str(recommendation.version_id)
    if form.validate_on_submit() and save_edit(
        form,
        recommendation,
        lambda: services.change_status(
            recommendation, form.status.data, form.reason.data, actor(), expected_version=form.version_id.data
        ),
        lambda _: f"{recommendation.reference} is now {recommendation.status_label.lower()}.",
        thing="recommendation",
    ):
        return _detail(recommendation)
    return render_template(
        "recommendations/status.html", form=form, recommendation=recommendation, suggestion=suggestion
    )


@bp.route("/<int:recommendation_id>/link", methods=["GET", "POST"])
@require(manage_plan)
def link_action(recommendation_id):
    """Choose an action of the plan that answers the recommendation."""
    recommendation = load_recommendation(recommendation_id)
    ensure(recommendation.can_manage(actor()))
    form = LinkActionForm(recommendation=recommendation)
    if form.validate_on_submit():
        action = db.session.get(Action, int(form.action_id.data))
        services.link_action(recommendation, action, actor())
        db.session.commit()
        flash(f"{action.reference} now answers {recommendation.reference}.", "success")
        return _detail(recommendation)
    return render_template("recommendations/link.html", form=form, recommendation=recommendation)


@bp.route("/<int:recommendation_id>/actions/<int:action_id>/remove", methods=["POST"])
@require(manage_plan)
def unlink_action(recommendation_id, action_id):
    """Stop counting an action as an answer to the recommendation."""
    recommendation = load_recommendation(recommendation_id)
    ensure(recommendation.can_manage(actor()))
    action = load_linked_action(recommendation, action_id)
    services.unlink_action(recommendation, action, actor())
    db.session.commit()
    flash(f"{action.reference} no longer answers {recommendation.reference}.", "success")
    return _detail(recommendation)
