"""Sign-in, sign-out, account and password reset pages."""

import secrets
from functools import partial
from urllib.parse import urlsplit

from flask import (
    abort,
    copy_current_request_context,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from tracker.audit.services import record
from tracker.auth import bp, oidc, services
from tracker.auth.forms import ChangePasswordForm, ForgotPasswordForm, PreferencesForm, ResetPasswordForm, SignInForm
from tracker.auth.kept_forms import remember_after_sign_in
from tracker.auth.models import User
from tracker.common.proxies import client_address
from tracker.common.security import session_seconds_left
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.extensions import db, login_manager
from tracker.notify.services import email_link, queue_email

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id):
    """Load the user of a session, refusing sessions ended on the server side."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def safe_next(target):
    """Only follow a same-site relative path after sign-in; never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def landing_url(user):
    """Where a person starts after signing in: a lead at their own actions, everyone else at the dashboard."""
    return url_for("plan.my_actions") if user.is_lead else url_for("main.dashboard")


def start_session(user):
    """Sign the user in with a fresh session.

    Every way of signing in ends here: the password form and the organisation sign-in callback
    (tracker/auth/oidc_routes.py), so idle and absolute limits and the session version apply to both.
    """
    session.clear()
    login_user(user)
    now = utcnow().timestamp()
    session["sid"] = secrets.token_urlsafe(16)
    session["signed_in_at"] = now
    session["last_seen"] = now
    session.permanent = True


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with email address and password."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        if not services.password_allowed(form.email.data):
            db.session.commit()
            form.email.errors = ["Sign in with your organisation account. Passwords are only for named administrators."]
            return render_template("auth/sign_in.html", form=form), 403
        try:
            user = services.authenticate(form.email.data, form.password.data, client_address())
        except services.SignInThrottled:
            db.session.commit()
            minutes = current_app.config["SIGN_IN_WINDOW_MINUTES"]
            form.email.errors = [
                f"Too many failed attempts. Wait {pluralise(minutes, 'minute')} and try again, or reset your password."
            ]
            return render_template("auth/sign_in.html", form=form), 429
        db.session.commit()
        if user is not None:
            start_session(user)
            remember_after_sign_in(user)
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
        # One message on the first field: it covers both, and an empty one would be an empty link.
        form.email.errors = ["Enter a correct email address and password"]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign out and end the session on the server."""
    services.sign_out(current_user._get_current_object())
    db.session.commit()
    provider_sign_out = oidc.provider_sign_out_url()
    logout_user()
    session.clear()
    if provider_sign_out:
        session["provider_sign_out"] = provider_sign_out
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/keep-alive", methods=["POST"])
@login_required
def keep_alive():
    """Keep the session going: the timeout warning's "Stay signed in" (the request itself counts as activity)."""
    return jsonify({"seconds_left": session_seconds_left()})


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Show the user's details, e-mail preferences and password change."""
    password_form = ChangePasswordForm(prefix="pw")
    password_form.password_owner = current_user
    preferences = PreferencesForm(prefix="pref", obj=current_user)
    form = None
    if request.method == "POST" and "pref-submit" in request.form:
        form = preferences
        if preferences.validate_on_submit():
            old = current_user.immediate_mail
            current_user.immediate_mail = preferences.immediate_mail.data
            record("user.preferences", obj=current_user, changes={"immediate_mail": (old, current_user.immediate_mail)})
            db.session.commit()
            flash("Your e-mail preferences are saved.", "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST":
        form = password_form
        if not services.password_sign_in_open_to(current_user.email):
            abort(403)
        if password_form.validate_on_submit():
            if not current_user.check_password(password_form.current_password.data):
                password_form.current_password.errors.append("Your current password is not right")
            else:
                services.change_password(current_user, password_form.new_password.data)
                db.session.commit()
                start_session(current_user._get_current_object())
                flash("Your password has been changed. Other devices have been signed out.", "success")
                return redirect(url_for("auth.account"))
    uses_password = services.password_sign_in_open_to(current_user.email)
    page = render_template(
        "auth/account.html",
        password_form=password_form,
        preferences=preferences,
        form=form,
        uses_password=uses_password,
    )
    return page, (200 if not form or not form.errors else 400)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Send a single-use link to choose a new password."""
    if not current_app.config["PASSWORD_SIGN_IN"]:
        return render_template("auth/password_off.html"), 404
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The answer is the same page, sent before the address is even looked up: whether it has an
        # account changes neither what is said nor the work done before the person sees it.
        response = make_response(render_template("auth/reset_sent.html", email=form.email.data))
        response.call_on_close(copy_current_request_context(partial(send_reset_link, form.email.data)))
        return response
    return render_template("auth/forgot_password.html", form=form)


def send_reset_link(email):
    """Queue a reset link for the account with this address, if one may have it; audit either way."""
    try:
        user = services.user_by_email(email)
        if user is not None and user.active and services.reset_link_allowed(user):
            secret = services.create_reset_token(user)
            queue_email(
                "password_reset",
                to_address=user.email,
                to_user=user,
                template="password_reset",
                subject="Reset your password",
                context={
                    "link": email_link("auth.reset_password", token=secret),
                    "intro": "Someone asked to reset the password for your account.",
                    "valid_for": f"{services.RESET_HOURS} hours",
                },
            )
            record("auth.reset_requested", obj=user, actor_label=user.email, summary="Password reset link sent")
        elif user is not None:
            record("auth.reset_refused", obj=user, actor_label=user.email, summary="Password reset link not sent")
        db.session.commit()
    except Exception:
        # The page has gone already: the failure can only be logged.
        db.session.rollback()
        current_app.logger.exception("Could not queue a password reset link")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password with an e-mailed link."""
    if not current_app.config["PASSWORD_SIGN_IN"]:
        return render_template("auth/password_off.html"), 404
    reset = services.redeem_reset_token(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    form.password_owner = reset.user
    if form.validate_on_submit():
        if not services.reset_password(reset, form.new_password.data):
            db.session.rollback()
            return render_template("auth/reset_invalid.html"), 404
        db.session.commit()
        flash("Your password has been saved. Sign in with it now.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)
