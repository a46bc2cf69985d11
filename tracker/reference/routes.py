"""The victim journey page, its touchpoints, and the admin pages for rights and priorities."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy.orm.exc import StaleDataError

from tracker.auth.models import Department
from tracker.auth.permissions import administer, manage_plan
from tracker.common.permissions import require
from tracker.common.templating import add_navigation
from tracker.extensions import db
from tracker.reference import bp, services
from tracker.reference.forms import PriorityForm, RightForm, TouchpointForm
from tracker.reference.models import CodeRight, Priority, Touchpoint
from tracker.reference.queries import all_priorities, all_rights
from tracker.reference.services import current_edition, current_rights


def _navigation(state):
    # Added at registration, after the plan's links, so the menu reads plan first.
    add_navigation("Victim journey", "reference.journey")
    add_navigation("Reference data", "reference.reference_data", lambda user: user.is_admin)


bp.record_once(_navigation)

CLASH = (
    "Someone else saved this while you were editing. What they saved is shown below and your changes are "
    "still in the form. Save again to replace their version, or change the form to keep theirs."
)


@bp.route("/journey")
@login_required
def journey():
    """Show the victim's journey in order, and where victims have no way to give feedback."""
    touchpoints = services.journey()
    return render_template(
        "reference/journey.html",
        touchpoints=touchpoints,
        silent=[touchpoint for touchpoint in touchpoints if not touchpoint.has_feedback_mechanism],
    )


def _touchpoint_data(form):
    return services.TouchpointData(
        position=int(form.position.data.strip()),
        name=form.name.data,
        stage=form.stage.data,
        description=form.description.data,
        department=db.session.get_one(Department, int(form.department_id.data)),
        rights=form.chosen_rights(),
        feedback_mechanism=form.feedback_mechanism.data,
    )


@bp.route("/journey/new", methods=["GET", "POST"])
@require(manage_plan)
def new_touchpoint():
    """Add a touchpoint to the victim journey."""
    form = TouchpointForm(rights=current_rights())
    if request.method == "GET":
        form.position.data = str(services.next_position())
    if form.validate_on_submit():
        touchpoint = services.save_touchpoint(None, _touchpoint_data(form))
        db.session.commit()
        flash(f"{touchpoint.name} has been added to the journey.", "success")
        return redirect(url_for("reference.journey", _anchor=f"touchpoint-{touchpoint.id}"))
    return render_template("reference/touchpoint_form.html", form=form, touchpoint=None)


@bp.route("/journey/<int:touchpoint_id>", methods=["GET", "POST"])
@require(manage_plan)
def edit_touchpoint(touchpoint_id):
    """Change a touchpoint: its place, owner, rights or how feedback is captured."""
    touchpoint = db.session.get(Touchpoint, touchpoint_id) or abort(404)
    rights = sorted(set(current_rights()) | set(touchpoint.rights), key=lambda right: (right.number, right.edition))
    form = TouchpointForm(obj=touchpoint, editing=touchpoint, rights=rights)
    if request.method == "GET":
        form.position.data = str(touchpoint.position)
        form.department_id.data = str(touchpoint.department_id or "")
        form.rights.data = [str(right.id) for right in touchpoint.rights]
        form.version_id.data = str(touchpoint.version_id)
    if form.validate_on_submit():
        try:
            services.save_touchpoint(touchpoint, _touchpoint_data(form), form.version_id.data)
            db.session.commit()
        except (services.StaleEdit, StaleDataError):
            db.session.rollback()
            return _clash("reference/touchpoint_form.html", form, Touchpoint, touchpoint_id, "touchpoint")
        flash(f"{touchpoint.name} has been saved.", "success")
        return redirect(url_for("reference.journey", _anchor=f"touchpoint-{touchpoint.id}"))
    return render_template("reference/touchpoint_form.html", form=form, touchpoint=touchpoint)


def _clash(template, form, model, record_id, name):
    """Keep the person's changes, show the saved version and take its version as the new base."""
    saved = db.session.get(model, record_id) or abort(404)
    form.version_id.data = str(saved.version_id)
    flash(CLASH, "warning")
    return render_template(template, form=form, clash=True, **{name: saved}), 409


@bp.route("/reference")
@require(administer)
def reference_data():
    """List the Code's rights and the group's priorities for an administrator to edit."""
    edition = current_edition()
    rights, priorities = all_rights(), all_priorities()
    return render_template("reference/reference_data.html", edition=edition, rights=rights, priorities=priorities)


@bp.route("/reference/rights/<int:right_id>", methods=["GET", "POST"])
@require(administer)
def edit_right(right_id):
    """Change the title or summary of a right of the Code."""
    right = db.session.get(CodeRight, right_id) or abort(404)
    form = RightForm(obj=right)
    if request.method == "GET":
        form.version_id.data = str(right.version_id)
    if form.validate_on_submit():
        try:
            services.save_right(
                right, title=form.title.data, summary=form.summary.data, expected_version=form.version_id.data
            )
            db.session.commit()
        except (services.StaleEdit, StaleDataError):
            db.session.rollback()
            return _clash("reference/right_form.html", form, CodeRight, right_id, "right")
        flash(f"Right {right.number} has been saved.", "success")
        return redirect(url_for("reference.reference_data"))
    return render_template("reference/right_form.html", form=form, right=right)


@bp.route("/reference/priorities/<int:priority_id>", methods=["GET", "POST"])
@require(administer)
def edit_priority(priority_id):
    """Change the title or description of one of the group's priorities."""
    priority = db.session.get(Priority, priority_id) or abort(404)
    form = PriorityForm(obj=priority, editing=priority)
    if request.method == "GET":
        form.version_id.data = str(priority.version_id)
    if form.validate_on_submit():
        try:
            services.save_priority(
                priority,
                title=form.title.data,
                description=form.description.data,
                expected_version=form.version_id.data,
            )
            db.session.commit()
        except (services.StaleEdit, StaleDataError):
            db.session.rollback()
            return _clash("reference/priority_form.html", form, Priority, priority_id, "priority")
        flash(f"Priority {priority.number} has been saved.", "success")
        return redirect(url_for("reference.reference_data", _anchor="priorities"))
    return render_template("reference/priority_form.html", form=form, priority=priority)
