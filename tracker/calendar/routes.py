"""The calendar settings page, where a user makes or ends their secret feed link, and the feed itself."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.calendar import bp, feeds
from tracker.common.dates import local_today
from tracker.common.forms import ButtonForm
from tracker.extensions import db


@bp.route("/account/calendar")
@login_required
def settings():
    """Explain the calendar feed and offer to create or reset its link."""
    return render_template(
        "calendar/settings.html", form=None, new_url=None, whole_plan=feeds.covers_whole_plan(current_user)
    )


@bp.route("/account/calendar/link", methods=["POST"])
@login_required
def reset_link():
    """Make a new secret feed link, ending the old one, and show it once."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("calendar.settings"))
    secret = feeds.reset_calendar_link(current_user)
    db.session.commit()
    return render_template(
        "calendar/settings.html",
        form=None,
        new_url=feeds.feed_url(secret),
        whole_plan=feeds.covers_whole_plan(current_user),
    )


@bp.route("/account/calendar/link/remove", methods=["POST"])
@login_required
def remove_link():
    """Stop the calendar feed."""
    if ButtonForm().validate_on_submit():
        feeds.remove_calendar_link(current_user)
        db.session.commit()
        flash("Your calendar link no longer works. Calendars subscribed to it will stop updating.", "success")
    return redirect(url_for("calendar.settings"))


@bp.route("/calendar/<secret>.ics")
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
