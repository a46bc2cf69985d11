"""Browser protections and server-side session lifetime."""

import secrets
from datetime import timedelta

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user

from tracker.auth.kept_forms import forget_when_sent_again, keep_sent_form, kept_form_for_page
from tracker.common.types import utcnow
from tracker.extensions import db


def csp_nonce():
    """The nonce of this response's Content Security Policy."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce):
    """A strict policy: our own scripts and styles, inline scripts only with the nonce."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


# Answered without the session's hooks: the health probe must not load the user from the database.
SESSIONLESS_ENDPOINTS = {"main.healthz", "static"}


def signed_in():
    """Whether the request is signed in, without loading the user from the database."""
    user = g.get("_login_user")
    if user is not None:
        return user.is_authenticated
    return "_user_id" in session


def enforce_session_lifetime():
    """Sign out a session that has been idle or alive for too long."""
    if request.endpoint in SESSIONLESS_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    # A session without its start time did not come from sign-in: treat it as expired.
    started = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    if now - last_seen > idle or now - started > absolute:
        return end_expired_session()
    session["last_seen"] = now
    forget_when_sent_again()
    return None


def end_expired_session():
    """Sign out, keeping what a form sent now held, and send the person to sign in again."""
    kept = None
    if request.blueprint != "api":
        kept = keep_sent_form(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    if kept is not None:
        flash(
            "You were signed out because your session expired. Sign in again to go back to your form:"
            " what you typed has been kept.",
            "info",
        )
        return redirect(url_for("auth.sign_in", next=request.path))
    flash("You were signed out because your session expired. Sign in again to carry on.", "info")
    if request.blueprint == "api":
        return None
    return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None))


def session_seconds_left():
    """Seconds until this session ends if the person does nothing: idle or absolute, whichever is sooner."""
    now = utcnow().timestamp()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    left = min(session.get("last_seen", 0) + idle, session.get("signed_in_at", 0) + absolute) - now
    return max(0, int(left))


def set_security_headers(response):
    """Add CSP, HSTS and friends to every response."""
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Even an error page answered while the database is down gets every header above. send_file's
    # own "no-cache" still lets a browser or proxy keep a copy of an export: only a view that chose a
    # private policy of its own keeps it.
    if signed_in() and "private" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security(app):
    """Wire the protections into the request cycle."""
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    app.before_request(enforce_session_lifetime)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["session_seconds_left"] = session_seconds_left
    app.jinja_env.globals["kept_form_for_page"] = kept_form_for_page
