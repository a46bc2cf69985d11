"""The audit trail: each action's history, and the administrators' search of the whole log."""

from datetime import UTC, date, datetime, timedelta

from bs4 import BeautifulSoup

from tests.visible import visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import long_date
from tracker.plan import services


def text(response):
    return response.get_data(as_text=True)


def test_action_history_shows_who_changed_what_from_and_to(client, auth, make, db):
    chair = make.user("chair", name="Casey Chair")
    action = make.action()
    was_due = long_date(action.current_due_date)
    request = services.request_extension(
        action, action.owner, new_due_date=date(2031, 3, 31), reason="Waiting for the new system"
    )
    services.decide_extension(request, chair, approve=True, reason="Agreed")
    db.session.commit()
    auth.sign_in("viewer")
    html = text(client.get(f"/actions/{action.reference}/history"))
    assert visible_text(html, "caption") == "2 recorded changes"
    approved, asked = [cells[1:] for cells in rows_of(html)]
    assert approved == [
        "Casey Chair",
        f"Extension approved Extension approved for {action.reference}",
        f"Current due date was {was_due} → now 31 March 2031 State was Pending → now Approved",
    ]
    assert asked == [
        action.owner.name,
        f"Extension requested Extension asked for {action.reference}",
        f"New due date was {was_due} → now 31 March 2031",
    ]


def rows_of(html):
    """Each row of the page's table as the text of its cells."""
    soup = BeautifulSoup(html, "html.parser")
    return [[visible_text(str(cell)) for cell in row.select("td")] for row in soup.select("tbody tr")]


def seed_log(db, make):
    alex, sam = make.user("admin", name="Alex Admin"), make.user("chair", name="Sam Chair")
    first, second = make.action(), make.action()
    at = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    rows = [
        AuditEvent(
            at=at,
            actor_id=sam.id,
            actor_label=sam.email,
            verb="action.updated",
            action_id=first.id,
            summary="Changed first",
            changes={"title": ["Old", "New"]},
        ),
        AuditEvent(
            at=at + timedelta(days=10),
            actor_id=sam.id,
            actor_label=sam.email,
            verb="closure.approved",
            action_id=second.id,
            summary="Closure approved",
        ),
        AuditEvent(
            at=at + timedelta(days=20),
            actor_id=alex.id,
            actor_label=alex.email,
            verb="user.created",
            summary="Created someone",
        ),
        AuditEvent(
            at=at + timedelta(days=30), actor_label="system", verb="access.denied", summary="GET /admin/users refused"
        ),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return alex, first, second


def summaries(page):
    return [
        s for s in ("Changed first", "Closure approved", "Created someone", "GET /admin/users refused") if s in page
    ]


def test_admin_searches_by_person_action_kind_and_date(client, auth, make, db):
    alex, first, second = seed_log(db, make)
    auth.sign_in(alex)
    assert summaries(text(client.get("/admin/audit"))) == [
        "Changed first",
        "Closure approved",
        "Created someone",
        "GET /admin/users refused",
    ]
    assert summaries(text(client.get("/admin/audit?person=sam+chair"))) == ["Changed first", "Closure approved"]
    assert summaries(text(client.get(f"/admin/audit?reference={second.reference.lower()}"))) == ["Closure approved"]
    assert summaries(text(client.get("/admin/audit?kind=access"))) == ["GET /admin/users refused"]
    dated = "/admin/audit?date_from=15&date_from=5&date_from=2026&date_to=30&date_to=5&date_to=2026"
    assert summaries(text(client.get(dated))) == ["Closure approved", "Created someone"]
    page = text(client.get(f"/admin/audit?reference={first.reference}"))
    assert f'href="/actions/{first.reference}"' in page and "Title" in page and "Old" in page and "New" in page


def test_bad_dates_are_explained_not_ignored_silently(client, auth, make, db):
    alex, _, _ = seed_log(db, make)
    auth.sign_in(alex)
    page = text(client.get("/admin/audit?date_from=31&date_from=2&date_from=2026"))
    assert "From must be a real date" in page and "There is a problem" in page
    page = text(client.get("/admin/audit?date_from=1&date_from=6&date_from=2026&date_to=1&date_to=5&date_to=2026"))
    assert "To must be the same as or after From" in page


def test_log_is_paginated_with_the_search_kept(client, auth, make, db):
    alex = make.user("admin")
    at = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    db.session.add_all(
        AuditEvent(at=at + timedelta(minutes=n), actor_label="system", verb="auth.sign_in", summary=f"Event {n}")
        for n in range(60)
    )
    db.session.commit()
    auth.sign_in(alex)
    page = text(client.get("/admin/audit?kind=auth"))
    assert "61 events found" in page or "60 events found" in page
    assert 'href="/admin/audit?kind=auth&amp;page=2"' in page
    assert "Event 0" in text(client.get("/admin/audit?kind=auth&page=2"))


def test_only_admins_read_the_whole_log(client, auth, db):
    auth.sign_in("chair")
    assert client.get("/admin/audit").status_code == 403
