"""The chair's decisions on extension and closure requests."""

from flask import abort, flash, redirect, render_template, request, url_for

from tracker.auth.permissions import manage_plan
from tracker.common.dates import long_date
from tracker.common.permissions import ensure, require
from tracker.extensions import db
from tracker.plan import bp, services
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.evidence import all_evidence
from tracker.plan.forms import ClosureDecisionForm, DecisionForm
from tracker.plan.models import ClosureRequest, ExtensionRequest
from tracker.plan.pages import actor, commit_or_conflict, load_action, rag_of, show_error
from tracker.plan.timeline import latest_update

DECIDED_ELSEWHERE = "Someone else decided this request while you were looking at it. Their decision is shown below."


def _request_of(action, model, request_id):
    found = db.session.get(model, request_id)
    if found is None or found.action_id != action.id:
        abort(404)
    return found


def _decide(action, pending, decide, template, outcome, form_class=DecisionForm, extra=None):
    ensure(action.can_decide(actor()))
    form = form_class()
    if request.method == "GET":
        form.version_id.data = str(pending.version_id)
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            services.check_version(pending, form.version_id.data)
            decide(pending, actor(), approve=approve, reason=form.reason.data, **(extra(form) if extra else {}))
        except StaleEdit:
            return _decided_elsewhere(form, action, pending, template)
        except PlanError as error:
            show_error(form, error)
        else:
            if commit_or_conflict():
                flash(outcome[approve], "success")
                return redirect(url_for("plan.action_detail", reference=action.reference))
            return _decided_elsewhere(form, action, pending, template)
    # When the request is no longer waiting the form is not shown again: hand back what was written.
    unsaved = form.reason.data if request.method == "POST" else None
    context = {"action": action, "pending": pending, "rag": rag_of(action), "unsaved_reason": unsaved}
    return render_template(template, form=form, **context, **_closure_context(action, pending))


def _decided_elsewhere(form, action, pending, template):
    """Change nothing, show the decision already made and hand back what the person wrote."""
    db.session.rollback()
    db.session.refresh(pending)
    flash(DECIDED_ELSEWHERE, "warning")
    context = {"action": action, "pending": pending, "rag": rag_of(action), "unsaved_reason": form.reason.data}
    return render_template(template, form=form, **context, **_closure_context(action, pending)), 409


def _closure_context(action, pending):
    """What the chair reads before signing off: every piece of evidence, the latest update, any gap."""
    if not isinstance(pending, ClosureRequest):
        return {}
    return {
        "all_evidence": all_evidence(action),
        "latest_update": latest_update(action),
        "exception": services.signoff_exception(action),
    }


@bp.route("/<reference>/extension/<int:request_id>", methods=["GET", "POST"])
@require(manage_plan)
def decide_extension(reference, request_id):
    """Approve or refuse a request for more time."""
    action = load_action(reference)
    pending = _request_of(action, ExtensionRequest, request_id)
    outcome = {
        True: f"Extension approved: {action.reference} is now due {long_date(pending.new_due_date)}.",
        False: "Extension refused. The owner has been told why.",
    }
    return _decide(action, pending, services.decide_extension, "plan/decide_extension.html", outcome)


@bp.route("/<reference>/closure/<int:request_id>", methods=["GET", "POST"])
@require(manage_plan)
def decide_closure(reference, request_id):
    """Sign an action off as complete, or send it back with a reason."""
    action = load_action(reference)
    pending = _request_of(action, ClosureRequest, request_id)
    outcome = {
        True: f"{action.reference} has been signed off as complete.",
        False: "Sign-off refused. The action is back in progress and the owner has been told why.",
    }
    return _decide(
        action,
        pending,
        services.decide_closure,
        "plan/decide_closure.html",
        outcome,
        form_class=ClosureDecisionForm,
        extra=lambda form: {
            "confirm_exception": form.confirm_exception.data,
            "exception_reason": form.exception_reason.data,
        },
    )
