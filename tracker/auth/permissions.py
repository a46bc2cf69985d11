"""Who may do what: each permission is a named predicate of a user.

Routes name them (`@require(manage_plan)`), templates and services read them as the user's
properties (`current_user.can_manage_plan`), and the access matrix checks that every route a
predicate guards refuses the roles it does not allow. What a person may do to one record (update
this action, record this meeting) is the record's own predicate, such as `Action.can_update(user)`.
"""

from tracker.auth.roles import Role


def _role(user):
    """The user's role; the anonymous user of a request that is not signed in has none."""
    return getattr(user, "role", None)


def signed_in(user):
    """Anyone signed in: every role reads the whole plan."""
    return bool(getattr(user, "is_authenticated", False))


def administer(user):
    """Settings, departments, the mail outbox and the organisation's logo."""
    return _role(user) == Role.ADMIN


def manage_plan(user):
    """Create, assign and edit any action; decide extensions and closures."""
    return _role(user) in (Role.ADMIN, Role.CHAIR)


def manage_users(user):
    """Add, change and remove people, and hand a leaver's work over."""
    return _role(user) == Role.ADMIN


def build_reports(user):
    """Build, approve, publish and send the quarterly report."""
    return _role(user) in (Role.ADMIN, Role.CHAIR)


def record_assessments(user):
    """Record each quarter's compliance and victims' voice figures."""
    return _role(user) in (Role.ADMIN, Role.CHAIR)


def read_audit(user):
    """Read and search the audit log."""
    return _role(user) == Role.ADMIN
