"""The notify feature's scheduled work: weekly digests, Red alerts and delivering the outbox."""

from tracker.notify.reminders import run_red_alerts, run_weekly_reminders
from tracker.notify.sender import send_pending


def weekly_reminders(now):
    """Queue this week's owner digests and chair escalations."""
    return run_weekly_reminders(now).summary()


def red_alerts(now):
    """Queue mail for actions that have turned Red."""
    alerts = run_red_alerts(now).red_alerts
    return f"{len(alerts)} action{'s' if len(alerts) != 1 else ''} turned Red"


def deliver_outbox(now):
    """Deliver what is waiting in the outbox."""
    return send_pending(now).summary()


JOBS = [
    {
        "id": "notify.weekly_reminders",
        "name": "Weekly digests and escalations",
        "func": weekly_reminders,
        "cron": lambda config: {"day_of_week": config["DIGEST_WEEKDAY"], "hour": config["DIGEST_HOUR"], "minute": 0},
    },
    {"id": "notify.red_alerts", "name": "Alerts for actions turning Red", "func": red_alerts, "cron": {"minute": 10}},
    {"id": "notify.outbox", "name": "Deliver the outbox", "func": deliver_outbox, "cron": {"minute": "*"}},
]
