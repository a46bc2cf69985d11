"""Private iCalendar feeds of due dates, which Outlook and other calendars subscribe to by URL.

The URL's secret is the only credential, so only its SHA-256 hash is kept (User.calendar_token_hash);
the user sees the URL once and can reset it, which stops the old one at once.
"""

import secrets
from datetime import timedelta

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import or_, select

from tracker.api.tokens import token_hash
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.common.dates import long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.notify.services import action_link, email_link
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.models import OPEN_STATUSES, Action

REFRESH = timedelta(hours=4)


def covers_whole_plan(user):
    """Leads follow their own and their department's actions; everyone else follows the whole plan."""
    return not user.is_lead


def reset_calendar_link(user):
    """Give the user a new feed secret (the old URL stops working); returns the secret to show once."""
    secret = secrets.token_urlsafe(32)
    had_link = user.calendar_token_hash is not None
    user.calendar_token_hash = token_hash(secret)
    record(
        "calendar.link_reset" if had_link else "calendar.link_created",
        obj=user,
        actor=user,
        summary=("Calendar link reset" if had_link else "Calendar link created") + f" for {user.email}",
    )
    return secret


def remove_calendar_link(user):
    """Stop the user's feed without making a new one."""
    if user.calendar_token_hash is None:
        return
    user.calendar_token_hash = None
    record("calendar.link_removed", obj=user, actor=user, summary=f"Calendar link removed for {user.email}")


def user_for_feed(secret):
    """The active user whose feed secret this is, or None."""
    if not secret or len(secret) > 100:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token_hash == token_hash(secret)))
    return user if user is not None and user.active else None


def feed_url(secret):
    """The subscription URL for a secret."""
    return email_link("calendar.feed", secret=secret)


def feed_actions(user):
    """The open actions on a user's calendar, soonest due first."""
    query = select(Action).where(Action.status.in_(OPEN_STATUSES))
    if not covers_whole_plan(user):
        query = query.where(or_(Action.owner_id == user.id, Action.department_id == user.department_id))
    return db.session.scalars(query.order_by(Action.current_due_date, Action.reference)).unique().all()


def _event(action, today, thresholds, host, stamp):
    result = rule_rag(action, today, thresholds)
    lines = [
        f"Owner: {action.owner.name} ({action.department.name})",
        f"Status: {action.status_label}, {action.progress}% done",
        f"BRAG: {result.summary}",
    ]
    if action.is_extended:
        lines.append(f"Originally due {long_date(action.original_due_date)}")
    link = action_link(action)
    event = Event()
    event.add("uid", f"action-{action.id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", action.current_due_date)
    event.add("dtend", action.current_due_date + timedelta(days=1))
    event.add("summary", f"{action.reference} due: {action.title}")
    event.add("description", "\n".join(lines) + f"\n\n{link}")
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [f"BRAG {result.label}"])
    if action.updated_at:
        event.add("last-modified", action.updated_at)
    return event


def build_feed(user, today):
    """The user's feed as iCalendar bytes: one all-day event per open action on its current due date."""
    service = current_app.config["SERVICE_NAME"]
    host = current_app.config["BASE_URL"].split("://")[-1].split("/")[0] or "tracker"
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['ORGANISATION_NAME']}//{service}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    scope = "all actions" if covers_whole_plan(user) else f"{user.name}'s actions"
    calendar.add("x-wr-calname", f"Victims Code actions: {scope}")
    calendar.add("x-wr-caldesc", f"Due dates of open actions in the {service}")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    thresholds, stamp = current_thresholds(), utcnow()
    for action in feed_actions(user):
        calendar.add_component(_event(action, today, thresholds, host, stamp))
    return calendar.to_ical()
