"""Finding things: the action list's filters in the URL, my actions, the dashboard, and constant query counts."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from tracker.common.dates import local_today
from tracker.extensions import cache
from tracker.plan import services
from tracker.plan.models import Evidence

TODAY = date.today()


def text(response):
    return response.get_data(as_text=True)


def navigation(page):
    """The service navigation's links as (href, text, marked current)."""
    import re

    links = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="\w+")?>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<',
        page,
    )
    return [(href, label, bool(current)) for href, current, label in links]


def listed(page):
    """The references shown in an action table, in order."""
    import re

    return re.findall(r'<span class="app-reference">(VV-\d+)</span>', page)


@pytest.fixture()
def plan(make):
    """A small plan across two departments, one action of each BRAG."""
    home, away = make.department("Contact Management"), make.department("Public Protection")
    lead, other = (
        make.user("lead", department=home, name="Lee Home"),
        make.user("lead", department=away, name="Ola Away"),
    )
    return {
        "lead": lead,
        "other": other,
        "red": make.action(
            owner=lead, reference="VV-001", title="Overdue letter", due=TODAY - timedelta(days=12), rights=[3]
        ),
        "amber": make.action(
            owner=other,
            reference="VV-002",
            title="Needs assessment",
            due=TODAY + timedelta(days=20),
            progress=60,
            rights=[4],
            priorities=[5],
        ),
        "green": make.action(
            owner=lead,
            reference="VV-003",
            title="Focus groups",
            due=TODAY + timedelta(days=90),
            progress=80,
            rights=[6],
            last_update_at=datetime.now(UTC),
        ),
        "blue": make.action(
            owner=other,
            reference="VV-004",
            title="Complaints route",
            status="complete",
            progress=100,
            due=TODAY - timedelta(days=5),
            rights=[12],
        ),
    }


def test_filters_narrow_the_list_and_stay_in_the_url(client, auth, plan, make):
    auth.sign_in("viewer")
    assert listed(text(client.get("/actions"))) == ["VV-001", "VV-004", "VV-002", "VV-003"]
    assert listed(text(client.get("/actions?rag=red"))) == ["VV-001"]
    assert listed(text(client.get("/actions?rag=red&rag=amber"))) == ["VV-001", "VV-002"]
    assert listed(text(client.get(f"/actions?department={plan['other'].department_id}"))) == ["VV-004", "VV-002"]
    assert listed(text(client.get(f"/actions?owner={plan['lead'].id}"))) == ["VV-001", "VV-003"]
    assert listed(text(client.get(f"/actions?right={make.right(4).id}"))) == ["VV-002"]
    assert listed(text(client.get(f"/actions?priority={make.priority(5).id}"))) == ["VV-002"]
    assert listed(text(client.get("/actions?status=complete"))) == ["VV-004"]
    assert listed(text(client.get("/actions?due=overdue"))) == ["VV-001"]
    assert listed(text(client.get("/actions?due=30"))) == ["VV-002"]
    assert listed(text(client.get("/actions?q=focus"))) == ["VV-003"]
    assert listed(text(client.get("/actions?q=ola+away"))) == ["VV-004", "VV-002"]
    assert listed(text(client.get("/actions?open=1&sort=-due"))) == ["VV-003", "VV-002", "VV-001"]
    page = text(client.get("/actions?rag=red&q=letter"))
    assert 'value="red" checked' in page and 'value="letter"' in page and "1 action match your filters" in page
    # Counted from the app's today, so that a run crossing midnight still agrees.
    assert f"{(local_today() - plan['red'].current_due_date).days} days past due date of" in page


def test_most_at_risk_sort_puts_red_first(client, auth, plan):
    auth.sign_in("viewer")
    assert listed(text(client.get("/actions?sort=rag")))[:3] == ["VV-001", "VV-002", "VV-003"]


def test_pagination_keeps_the_filters(client, auth, make):
    lead = make.user("lead")
    for number in range(1, 28):
        make.action(owner=lead, reference=f"VV-{number:03d}", due=TODAY - timedelta(days=number))
    auth.sign_in("viewer")
    page = text(client.get("/actions?rag=red&sort=reference"))
    assert "27 actions match your filters, page 1 of 2" in page
    assert 'href="/actions?rag=red&amp;sort=reference&amp;page=2"' in page
    assert listed(text(client.get("/actions?rag=red&sort=reference&page=2"))) == ["VV-026", "VV-027"]


def test_no_match_says_so_and_offers_a_way_back(client, auth, plan):
    auth.sign_in("viewer")
    page = text(client.get("/actions?q=nothing-like-this"))
    assert "No actions match" in page and "show every action" in page


def test_a_lead_lands_on_my_actions(client, make, plan):
    response = client.post("/sign-in", data={"email": plan["lead"].email, "password": "correct horse battery staple"})
    assert response.location == "/actions/mine"
    page = text(client.get("/actions/mine"))
    assert "You own 2 open actions." in page and "is red" in page
    mine = page[: page.index("Others in Contact Management")]
    assert listed(mine) == ["VV-001", "VV-003"]
    assert navigation(page)[:3] == [
        ("/", "Dashboard", False),
        ("/actions/mine", "My actions", True),
        ("/actions", "Actions", False),
    ]


def test_my_actions_shows_the_rest_of_the_department(client, auth, make, plan):
    colleague = make.user("lead", department=plan["lead"].department)
    auth.sign_in(colleague)
    page = text(client.get("/actions/mine"))
    assert "You have no open actions." in page
    department = page[page.index("Others in Contact Management") :]
    assert listed(department) == ["VV-001", "VV-003"]


def test_navigation_by_role(client, auth, db):
    auth.sign_in("viewer")
    links = navigation(text(client.get("/actions/VV-001")))
    assert links[:2] == [("/", "Dashboard", False), ("/actions", "Actions", True)]
    assert "/actions/mine" not in [href for href, _, _ in links]
    auth.sign_out()
    auth.sign_in("admin")
    labels = [label for _, label, _ in navigation(text(client.get("/")))]
    assert labels[:2] == ["Dashboard", "Actions"] and "My actions" not in labels
    assert labels[-2:] == ["Users", "Audit log"], "administration comes last, whatever the import order"


def test_dashboard_counts_breakdowns_and_waiting_requests(client, auth, make, plan):
    services.request_extension(plan["amber"], plan["other"], new_due_date=TODAY + timedelta(days=60), reason="Leave")
    services.db.session.commit()
    auth.sign_in("chair")
    page = text(client.get("/"))
    for rag, number in (("red", 1), ("amber", 1), ("green", 1), ("blue", 1)):
        card = page[page.index(f'data-brag="{rag}"') :]
        assert f'<span class="app-count-card__number">{number}</span>' in card[:400]
    assert "Overdue (1)" in page and "Waiting for your decision (1)" in page
    assert "9 rights have no open action:</span> 1, 2, 5, 7, 8, 9, 10, 11, 12." in page
    assert "No open action" in page and 'href="/actions/new?right=1"' in page
    assert (
        '<title id="chart' in page
        and "BRAG by department" in page
        and "Contact Management: 1 red, 0 amber, 1 green, 0 blue" in page
    )
    assert "Actions by department and BRAG (the figures in the chart)" in page


def test_a_long_queue_of_requests_shows_the_oldest_and_links_to_the_rest(client, auth, make, db):
    lead = make.user("lead")
    waiting = []
    for number in range(1, 12):
        action = make.action(owner=lead, reference=f"VV-{number:03d}")
        services.request_extension(action, lead, new_due_date=action.current_due_date + timedelta(days=30), reason="IT")
        waiting.append(action.reference)
    make.action(owner=lead, reference="VV-050", title="Nothing asked")
    db.session.commit()
    auth.sign_in("chair")
    page = text(client.get("/"))
    assert "Waiting for your decision (11)" in page
    assert page.count("More time for VV-") == 8 and "More time for VV-001" in page and "VV-011:" not in page
    assert 'href="/actions?waiting=1"' in page
    everything = text(client.get("/actions?waiting=1"))
    assert sorted(listed(everything)) == waiting and 'name="waiting" type="checkbox" value="1" checked' in everything


def test_rights_grid_counts_each_right_and_flags_those_without_an_open_action(client, auth, plan):
    auth.sign_in("viewer")
    page = text(client.get("/actions/by-right"))
    assert "9 rights have no open action:</span> 1, 2, 5, 7, 8, 9, 10, 11, 12." in page
    row = page[page.index("Right 3") :]
    row = row[: row.index("</tr>")]
    assert 'aria-label="1 red for Right 3' in row and "Add an action" not in page
    auth.sign_out()
    auth.sign_in("chair")
    assert 'href="/actions/new?right=1"' in text(client.get("/actions/by-right"))


def counting_queries(db):
    """Count the SQL statements run inside the block."""

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter


def grow(make, lead, other, start, count):
    for number in range(start, start + count):
        owner = lead if number % 2 else other
        action = make.action(
            owner=owner,
            reference=f"VV-{number:03d}",
            rights=[3, 4],
            priorities=[1, 2],
            due=TODAY + timedelta(days=number - 5),
        )
        services.post_update(
            action, owner, narrative=f"Update {number}", status="in_progress", progress=30, declared_rag="amber"
        )
        services.db.session.add(
            Evidence(action=action, filename="a.txt", content_type="text/plain", size=1, content=b"a")
        )
        services.request_extension(
            action, owner, new_due_date=action.current_due_date + timedelta(days=30), reason="More time"
        )
    services.db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/actions",
        "/actions?rag=amber&sort=rag",
        "/actions?waiting=1",
        "/actions/by-right",
        "/actions/mine",
        "/actions/VV-001",
        "/actions/VV-001/history",
    ],
)
def test_page_query_count_does_not_grow_with_the_plan(app, client, make, db, url):
    lead = make.user("lead", department=make.department("Contact Management"))
    other = make.user("lead", department=lead.department)
    grow(make, lead, other, 1, 3)
    client.post("/sign-in", data={"email": lead.email, "password": "correct horse battery staple"})
    count = counting_queries(db)
    client.get(url)
    # Count the work of a page, not a read of figures kept from the request before.
    cache.clear()
    with count() as small:
        assert client.get(url).status_code == 200
    grow(make, lead, other, 4, 12)
    first = services.action_by_reference("VV-001")
    for number in range(6):
        services.post_update(
            first, lead, narrative=f"More {number}", status="in_progress", progress=40, declared_rag="green"
        )
        services.db.session.add(
            Evidence(action=first, filename="b.txt", content_type="text/plain", size=1, content=b"b")
        )
    services.db.session.commit()
    cache.clear()
    with count() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), f"{url}: {len(small)} queries for 3 actions, {len(large)} for 15"
