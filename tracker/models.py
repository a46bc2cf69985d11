"""Import every feature's models so that Alembic and create_all see the whole schema."""

from tracker.admin.models import OrganisationLogo  # noqa: F401
from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.auth.kept_forms import KeptForm  # noqa: F401
from tracker.auth.models import Department, PasswordResetToken, Role, SignInAttempt, User  # noqa: F401
from tracker.common.revision import DataRevision  # noqa: F401
from tracker.compliance.models import ComplianceAssessment  # noqa: F401
from tracker.meetings.models import (  # noqa: F401
    ActionArising,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingSeries,
)
from tracker.notify.models import JobRun, MailKindSetting, OutboundEmail, SchedulerLock  # noqa: F401
from tracker.plan.models import (  # noqa: F401
    Action,
    ActionUpdate,
    ClosureRequest,
    Evidence,
    ExtensionRequest,
)
from tracker.recommendations.models import (  # noqa: F401
    Recommendation,
    RecommendationResponse,
    RecommendationSource,
    ResponseItem,
)
from tracker.reference.models import CodeRight, Priority, Touchpoint  # noqa: F401
from tracker.reports.models import DistributionRecipient, Report, ReportNotes  # noqa: F401
from tracker.spreadsheets.models import ImportBatch  # noqa: F401


def include_in_autogenerate(obj, name, type_, reflected, compare_to):
    """Leave alone the indexes that exist only in migrations (see MIGRATION_ONLY_INDEXES)."""
    from tracker.plan.models import MIGRATION_ONLY_INDEXES

    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)
