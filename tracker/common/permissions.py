"""Route decorators and checks that apply the permission predicates on the models."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def require(predicate_name):
    """Allow a signed-in user whose predicate (e.g. 'can_manage_plan') is true; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not getattr(current_user, predicate_name):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure(allowed):
    """Abort with 403 unless a record-level check passed."""
    if not allowed:
        abort(403)
