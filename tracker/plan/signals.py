"""Signals the plan sends when something happens to an action, inside the same transaction.

Other features (e-mail notifications above all) connect receivers; a receiver may add rows
to the session (an outbox message, say) but must never commit. Every signal is sent with the
action as sender and `actor` (the user who did it) as a keyword argument.
"""

from blinker import Namespace

_signals = Namespace()

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
