"""The owner's pages: post an update, ask for more time, ask for sign-off, add evidence."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from tracker.common.permissions import ensure
from tracker.extensions import db
from tracker.plan import bp, services
from tracker.plan.errors import PlanError
from tracker.plan.evidence import add_evidence as add_evidence_to
from tracker.plan.forms import RAG_HINTS, ClosureForm, EvidenceForm, ExtensionForm, UpdateForm, WithdrawForm
from tracker.plan.models import UPDATE_STATUSES, ClosureRequest, ExtensionRequest, Status
from tracker.plan.pages import (
    CONFLICT_MESSAGE,
    actor,
    checked_upload,
    commit_or_conflict,
    load_action,
    rag_of,
    show_error,
)


def _saved(action, message):
    """Commit and go back to the action, or say the save lost a race and show the form again."""
    if commit_or_conflict():
        flash(message, "success")
        return redirect(url_for("plan.action_detail", reference=action.reference))
    flash(CONFLICT_MESSAGE, "warning")
    return None


def _save_form(form, action, message, save):
    """Run `save` when the form is valid: the redirect after saving, or None to show the form again."""
    if not form.validate_on_submit():
        return None
    try:
        save()
    except PlanError as error:
        show_error(form, error)
        return None
    return _saved(action, message)


def _evidence(form, describe_as="link_description"):
    """The evidence fields of a form, as the services take them (the file checked by content)."""
    return {"upload": checked_upload(form), "link": form.link.data, describe_as: form.evidence_description.data}


def _closed_message(action):
    if action.status == Status.AWAITING_SIGNOFF:
        return "This action is waiting for the chair to sign it off, so it cannot take updates."
    return f"This action is {action.status_label.lower()}, so it cannot take updates."


@bp.route("/<reference>/update", methods=["GET", "POST"])
@login_required
def post_update(reference):
    """Post a progress update: what happened, status, progress, your BRAG and any evidence."""
    action = load_action(reference)
    ensure(action.can_update(actor()))
    form = UpdateForm()
    if form.is_submitted() is False:
        form.status.data = action.status if action.status in UPDATE_STATUSES else Status.IN_PROGRESS.value
        form.progress.data = action.progress
    raised = bool(form.raise_at_meeting.data)

    def save():
        update = services.post_update(
            action,
            actor(),
            narrative=form.narrative.data,
            status=form.status.data,
            progress=form.progress.data,
            declared_rag=form.declared_rag.data,
            **_evidence(form),
        )
        if raised:
            from tracker.meetings.discussion import raise_for_discussion

            raise_for_discussion(action, actor(), update)

    message = "Your update has been posted."
    if raised:
        message = "Your update has been posted and the action will be raised at the next meeting."
    done = _save_form(form, action, message, save)
    if done:
        return done
    return render_template(
        "plan/update.html",
        form=form,
        action=action,
        rag=rag_of(action),
        rag_hints=RAG_HINTS,
        closed_message=_closed_message(action),
    )


@bp.route("/<reference>/extension", methods=["GET", "POST"])
@login_required
def request_extension(reference):
    """Ask the chair for a later due date, saying why."""
    action = load_action(reference)
    ensure(action.can_update(actor()))
    form = ExtensionForm()
    done = _save_form(
        form,
        action,
        "Your request has been sent to the chair.",
        lambda: services.request_extension(
            action, actor(), new_due_date=form.new_due_date.data, reason=form.reason.data
        ),
    )
    if done:
        return done
    return render_template("plan/extension.html", form=form, action=action, pending=services.pending_extension(action))


@bp.route("/<reference>/closure", methods=["GET", "POST"])
@login_required
def request_closure(reference):
    """Ask the chair to sign the action off as complete, with a summary and evidence."""
    action = load_action(reference)
    ensure(action.can_update(actor()))
    form = ClosureForm()
    done = _save_form(
        form,
        action,
        "Your request for sign-off has been sent to the chair.",
        lambda: services.request_closure(action, actor(), summary=form.summary.data, **_evidence(form)),
    )
    if done:
        return done
    return render_template("plan/closure.html", form=form, action=action, pending=services.pending_closure(action))


@bp.route("/<reference>/evidence", methods=["GET", "POST"])
@login_required
def add_evidence(reference):
    """Attach a file or a link to the action as evidence."""
    action = load_action(reference)
    ensure(action.can_add_evidence(actor()))
    form = EvidenceForm()
    done = _save_form(
        form,
        action,
        "The evidence has been added.",
        lambda: add_evidence_to(action, actor(), **_evidence(form, describe_as="description")),
    )
    if done:
        return done
    return render_template("plan/evidence.html", form=form, action=action)


REQUEST_KINDS = {"extension": ExtensionRequest, "closure": ClosureRequest}
WITHDRAWN = {
    "extension": "Your request for more time has been withdrawn.",
    "closure": "Your request for sign-off has been withdrawn. The action is back in progress.",
}


@bp.route("/<reference>/<any(extension, closure):kind>/<int:request_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_request(reference, kind, request_id):
    """Confirm, then take back your own request before the chair decides it."""
    action = load_action(reference)
    pending = db.session.get(REQUEST_KINDS[kind], request_id)
    if pending is None or pending.action_id != action.id:
        abort(404)
    ensure(action.can_update(actor()))
    form = WithdrawForm()
    done = _save_form(form, action, WITHDRAWN[kind], lambda: services.withdraw_request(pending, actor()))
    if done:
        return done
    return render_template("plan/withdraw.html", form=form, action=action, pending=pending, kind=kind)
