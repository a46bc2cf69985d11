"""Deactivating a leaver who owns open actions: choose new owners, check what moves, confirm."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.admin import bp, leavers
from tracker.admin.forms import HandOverForm
from tracker.auth.models import User
from tracker.auth.permissions import manage_users
from tracker.common.permissions import require
from tracker.common.templating import pluralise
from tracker.extensions import db
from tracker.plan.errors import PlanError

CHANGED_MEANWHILE = "Their open actions changed while you were choosing. Check who takes over each one again."


def _grouped(moves):
    """[(new owner, [actions])] in the order of the people's names, for the confirmation."""
    grouped = {}
    for action, owner in moves.items():
        grouped.setdefault(owner, []).append(action)
    return sorted(grouped.items(), key=lambda item: (item[0].name, item[0].id))


def _choose(user, form, problem=None):
    return render_template("admin/hand_over.html", user=user, form=form, problem=problem)


@bp.route("/users/<int:user_id>/hand-over", methods=["GET", "POST"])
@require(manage_users)
def hand_over(user_id):
    """Choose who takes over a leaver's open actions, check the list, then deactivate them."""
    user = db.session.get(User, user_id) or abort(404)
    leavers.check_may_deactivate(user, current_user)
    if not user.active:
        flash(f"{user.name} is already deactivated.", "warning")
        return redirect(url_for("admin.users"))
    actions = leavers.open_actions_of(user)
    form = HandOverForm.for_leaver(actions, leavers.possible_owners(user), formdata=request.form or None)
    if not form.is_submitted() or "change" in request.form or not form.validate():
        return _choose(user, form)
    if not form.saw_the_same_actions():
        form.action_ids.data = ",".join(str(action.id) for action in actions)
        return _choose(user, form, CHANGED_MEANWHILE)
    moves = form.moves()
    if "confirm" not in request.form:
        return render_template("admin/hand_over_check.html", user=user, form=form, groups=_grouped(moves))
    try:
        given, mailed = leavers.hand_over_and_deactivate(user, moves, current_user)
    except PlanError as error:
        db.session.rollback()
        return _choose(user, form, f"Nothing has changed: {error.message}.")
    db.session.commit()
    flash(_done_message(user, given, mailed), "success")
    return redirect(url_for("admin.users"))


def _done_message(user, given, mailed):
    count = sum(len(actions) for actions in given.values())
    people = len(given)
    moved = f"{pluralise(count, 'action')} moved to {pluralise(people, 'person', 'people')}"
    told = f" {pluralise(mailed, 'new owner has', 'new owners have')} been e-mailed the list." if mailed else ""
    return f"{user.name} can no longer sign in. {moved}.{told}"
