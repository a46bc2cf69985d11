"""Scheduled work of meetings: send each agenda the set number of working days before its meeting."""

from tracker.meetings.sending import send_due_agendas


def send_agendas(now):
    """Send the agendas that are due and not yet sent."""
    return send_due_agendas(now)


# Hourly in the working day: the reconcile knows which agendas are due, so a missed run sends them at the next.
JOBS = [
    {
        "id": "meetings.send_agendas",
        "name": "Send agendas before their meetings",
        "func": send_agendas,
        "cron": {"hour": "7-18", "minute": 20},
    },
]
