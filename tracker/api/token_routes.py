"""The user's own API tokens, and an admin's view of everyone's."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.api import tokens, tokens_bp
from tracker.api.forms import TokenForm
from tracker.api.models import ApiToken
from tracker.common.forms import ButtonForm
from tracker.common.permissions import ensure
from tracker.extensions import db


def _token_page(**context):
    everyone = tokens.unrevoked_tokens_of_others(current_user) if current_user.can_manage_users else []
    return render_template(
        "api/api_tokens.html",
        tokens=tokens.tokens_of(current_user),
        everyone=[t for t in everyone if tokens.token_state(t) == "active"],
        state=tokens.token_state,
        **context,
    )


@tokens_bp.route("/account/api-tokens")
@login_required
def api_tokens():
    """List the user's API tokens."""
    return _token_page()


@tokens_bp.route("/account/api-tokens/new", methods=["GET", "POST"])
@login_required
def new_api_token():
    """Create an API token and show it once."""
    form = TokenForm()
    if form.validate_on_submit():
        token, secret = tokens.create_token(current_user, form.name.data, form.expires.data)
        db.session.commit()
        return render_template("api/api_token_created.html", token=token, secret=secret)
    return render_template("api/api_token_form.html", form=form), 400 if form.errors else 200


@tokens_bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id):
    """Stop a token working: your own, or anyone's if you manage users."""
    token = db.session.get(ApiToken, token_id) or abort(404)
    ensure(token.user_id == current_user.id or current_user.can_manage_users)
    if ButtonForm().validate_on_submit():
        tokens.revoke_token(token, current_user._get_current_object())
        db.session.commit()
        flash(f"The token '{token.name}' no longer works.", "success")
    return redirect(url_for("tokens.api_tokens"))
