"""The response to a report or review: draft, word, approve, publish, read and download it."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.auth.permissions import manage_plan
from tracker.common.concurrency import CONFLICT_MESSAGE, EditConflict
from tracker.common.forms import ButtonForm
from tracker.common.permissions import ensure, require
from tracker.extensions import db
from tracker.plan.pages import actor, show_error
from tracker.recommendations import bp
from tracker.recommendations import responses as services
from tracker.recommendations.forms import response_form
from tracker.recommendations.models import RecommendationResponse
from tracker.recommendations.pages import load_source
from tracker.recommendations.response_render import response_context, response_file_name, response_pdf


def _response(source_id, response_id):
    """The response named in the URL, of the source named in the URL, that the person may read; or 404/403."""
    source = load_source(source_id)
    found = db.session.get(RecommendationResponse, response_id)
    if found is None or found.source_id != source.id:
        abort(404)
    ensure(found.can_read(current_user))
    return found


def _back(found, message, category="success"):
    flash(message, category)
    return redirect(url_for("recommendations.response", source_id=found.source_id, response_id=found.id))


def _raced(found):
    """Someone else saved the response between this request reading it and saving it: nothing was done."""
    db.session.rollback()
    return _back(
        found,
        "Someone else changed this response at the same moment, so nothing was done. Check it, then try again.",
        "warning",
    )


def _refused(found, error):
    db.session.rollback()
    return _back(found, f"{error.message}.", "warning")


@bp.route("/sources/<int:source_id>/responses/draft", methods=["POST"])
@require(manage_plan)
def draft_response(source_id):
    """Draft the response, or a new version of it, from the recommendations and their actions."""
    source = load_source(source_id)
    ensure(source.can_manage(actor()))
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        found = services.draft_response(source, actor())
        db.session.commit()
    except services.ResponseError as error:
        db.session.rollback()
        flash(f"{error.message}.", "warning")
        return redirect(url_for("recommendations.source_detail", source_id=source.id))
    except IntegrityError:
        # Someone else drafted the same version at the same moment.
        db.session.rollback()
        flash(
            "Someone else drafted a version of the response at the same moment. Check it before changing it.", "warning"
        )
        return redirect(url_for("recommendations.source_detail", source_id=source.id))
    what = "The response" if found.number == 1 else f"Version {found.number} of the response"
    return _back(
        found, f"{what} has been drafted from the recommendations and their actions. Word it, then approve it."
    )


@bp.route("/sources/<int:source_id>/responses/<int:response_id>")
@login_required
def response(source_id, response_id):
    """A version of the response: published for everyone signed in, drafts for the chair and admins."""
    found = _response(source_id, response_id)
    return render_template("recommendations/response.html", **response_context(found))


def _wording(form):
    return {recommendation.id: field.data for recommendation, field in form.wording_fields()}


def _conflict(form, found):
    """The form again with what was typed, a warning and what the other person saved where it differs."""
    db.session.refresh(found)
    for item in found.items:
        db.session.refresh(item)
    saved = {item.recommendation_id: item.wording for item in found.items}
    conflict = []
    if (found.introduction or "") != (form.introduction.data or "").strip():
        conflict.append({"label": "Introduction", "saved": found.introduction or "(blank)"})
    for recommendation, field in form.wording_fields():
        text = saved.get(recommendation.id) or ""
        if text != (field.data or "").strip():
            conflict.append({"label": f"{recommendation.reference}: Our response", "saved": text or "(blank)"})
    form.version_id.data = str(found.version_id)
    flash(CONFLICT_MESSAGE, "warning")
    page = render_template(
        "recommendations/response_form.html", form=form, response=found, source=found.source, conflict=conflict
    )
    return page, 409


@bp.route("/sources/<int:source_id>/responses/<int:response_id>/edit", methods=["GET", "POST"])
@require(manage_plan)
def edit_response(source_id, response_id):
    """Word the draft response: its introduction and what it says under each recommendation."""
    found = _response(source_id, response_id)
    ensure(found.source.can_manage(actor()))
    if found.approved:
        return _back(found, f"{services.LOCKED_MESSAGE}.", "warning")
    form = response_form(found)
    form.track_version(found)
    if form.validate_on_submit():
        try:
            with form.saving():
                changes = services.edit_response(
                    found, actor(), introduction=form.introduction.data, wording=_wording(form)
                )
        except EditConflict:
            return _conflict(form, found)
        except services.ResponseError as error:
            show_error(form, error)
        else:
            return _back(found, "The response has been saved." if changes else "Nothing had changed.")
    return render_template("recommendations/response_form.html", form=form, response=found, source=found.source)


@bp.route("/sources/<int:source_id>/responses/<int:response_id>/approve", methods=["GET", "POST"])
@require(manage_plan)
def approve_response(source_id, response_id):
    """Ask first, then approve the response: from then on it never changes."""
    found = _response(source_id, response_id)
    ensure(found.source.can_manage(actor()))
    if found.approved:
        return _back(found, "This response has already been approved.", "warning")
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.approve_response(found, actor())
            db.session.commit()
        except services.ResponseError as error:
            return _refused(found, error)
        except StaleDataError:
            return _raced(found)
        return _back(found, "The response has been approved. Publish it when it is ready to go out.")
    return render_template("recommendations/approve_response.html", form=form, response=found, source=found.source)


@bp.route("/sources/<int:source_id>/responses/<int:response_id>/publish", methods=["POST"])
@require(manage_plan)
def publish_response(source_id, response_id):
    """Publish the approved response: everyone signed in can read it, and the first stops the clock."""
    found = _response(source_id, response_id)
    ensure(found.source.can_manage(actor()))
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.publish_response(found, actor())
        db.session.commit()
    except services.ResponseError as error:
        return _refused(found, error)
    except StaleDataError:
        return _raced(found)
    return _back(found, "The response has been published.")


@bp.route("/sources/<int:source_id>/responses/<int:response_id>.pdf")
@login_required
def response_download(source_id, response_id):
    """The response as a tagged PDF; a draft says so in its title and on its first page."""
    found = _response(source_id, response_id)
    pdf = Response(response_pdf(found), mimetype="application/pdf")
    pdf.headers["Content-Disposition"] = f'attachment; filename="{response_file_name(found)}"'
    return pdf
