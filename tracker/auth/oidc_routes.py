"""Sign-in with the organisation's account (OpenID Connect): start, callback, and their error pages."""

from flask import abort, current_app, redirect, render_template, request, session
from flask_login import current_user

from tracker.audit.services import record
from tracker.auth import bp, oidc, oidc_accounts
from tracker.auth.routes import landing_url, safe_next, start_session
from tracker.extensions import db

# What a person is told for each kind of failure; the audit event keeps the exact reason.
ERROR_TEXT = {
    oidc.ProviderUnavailable: "The tracker could not reach your organisation's sign-in service. "
    "Try again in a few minutes. If it keeps happening, tell your IT service desk.",
    oidc.ConsentRefused: "You chose not to let the tracker use your organisation account, so you have not been "
    "signed in. To use the tracker, sign in again and allow it.",
    oidc.ResponseRejected: "The reply from your organisation's sign-in service had been used already, had been "
    "changed, or was not for this sign-in. You have not been signed in. Start again.",
    oidc.TokenRejected: "The tracker could not confirm who you are from your organisation's reply, so you have "
    "not been signed in. Try again. If it keeps happening, tell your IT service desk.",
}


@bp.context_processor
def sign_in_choices():
    """Tell the auth pages which ways of signing in are offered."""
    return {
        "organisation_sign_in": oidc.enabled(),
        "organisation_name": current_app.config["OIDC_PROVIDER_NAME"],
        "password_sign_in": current_app.config["PASSWORD_SIGN_IN"],
        # Offered once, on the sign-in page that follows signing out.
        "provider_sign_out": session.pop("provider_sign_out", None) if request.endpoint == "auth.sign_in" else None,
    }


def _failed(error):
    record(
        "auth.sso_failed", summary=f"Organisation sign-in failed: {error.reason}", actor_label="Organisation sign-in"
    )
    current_app.logger.warning("organisation sign-in failed: %s %s", error.reason, error.detail)
    db.session.commit()
    page = render_template("auth/organisation_error.html", heading=error.heading, text=ERROR_TEXT[type(error)])
    return page, error.status


@bp.route("/sign-in/organisation")
def organisation_sign_in():
    """Send the person to their organisation's sign-in page."""
    if not oidc.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    try:
        return redirect(oidc.authorisation_url(safe_next(request.args.get("next"))))
    except oidc.SignInError as error:
        return _failed(error)


@bp.route("/sign-in/organisation/callback")
def organisation_callback():
    """Check the provider's reply and sign the person in."""
    if not oidc.enabled():
        abort(404)
    try:
        claims, next_path = oidc.complete(request.args)
    except oidc.SignInError as error:
        return _failed(error)
    label = oidc_accounts.verified_email(claims) or oidc_accounts.subject_of(claims)
    try:
        user = oidc_accounts.find_user(claims, oidc.issuer())
    except oidc_accounts.Refused as refusal:
        db.session.rollback()
        record(
            "auth.sso_refused", summary=f"Organisation sign-in refused for {label}: {refusal.reason}", actor_label=label
        )
        db.session.commit()
        return render_template("auth/organisation_refused.html", text=refusal.message), 403
    record("auth.sign_in", obj=user, actor=user, summary=f"{user.email} signed in with their organisation account")
    db.session.commit()
    start_session(user)
    session["signed_in_with"] = "organisation"
    return redirect(safe_next(next_path) or landing_url(user))
