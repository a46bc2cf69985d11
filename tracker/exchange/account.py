"""The user's own API tokens and calendar link, and the calendar feed itself."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.common.dates import local_today
from tracker.common.permissions import ensure
from tracker.exchange import bp, calendar_bp, feeds, tokens
from tracker.exchange.forms import ButtonForm, TokenForm
from tracker.exchange.models import ApiToken
from tracker.extensions import db


def _token_page(**context):
    everyone = []
    if current_user.can_manage_users:
        everyone = db.session.scalars(
            select(ApiToken)
            .where(ApiToken.revoked_at.is_(None), ApiToken.user_id != current_user.id)
            .order_by(ApiToken.created_at.desc())
        ).all()
    return render_template(
        "exchange/api_tokens.html",
        tokens=tokens.tokens_of(current_user),
        everyone=[t for t in everyone if tokens.token_state(t) == "active"],
        state=tokens.token_state,
        **context,
    )


@bp.route("/account/api-tokens")
@login_required
def api_tokens():
    """List the user's API tokens."""
    return _token_page()


@bp.route("/account/api-tokens/new", methods=["GET", "POST"])
@login_required
def new_api_token():
    """Create an API token and show it once."""
    form = TokenForm()
    if form.validate_on_submit():
        token, secret = tokens.create_token(current_user, form.name.data, form.expires.data)
        db.session.commit()
        return render_template("exchange/api_token_created.html", token=token, secret=secret)
    return render_template("exchange/api_token_form.html", form=form), 400 if form.errors else 200


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id):
    """Stop a token working: your own, or anyone's if you manage users."""
    token = db.session.get(ApiToken, token_id) or abort(404)
    ensure(token.user_id == current_user.id or current_user.can_manage_users)
    if ButtonForm().validate_on_submit():
        tokens.revoke_token(token, current_user._get_current_object())
        db.session.commit()
        flash(f"The token '{token.name}' no longer works.", "success")
    return redirect(url_for("exchange.api_tokens"))


@calendar_bp.route("/account/calendar")
@login_required
def settings():
    """Explain the calendar feed and offer to create or reset its link."""
    return render_template(
        "exchange/calendar.html", form=None, new_url=None, whole_plan=feeds.covers_whole_plan(current_user)
    )


@calendar_bp.route("/account/calendar/link", methods=["POST"])
@login_required
def reset_link():
    """Make a new secret feed link, ending the old one, and show it once."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("calendar.settings"))
    secret = feeds.reset_calendar_link(current_user)
    db.session.commit()
    return render_template(
        "exchange/calendar.html",
        form=None,
        new_url=feeds.feed_url(secret),
        whole_plan=feeds.covers_whole_plan(current_user),
    )


@calendar_bp.route("/account/calendar/link/remove", methods=["POST"])
@login_required
def remove_link():
    """Stop the calendar feed."""
    if ButtonForm().validate_on_submit():
        feeds.remove_calendar_link(current_user)
        db.session.commit()
        flash("Your calendar link no longer works. Calendars subscribed to it will stop updating.", "success")
    return redirect(url_for("calendar.settings"))


@calendar_bp.route("/calendar/<secret>.ics")
def feed(secret):
    """The feed for calendar programs: the secret in the URL is the only credential."""
    user = feeds.user_for_feed(secret)
    if user is None:
        abort(404)
    body = feeds.build_feed(user, local_today())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="victims-code-actions.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
