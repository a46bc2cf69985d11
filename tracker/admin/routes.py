"""Admin pages: users and departments."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.admin import bp, leavers, services
from tracker.admin.forms import DepartmentForm, EditDepartmentForm, EditUserForm, NewUserForm
from tracker.admin.queries import departments_by_name, people_by_name
from tracker.auth.models import Department, User
from tracker.auth.permissions import manage_users
from tracker.auth.services import password_sign_in_open_to
from tracker.common.concurrency import EditConflict, show_conflict
from tracker.common.input import page_number
from tracker.common.permissions import require
from tracker.common.templating import ADMINISTRATION, add_navigation
from tracker.extensions import db

add_navigation("Users", "admin.users", lambda user: user.can_manage_users, order=ADMINISTRATION)


def _int_or_none(value):
    return int(value) if value else None


@bp.route("/users")
@require(manage_users)
def users():
    """List every user with role, department and whether they are active."""
    page = db.paginate(people_by_name(), page=page_number(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page)


def _how_they_sign_in(password, user):
    if password:
        return "They can sign in with the password you set."
    if password_sign_in_open_to(user.email):
        return "An invitation is on its way."
    return "They sign in with their organisation account: no invitation is sent."


@bp.route("/users/new", methods=["GET", "POST"])
@require(manage_users)
def new_user():
    """Create a user, with a password or an e-mailed invitation."""
    form = NewUserForm()
    if form.validate_on_submit():
        user = services.create_user(
            name=form.name.data,
            email=form.email.data,
            role=form.role.data,
            department_id=_int_or_none(form.department_id.data),
            password=form.password.data or None,
        )
        db.session.commit()
        how = _how_they_sign_in(form.password.data, user)
        flash(f"{user.name} has been added. {how}", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(manage_users)
def edit_user(user_id):
    """Change a user's name, email, role or department."""
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user, editing=user)
    form.track_version(user)
    if request.method == "GET":
        form.department_id.data = str(user.department_id or "")
    if form.validate_on_submit():
        try:
            with form.saving():
                services.update_user(
                    user,
                    name=form.name.data,
                    email=form.email.data,
                    role=form.role.data,
                    department_id=_int_or_none(form.department_id.data),
                )
        except EditConflict:
            return show_conflict(form, "admin/user_form.html", user=user)
        flash(f"{user.name}'s details are saved.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require(manage_users)
def deactivate_user(user_id):
    """Stop a user signing in, ending their sessions at once; first hand over any open actions they own."""
    user = db.session.get(User, user_id) or abort(404)
    leavers.check_may_deactivate(user, current_user)
    if user.active and leavers.open_actions_of(user):
        return redirect(url_for("admin.hand_over", user_id=user.id))
    services.set_active(user, False, actor=current_user)
    db.session.commit()
    flash(f"{user.name} can no longer sign in.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@require(manage_users)
def reactivate_user(user_id):
    """Let a deactivated user sign in again."""
    user = db.session.get(User, user_id) or abort(404)
    services.set_active(user, True)
    db.session.commit()
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/departments", methods=["GET", "POST"])
@require(manage_users)
def departments():
    """List departments and add a new one."""
    form = DepartmentForm()
    if form.validate_on_submit():
        services.save_department(None, form.name.data)
        db.session.commit()
        flash(f"{form.name.data.strip()} has been added.", "success")
        return redirect(url_for("admin.departments"))
    rows = departments_by_name()
    return render_template("admin/departments.html", departments=rows, form=form)


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@require(manage_users)
def edit_department(department_id):
    """Rename a department."""
    department = db.session.get(Department, department_id) or abort(404)
    form = EditDepartmentForm(obj=department, editing=department)
    form.track_version(department)
    if form.validate_on_submit():
        try:
            with form.saving():
                services.save_department(department, form.name.data)
        except EditConflict:
            return show_conflict(form, "admin/department_form.html", department=department)
        flash("The department has been renamed.", "success")
        return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, department=department)
