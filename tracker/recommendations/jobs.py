"""Scheduled work for recommendations: reminders of responses falling due."""

from tracker.recommendations.reminders import send_response_reminders


def response_reminders(now):
    """Queue reminders of published responses due in 28, 14 or 7 days, or overdue."""
    queued = send_response_reminders(now)
    return f"{queued} response reminder{'s' if queued != 1 else ''} queued"


# Daily: a reminder missed while nothing ran goes out at the next run, at the stage reached by then.
JOBS = [
    {
        "id": "recommendations.response_reminders",
        "name": "Reminders of responses to recommendations",
        "func": response_reminders,
        "cron": {"hour": 7, "minute": 30},
    },
]
