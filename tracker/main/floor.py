"""The timing floor: the cheapest signed-in page, which benchmarks read every other page against."""

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from tracker.extensions import db
from tracker.main import bp
from tracker.plan.models import Action, Status


@bp.route("/_floor")
@login_required
def floor():
    """Run one indexed query and render a trivial template; shows nothing of the plan but whether it is empty."""
    answered = db.session.scalar(
        select(Action.id).where(Action.status == Status.IN_PROGRESS.value).order_by(Action.current_due_date).limit(1)
    )
    return render_template("main/floor.html", answered=answered is not None)
