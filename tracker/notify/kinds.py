"""The kinds of e-mail the tracker sends, which of them an admin may switch off, and which are immediate."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MailKind:
    kind: str
    label: str
    description: str
    # Sent straight away when something happens; users who chose the digest only do not get it.
    immediate: bool = False
    # Account access (password reset, invitations) must always work, so admins cannot switch it off.
    essential: bool = False


MAIL_KINDS: dict[str, MailKind] = {}


def register_mail_kind(kind, label, description, *, immediate=False, essential=False):
    """Declare a kind of mail so that admins see it among the switches."""
    MAIL_KINDS[kind] = MailKind(kind, label, description, immediate=immediate, essential=essential)
    return MAIL_KINDS[kind]


ACTION_ASSIGNED = "action_assigned"
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_DECIDED = "extension_decided"
CLOSURE_REQUESTED = "closure_requested"
CLOSURE_DECIDED = "closure_decided"
ACTION_RED = "action_red"
ACTION_REOPENED = "action_reopened"
WEEKLY_DIGEST = "weekly_digest"
ESCALATION_DIGEST = "escalation_digest"
RESPONSE_DUE = "response_due"
MEETING_AGENDA = "meeting_agenda"

register_mail_kind(
    "password_reset", "Password reset", "The link to choose a new password, when someone asks for it.", essential=True
)
register_mail_kind("invitation", "Invitation", "The link a new user follows to choose a password.", essential=True)
register_mail_kind(
    ACTION_ASSIGNED, "Action assigned", "To the new owner when an action is assigned or reassigned.", immediate=True
)
register_mail_kind(
    EXTENSION_REQUESTED, "Extension requested", "To the chair when an owner asks to move a due date.", immediate=True
)
register_mail_kind(
    EXTENSION_DECIDED,
    "Extension decided",
    "To the owner when the chair approves or refuses an extension.",
    immediate=True,
)
register_mail_kind(
    CLOSURE_REQUESTED, "Closure requested", "To the chair when an owner asks to close an action.", immediate=True
)
register_mail_kind(
    CLOSURE_DECIDED, "Closure decided", "To the owner when the chair signs off or refuses a closure.", immediate=True
)
register_mail_kind(
    ACTION_REOPENED,
    "Action reopened",
    "To the owner when the chair reopens a completed or cancelled action.",
    immediate=True,
)
register_mail_kind(
    ACTION_RED, "Action turned Red", "To the owner and the chair when an action turns Red.", immediate=True
)
register_mail_kind(
    WEEKLY_DIGEST,
    "Weekly digest",
    "To each owner once a week: overdue actions, actions due soon and actions without a recent update.",
)
register_mail_kind(
    ESCALATION_DIGEST,
    "Escalation digest",
    "To the chair once a week: actions overdue by more than the escalation limit.",
)
register_mail_kind(
    RESPONSE_DUE,
    "Response to recommendations due",
    "To the leads and the chair 28, 14 and 7 days before a published response is due, and when it is overdue.",
)
register_mail_kind(
    MEETING_AGENDA,
    "Meeting agenda",
    "To the people expected at a meeting when its chair or secretary sends the agenda.",
)


def kind_label(kind):
    """A readable name for a kind, even one no feature declared."""
    known = MAIL_KINDS.get(kind)
    return known.label if known else kind.replace("_", " ").capitalize()
