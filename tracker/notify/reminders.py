"""The reminder reconcile: weekly digests, escalations and Red alerts for a given moment.

Every function here is a reconcile of `now`: run it again, or from two processes at once, and
each message is queued once, because each has a unique dedupe key in the outbox.
"""

from dataclasses import dataclass, field

from tracker.notify.digests import (
    build_escalation_digests,
    build_weekly_digests,
    plan_escalation_digests,
    plan_weekly_digests,
    unsent,
)
from tracker.notify.red import plan_red_alerts, send_red_alerts


@dataclass
class ReminderRun:
    """What one run queued, or would queue in a dry run."""

    digests: list = field(default_factory=list)
    escalations: list = field(default_factory=list)
    red_alerts: list = field(default_factory=list)

    def lines(self):
        """One line per message or alert, for operators."""
        return [item.describe() for item in (*self.digests, *self.escalations, *self.red_alerts)]

    def summary(self):
        """'3 weekly digests, 1 escalation, 0 Red alerts'."""
        return (
            f"{len(self.digests)} weekly digest{'s' if len(self.digests) != 1 else ''}, "
            f"{len(self.escalations)} escalation digest{'s' if len(self.escalations) != 1 else ''}, "
            f"{len(self.red_alerts)} Red alert{'s' if len(self.red_alerts) != 1 else ''}"
        )


def run_weekly_reminders(now):
    """Queue this week's owner digests and chair escalations."""
    return ReminderRun(digests=build_weekly_digests(now), escalations=build_escalation_digests(now))


def run_red_alerts(now):
    """Queue mail for actions that have turned Red since the last run."""
    return ReminderRun(red_alerts=send_red_alerts(now))


def run_reminders(now, *, dry_run=False):
    """Run every reminder reconcile once; in a dry run, only say what would be queued."""
    if dry_run:
        return ReminderRun(
            digests=unsent(plan_weekly_digests(now)),
            escalations=unsent(plan_escalation_digests(now)),
            red_alerts=plan_red_alerts(now),
        )
    weekly = run_weekly_reminders(now)
    weekly.red_alerts = send_red_alerts(now)
    return weekly
