"""Remind the leads and the chair as a published response falls due: at 28, 14 and 7 days, and when overdue.

A reconcile of `now`: each reminder has a dedupe key in the outbox (source, due date, stage and
person), so running it again, or from two schedulers at once, queues each one once. A source
whose due date moves gets reminders for its new date.
"""

from dataclasses import dataclass

from tracker.common.dates import local_today
from tracker.notify import kinds
from tracker.notify.receivers import active_chairs
from tracker.notify.services import disabled_kinds, email_link, queue_email_once
from tracker.recommendations.clocks import DUE_SOON_DAYS, OVERDUE, open_clocks, reminder_stage


@dataclass
class ResponseReminder:
    """A reminder about one source's response, and who gets it."""

    clock: object
    stage: str
    recipients: list

    def describe(self):
        who = ", ".join(user.email for user in self.recipients) or "nobody"
        return f"{self.clock.source.title}: {self.clock.text}: {who}"


def _recipients(source):
    leads = {r.lead.id: r.lead for r in source.recommendations if r.lead.active}
    for chair in active_chairs():
        leads.setdefault(chair.id, chair)
    return sorted(leads.values(), key=lambda user: (user.name, user.id))


def plan_response_reminders(now):
    """The reminders due today: each open clock at a stage, with its leads and the chairs."""
    today = local_today(now)
    reminders = []
    for clock in open_clocks(today, within=DUE_SOON_DAYS):
        stage = reminder_stage(clock.due, today)
        if stage is not None:
            reminders.append(ResponseReminder(clock, stage, _recipients(clock.source)))
    return reminders


def _subject(clock, stage):
    if stage == OVERDUE:
        return f"The response to {clock.source.title} is overdue"
    return f"The response to {clock.source.title} is {clock.text.lower()}"


def send_response_reminders(now):
    """Queue today's reminders; return how many messages this run queued."""
    enabled = kinds.RESPONSE_DUE not in disabled_kinds()
    queued = 0
    for reminder in plan_response_reminders(now):
        source, clock = reminder.clock.source, reminder.clock
        for user in reminder.recipients:
            queued += bool(
                queue_email_once(
                    kinds.RESPONSE_DUE,
                    dedupe_key=f"response-due:{source.id}:{clock.due.isoformat()}:{reminder.stage}:{user.id}",
                    to_address=user.email,
                    to_user=user,
                    template="response_due",
                    subject=_subject(clock, reminder.stage),
                    context={
                        "clock": clock,
                        "source": source,
                        "link": email_link("recommendations.source_detail", source_id=source.id),
                    },
                    enabled=enabled,
                )
            )
    return queued
