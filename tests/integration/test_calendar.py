"""The private calendar feed: a secret link per user, shown once, reset at will, read by Outlook."""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import select

from tracker.audit.models import AuditEvent


def _make_link(client):
    html = client.post("/account/calendar/link").get_data(as_text=True)
    match = re.search(r'value="(http[^"]+/calendar/[^"]+\.ics)"', html)
    assert match, "the new link is shown"
    return match.group(1)


def _feed(client, url):
    return client.get(urlsplit(url).path)


def _events(response):
    calendar = Calendar.from_ical(response.data)
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_lead_sees_own_and_department_due_dates_as_all_day_events(client, auth, make, db):
    home, away = make.department("Contact Management"), make.department("Witness Care")
    lead = make.user("lead", name="Jordan Blake", department=home)
    colleague = make.user("lead", department=home)
    stranger = make.user("lead", department=away)
    due = date.today() + timedelta(days=20)
    mine = make.action(owner=lead, reference="VV-001", title="Revise the letter", due=due)
    ours = make.action(owner=colleague, reference="VV-002")
    make.action(owner=stranger, reference="VV-003")
    make.action(owner=lead, reference="VV-004", status="complete", progress=100)
    auth.sign_in(lead)
    url = _make_link(client)
    auth.sign_out()
    response = _feed(client, url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar, events = _events(response)
    assert str(calendar["X-WR-CALNAME"]) == "Victims Code actions: Jordan Blake's actions"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT4H" in response.get_data(as_text=True)
    assert {str(e["summary"]).split(" ")[0] for e in events.values()} == {"VV-001", "VV-002"}
    event = events[f"action-{mine.id}@127.0.0.1:5000"]
    assert event.decoded("dtstart") == due and event.decoded("dtend") == due + timedelta(days=1)
    assert str(event["summary"]) == "VV-001 due: Revise the letter"
    assert "BRAG: Amber: due in 20 days" in str(event["description"])
    assert ours.id and str(event["transp"]) == "TRANSPARENT"


def test_chair_feed_covers_all_open_actions_with_stable_uids(client, auth, make, db):
    for number in range(1, 4):
        make.action(reference=f"VV-00{number}", owner=make.user("lead", department=make.department(f"Dept {number}")))
    auth.sign_in("chair")
    url = _make_link(client)
    first = set(_events(_feed(client, url))[1])
    assert len(first) == 3 and first == set(_events(_feed(client, url))[1])


def test_reset_link_stops_the_old_one_and_is_audited(client, auth, db):
    user = auth.sign_in("viewer")
    first = _make_link(client)
    assert "You have a calendar link" in client.get("/account/calendar").get_data(as_text=True)
    assert first not in client.get("/account/calendar").get_data(as_text=True), "the link is shown once"
    second = _make_link(client)
    assert _feed(client, first).status_code == 404
    assert _feed(client, second).status_code == 200
    verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.object_id == user.id)).all()
    assert "calendar.link_created" in verbs and "calendar.link_reset" in verbs
    secret = second.rsplit("/", 1)[1].removesuffix(".ics")
    assert secret not in (user.calendar_token_hash or "")
    client.post("/account/calendar/link/remove")
    assert _feed(client, second).status_code == 404


def test_feed_of_a_deactivated_user_stops(client, auth, db):
    user = auth.sign_in("viewer")
    url = _make_link(client)
    user.active = False
    db.session.commit()
    assert _feed(client, url).status_code == 404


def test_account_page_links_to_calendar_and_tokens(client, auth, db):
    auth.sign_in("lead")
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/account/calendar"' in html and 'href="/account/api-tokens"' in html
