"""Signals the plan sends when something happens to an action, inside the same transaction.

Other features (e-mail notifications above all) connect receivers; a receiver may add rows
to the session (an outbox message, say) but must never commit. Every signal is sent with the
action as sender and `actor` (the user who did it) as a keyword argument.

A bulk operation (the spreadsheet import) wraps its work in quiet_signals(): nothing is sent
while it runs, so receivers need not know about imports, and the operation sends one summary
of its own instead of a message per action.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from blinker import NamedSignal, Namespace

# Per thread and per task, so one request's import never silences another request's signals.
_quiet = ContextVar("plan_signals_quiet", default=False)


class PlanSignal(NamedSignal):
    """A signal that stays silent inside quiet_signals()."""

    def send(self, *args, **kwargs):
        if _quiet.get():
            return []
        return super().send(*args, **kwargs)


class _PlanNamespace(Namespace):
    def signal(self, name, doc=None):
        if name not in self:
            self[name] = PlanSignal(name, doc)
        return self[name]


@contextmanager
def quiet_signals():
    """Send no plan signals inside this block; the caller reports what happened itself."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


_signals = _PlanNamespace()

# kwargs: actor, previous_owner (None when the action is new)
action_assigned = _signals.signal("action-assigned")
# kwargs: actor, update (the ActionUpdate)
update_posted = _signals.signal("update-posted")
# kwargs: actor, request (ExtensionRequest)
extension_requested = _signals.signal("extension-requested")
# kwargs: actor, request (ExtensionRequest, now approved or refused)
extension_decided = _signals.signal("extension-decided")
# kwargs: actor, request (ClosureRequest)
closure_requested = _signals.signal("closure-requested")
# kwargs: actor, request (ClosureRequest, now approved or refused)
closure_decided = _signals.signal("closure-decided")
# kwargs: actor, reason
action_cancelled = _signals.signal("action-cancelled")
# kwargs: actor, reason (a completed or cancelled action is open again)
action_reopened = _signals.signal("action-reopened")
