"""The chair's pages: add an action, change it, cancel it."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import Department, User
from tracker.auth.permissions import manage_plan
from tracker.common.dates import long_date
from tracker.common.input import is_whole_number
from tracker.common.permissions import ensure, require
from tracker.extensions import db
from tracker.plan import bp, services
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.forms import ActionForm, CancelForm, EditActionForm, ReopenForm
from tracker.plan.models import Source
from tracker.plan.pages import CONFLICT_MESSAGE, actor, commit_or_conflict, load_action, show_error
from tracker.plan.queries import right_id_numbered
from tracker.reference.models import CodeRight, Priority, Touchpoint


def action_data(form):
    """The form's answers as the service wants them."""
    current_due = getattr(form, "current_due_date", None)
    return services.ActionData(
        title=form.title.data or "",
        description=form.description.data or "",
        source=form.source.data,
        success_measure=form.success_measure.data or "",
        owner=db.session.get(User, int(form.owner_id.data)),
        department=db.session.get(Department, int(form.department_id.data)) if form.department_id.data else None,
        start_date=form.start_date.data,
        original_due_date=form.original_due_date.data,
        current_due_date=current_due.data if current_due else None,
        rights=form.chosen(CodeRight, form.rights),
        priorities=form.chosen(Priority, form.priorities),
        touchpoints=form.chosen(Touchpoint, form.touchpoints),
        date_reason=form.date_reason.data if hasattr(form, "date_reason") else "",
    )


def _preticked_right(number):
    if not is_whole_number(number or ""):
        return []
    right_id = right_id_numbered(int(number))
    return [right_id] if right_id else []


@bp.route("/new", methods=["GET", "POST"])
@require(manage_plan)
def new_action():
    """Add an action to the plan and assign it to an owner."""
    form = ActionForm()
    if request.method == "GET":
        form.rights.data = _preticked_right(request.args.get("right"))
        form.source.data = form.source.data or "other"
    if form.validate_on_submit():
        for attempt in range(3):
            try:
                action = services.create_action(action_data(form), actor())
                db.session.commit()
                break
            except PlanError as error:
                show_error(form, error)
                return render_template("plan/action_form.html", form=form, action=None)
            except IntegrityError:
                # Two actions created at the same moment took the same reference: take the next one.
                db.session.rollback()
                if attempt == 2:
                    raise
        flash(f"{action.reference} has been added and {action.owner.name} has been told it is theirs.", "success")
        return redirect(url_for("plan.action_detail", reference=action.reference))
    return render_template("plan/action_form.html", form=form, action=None)


def _fill(form, action):
    form.title.data, form.description.data = action.title, action.description
    form.source.data, form.success_measure.data = action.source, action.success_measure
    form.owner_id.data, form.department_id.data = str(action.owner_id), str(action.department_id)
    form.rights.data = [r.id for r in action.rights]
    form.priorities.data = [p.id for p in action.priorities]
    form.touchpoints.data = [t.id for t in action.touchpoints]
    form.start_date.data, form.original_due_date.data = action.start_date, action.original_due_date
    form.current_due_date.data = action.current_due_date
    form.version_id.data = str(action.version_id)


def _shown(name, value):
    if name == "source":
        return Source(value).label
    if name == "rights":
        return ", ".join(f"Right {number}" for number in value) or "None"
    if name == "priorities":
        return ", ".join(f"Priority {number}" for number in value) or "None"
    if isinstance(value, list):
        return ", ".join(value) or "None"
    if isinstance(value, date):
        return long_date(value)
    return value or "None"


def _stale(form, action):
    """Show the form again with what was typed, and the other person's saved values where they differ.

    The form now carries the latest version, so saving again knowingly replaces those values.
    """
    db.session.rollback()
    saved, typed = services.snapshot(action), services.snapshot(action_data(form))
    differences = [
        (services.FIELD_NAMES[name], _shown(name, value)) for name, value in saved.items() if typed[name] != value
    ]
    form.version_id.data = str(action.version_id)
    flash(CONFLICT_MESSAGE, "warning")
    return render_template("plan/action_form.html", form=form, action=action, differences=differences), 409


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@require(manage_plan)
def edit_action(reference):
    """Change an action's details or owner."""
    action = load_action(reference)
    ensure(action.can_edit(actor()))
    form = EditActionForm(action=action)
    if request.method == "GET":
        _fill(form, action)
    if form.validate_on_submit():
        try:
            changes = services.edit_action(action, action_data(form), actor(), expected_version=form.version_id.data)
        except StaleEdit:
            return _stale(form, action)
        except PlanError as error:
            show_error(form, error)
            return render_template("plan/action_form.html", form=form, action=action)
        if not commit_or_conflict():
            return _stale(form, action)
        flash("Your changes have been saved." if changes else "Nothing was changed.", "success")
        return redirect(url_for("plan.action_detail", reference=action.reference))
    return render_template("plan/action_form.html", form=form, action=action)


@bp.route("/<reference>/cancel", methods=["GET", "POST"])
@require(manage_plan)
def cancel_action(reference):
    """Cancel an action, saying why; it stays in the plan's record."""
    action = load_action(reference)
    ensure(action.can_edit(actor()))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_action(action, form.reason.data, actor())
        except PlanError as error:
            show_error(form, error)
        else:
            if commit_or_conflict():
                flash(f"{action.reference} has been cancelled.", "success")
                return redirect(url_for("plan.action_detail", reference=action.reference))
            flash(CONFLICT_MESSAGE, "warning")
    return render_template("plan/cancel.html", form=form, action=action)


@bp.route("/<reference>/reopen", methods=["GET", "POST"])
@require(manage_plan)
def reopen_action(reference):
    """Open a completed or cancelled action again, saying why."""
    action = load_action(reference)
    ensure(action.can_decide(actor()))
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen_action(action, form.reason.data, actor())
        except PlanError as error:
            show_error(form, error)
        else:
            if commit_or_conflict():
                flash(f"{action.reference} has been reopened and {action.owner.name} has been told.", "success")
                return redirect(url_for("plan.action_detail", reference=action.reference))
            flash(CONFLICT_MESSAGE, "warning")
    return render_template("plan/reopen.html", form=form, action=action)
