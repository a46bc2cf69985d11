"""The audit log in English: each kind of event, each recorded field and each value as a person reads it.

Every kind of event a service records must have a label in KIND_LABELS: a test reads the source
for the kinds recorded and fails for one without a label. A kind recorded before it had one (an
old row, say) still reads tolerably: its code with the dot and underscores taken out.
"""

import re
from datetime import date, datetime

from tracker.common.dates import date_time, long_date

KIND_LABELS = {
    "access.denied": "Request refused",
    "action.created": "Action added",
    "action.updated": "Action changed",
    "action.cancelled": "Action cancelled",
    "action.reopened": "Action reopened",
    "action.update_posted": "Update posted",
    "action.history_imported": "Action history imported",
    "evidence.added": "Evidence added",
    "extension.requested": "Extension requested",
    "extension.approved": "Extension approved",
    "extension.refused": "Extension refused",
    "extension.withdrawn": "Extension request withdrawn",
    "closure.requested": "Sign-off requested",
    "closure.approved": "Signed off as complete",
    "closure.refused": "Sign-off refused",
    "closure.withdrawn": "Sign-off request withdrawn",
    "user.created": "User added",
    "user.updated": "User changed",
    "user.deactivated": "User deactivated",
    "user.reactivated": "User reactivated",
    "user.preferences": "E-mail preference changed",
    "department.saved": "Department saved",
    "auth.sign_in": "Signed in",
    "auth.sign_out": "Signed out",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.sign_in_throttled": "Sign-in refused after too many attempts",
    "auth.password_changed": "Password changed",
    "auth.password_reset": "Password set with a reset link",
    "auth.reset_requested": "Password reset link sent",
    "auth.reset_refused": "Password reset link not sent",
    "auth.sso_refused": "Organisation sign-in refused for an unknown person",
    "auth.sso_failed": "Organisation sign-in failed",
    "auth.identity_linked": "Organisation account linked",
    "auth.password_sign_in_refused": "Password sign-in refused while turned off",
    "auth.form_kept": "Typed form kept after the session ended",
    "mail.retried": "E-mail sent again",
    "mail.kinds_changed": "Kinds of e-mail switched on or off",
    "compliance.recorded": "Compliance figures recorded",
    "compliance.changed": "Compliance figures changed",
    "compliance.removed": "Compliance figures removed",
    "code_right.changed": "Victims' Code right changed",
    "priority.changed": "Priority changed",
    "touchpoint.created": "Touchpoint added",
    "touchpoint.changed": "Touchpoint changed",
    "report.build_requested": "Report build asked for",
    "report.publish_requested": "Report publication asked for",
    "report.draft_requested": "Draft report PDF asked for",
    "report.built": "Report built",
    "report.rebuilt": "Report built again",
    "report.published": "Report published",
    "report.withdrawn": "Report withdrawn",
    "report.superseded": "Withdrawn report superseded by a new build",
    "report.notes_saved": "Report decisions saved",
    "distribution.added": "Added to the distribution list",
    "distribution.changed": "Distribution list entry changed",
    "distribution.removed": "Removed from the distribution list",
    "logo.uploaded": "Report logo uploaded",
    "logo.replaced": "Report logo replaced",
    "logo.removed": "Report logo removed",
    "import.uploaded": "Plan spreadsheet uploaded",
    "import.completed": "Plan spreadsheet imported",
    "api_token.created": "API token created",
    "api_token.revoked": "API token revoked",
    "api.read": "Read through the API",
    "api.refused": "API request refused",
    "calendar.link_created": "Calendar link created",
    "calendar.link_reset": "Calendar link replaced",
    "calendar.link_removed": "Calendar link removed",
    "recommendation_source.created": "Report or review added",
    "recommendation_source.changed": "Report or review changed",
    "recommendation.created": "Recommendation added",
    "recommendation.changed": "Recommendation changed",
    "recommendation.status_changed": "Recommendation status decided",
    "recommendation.action_linked": "Action linked to a recommendation",
    "recommendation.action_unlinked": "Action unlinked from a recommendation",
    "response.drafted": "Response drafted",
    "response.edited": "Response worded",
    "response.approved": "Response approved",
    "response.published": "Response published",
    "recommendation_source.imported": "Recommendations added from a table",
    "meeting_series.created": "Meeting series set up",
    "meeting_series.changed": "Meeting series changed",
    "meeting.created": "Meeting planned",
    "meeting.changed": "Meeting changed",
    "meeting.item_added": "Agenda item added",
    "meeting.item_removed": "Agenda item removed",
    "meeting.agenda_reordered": "Agenda item moved",
    "meeting.agenda_sent": "Agenda sent",
    "meeting.started": "Meeting started",
    "meeting.held": "Meeting finished",
    "meeting.note_recorded": "Meeting note recorded",
    "meeting.decision_recorded": "Meeting decisions recorded",
    "meeting.action_arising": "Action arising from a meeting",
    "action.raised_for_discussion": "Action raised for discussion",
    "action.discussion_cleared": "Action discussed at a meeting",
    "meeting.acted_on_action": "Action changed at a meeting",
    "minutes.drafted": "Minutes drafted",
    "minutes.edited": "Draft minutes changed",
    "minutes.approved": "Minutes approved",
    "minutes.sent": "Minutes sent",
    "minutes.addendum_added": "Addendum added to minutes",
}

FIELD_LABELS = {
    "current_due_date": "Current due date",
    "original_due_date": "Original due date",
    "start_date": "Start date",
    "new_due_date": "New due date",
    "declared_rag": "Owner's BRAG",
    "cancel_reason": "Reason for cancelling",
    "success_measure": "Success measure",
    "department_id": "Department",
    "immediate_mail": "Immediate emails",
    "rights": "Code rights",
    "self_percent": "Self-assessed percentage",
    "self_rating": "Self-assessed rating",
    "self_source": "Self-assessment source",
    "voice_percent": "Victims' voice percentage",
    "voice_sample": "Victims asked",
    "voice_source": "Victims' voice source",
    "voice_themes": "What victims said",
    "size": "File size",
    "file": "File",
    "state": "State",
    "expires_at": "Expires",
    "revoked_at": "Revoked",
    "date_reason": "Reason for the date change",
    "exception_note": "Reason for signing off anyway",
    "published_on": "Publication date",
    "response_days": "Days to publish a response",
    "addressed_to": "Addressed to",
    "recommendation_status": "Status",
    "status_reason": "Reason for the status",
    "body": "Made by",
    "held_on": "Date of the meeting",
    "starts_at": "Start time",
    "place": "Place or link",
    "default_chair": "Usual chair",
    "default_secretary": "Usual secretary",
    "agenda_working_days": "Working days before a meeting its agenda is sent",
    "attendees": "Attending",
    "recipients": "Sent to",
    "position": "Place on the agenda",
    "item": "Agenda item",
    "due": "Due date",
    "withdrawal_reason": "Reason for withdrawing",
    "present": "Present",
    "guests": "Guests",
    "arising": "Actions arising",
    "text": "Text",
    "recommendations_added": "Recommendations added",
    "rows_not_added": "Rows not added",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
NOT_SET = "Not set"


def kind_label(verb):
    """'action.update_posted' as 'Update posted'."""
    return KIND_LABELS.get(verb) or (verb or "").replace(".", " ").replace("_", " ").capitalize()


def field_label(name):
    """'current_due_date' as 'Current due date'."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def _code_labels():
    # Imported late: the audit package is imported by every feature, so it imports none at load time.
    from tracker.auth.models import ROLE_LABELS
    from tracker.compliance.models import SelfRating, VoiceSource
    from tracker.meetings.models import MeetingState
    from tracker.plan.models import Rag, RequestState, Source, Status
    from tracker.recommendations.models import ADDRESSEE_LABELS, BODY_LABELS, RECOMMENDATION_STATUS_LABELS
    from tracker.reports.models import ReportState

    states = {state.value: state.value.capitalize() for state in RequestState}
    return {
        "status": {status.value: status.label for status in Status},
        "declared_rag": {rag.value: rag.label for rag in Rag},
        "rag": {rag.value: rag.label for rag in Rag},
        "role": {role.value: label for role, label in ROLE_LABELS.items()},
        "source": {source.value: source.label for source in Source},
        "state": states
        | {state.value: state.label for state in ReportState}
        | {state.value: state.label for state in MeetingState},
        "self_rating": {rating.value: rating.label for rating in SelfRating},
        "voice_source": {source.value: source.label for source in VoiceSource},
        "recommendation_status": {status.value: label for status, label in RECOMMENDATION_STATUS_LABELS.items()},
        "addressed_to": {addressee.value: label for addressee, label in ADDRESSEE_LABELS.items()},
        "body": {body.value: label for body, label in BODY_LABELS.items()},
    }


def file_size(count):
    """1258291 as '1.2 MB', 2048 as '2 KB', 300 as '300 bytes'."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} byte{'' if count == 1 else 's'}"


def _department_name(value):
    from tracker.auth.models import Department
    from tracker.extensions import db

    department = db.session.get(Department, value) if isinstance(value, int) else None
    return department.name if department else str(value)


def _plain_value(field, value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "size" and isinstance(value, int):
        return file_size(value)
    if field == "department_id" and value is not None:
        return _department_name(value)
    if field == "rights" and isinstance(value, int):
        return f"Right {value}"
    if isinstance(value, datetime):
        return date_time(value)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str):
        return _text(field, value)
    return str(value)


def _text(field, value):
    labels = _code_labels().get(field, {})
    if value in labels:
        return labels[value]
    if ISO_DATE.match(value):
        return long_date(date.fromisoformat(value))
    if ISO_MOMENT.match(value):
        try:
            return date_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def readable_value(field, value):
    """A recorded old or new value of `field` as a person reads it: 'In progress', '30 September 2026'."""
    if value is None or value == "" or value == []:
        return NOT_SET
    if isinstance(value, list):
        return ", ".join(_plain_value(field, item) for item in value)
    return _plain_value(field, value)
