"""The route decorator and the record check that apply the permission predicates."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def require(predicate):
    """Allow a signed-in user for whom predicate(user) is true (tracker.auth.permissions); others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = predicate
        return wrapped

    return decorator


def ensure(allowed):
    """Abort with 403 unless a record-level check passed."""
    if not allowed:
        abort(403)
