"""No query per row: every page a chair or admin reads sends as many SQL statements for 40 actions as for 5.

The pages come from the access rules (tests/access/): every GET route that answers 200 to the chair or
an admin. Each is counted once the plan has 5 actions and again once it has 40, with updates, rights,
priorities, extension and closure requests, and actions owned by the signed-in user.
"""

from datetime import date, timedelta

import pytest
from flask import url_for

from tests import factories
from tests.access import all_rules, build_world
from tests.conftest import clean_database
from tracker.common.statements import counting_statements
from tracker.extensions import cache
from tracker.extensions import db as _db
from tracker.plan import services
from tracker.plan.models import Rag, Status

SMALL, LARGE = 5, 40
MANAGERS = ("chair", "admin")


def budget_pages():
    """(endpoint, role, rule) for every GET page a manager may read."""
    pages = []
    for endpoint, rule in sorted(all_rules().items()):
        role = next((r for r in MANAGERS if rule["expect"].get(r) == 200), None)
        if rule["method"] == "GET" and role:
            pages.append((endpoint, role, rule))
    return pages


PAGES = budget_pages()


def add_actions(world, count, make):
    """Add `count` actions in every state the plan knows, spread over owners, rights and priorities."""
    owners = [world.lead, world.other_lead, world.chair, world.admin]
    today = date.today()
    for index in range(count):
        owner = owners[index % len(owners)]
        data = services.ActionData(
            title=f"Improve victim updates, stream {index + 1}",
            owner=owner,
            department=owner.department or world.department,
            start_date=today - timedelta(days=90),
            original_due_date=today + timedelta(days=(index % 7) * 20 - 30),
            description="Agree with each victim how often they will hear from the investigation team.",
            rights=[make.right(index % 12 + 1), make.right((index + 5) % 12 + 1)],
            priorities=[make.priority(index % 6 + 1)],
        )
        action = services.create_action(data, world.chair)
        _move_on(action, owner, world.chair, index % 7, today)
        _db.session.commit()


def _move_on(action, owner, chair, variant, today):
    """Take an action to one of seven states through the plan's own services."""
    if variant == 6:
        services.cancel_action(action, "Merged into a force-wide change.", chair)
        return
    for step, rag in enumerate((Rag.GREEN, Rag.AMBER, Rag.RED)[: 1 + variant % 3]):
        status = Status.BLOCKED if variant == 2 and step == variant % 3 else Status.IN_PROGRESS
        services.post_update(
            action,
            owner,
            narrative=f"Progress note {step + 1}.",
            status=status,
            progress=20 * (step + 1),
            declared_rag=rag,
        )
    if variant == 3:
        services.request_extension(
            action, owner, new_due_date=action.current_due_date + timedelta(days=30), reason="Waiting on IT."
        )
    elif variant in (4, 5):
        request = services.request_closure(action, owner, summary="The new letter is in use everywhere.")
        if variant == 5:
            services.decide_closure(
                request,
                chair,
                approve=True,
                reason="",
                today=today,
                confirm_exception=True,
                exception_reason="Seen in person.",
            )


def _sign_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _count(app, clients, world):
    """{endpoint: statements} for one request to each page, after a first request to warm caches."""
    counts = {}
    for endpoint, role, rule in PAGES:
        with app.test_request_context():
            url = url_for(endpoint, **rule["args"](world))
        client = clients[role]
        headers = rule["headers"](world, role) if "headers" in rule else {}
        client.get(url, headers=headers)
        # Count the work of each page, not a read of figures kept from the request before.
        cache.clear()
        with counting_statements(_db.engine) as log:
            response = client.get(url, headers=headers)
        counts[endpoint] = log.count if response.status_code == 200 else f"answered {response.status_code}"
    return counts


@pytest.fixture(scope="module")
def statement_counts(app):
    """Statements per page with SMALL and then LARGE actions in the plan."""
    with app.app_context():
        clean_database()
        make = factories.Factory(_db)
        world = build_world(make)
        clients = {role: _sign_in(app, world.users[role]) for role in MANAGERS}
        add_actions(world, SMALL - 1, make)
        small = _count(app, clients, world)
        add_actions(world, LARGE - SMALL, make)
        large = _count(app, clients, world)
        _db.session.remove()
    return small, large


def test_budget_covers_the_main_pages():
    endpoints = {endpoint for endpoint, _, _ in PAGES}
    assert {"main.dashboard", "admin.users"} <= endpoints


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _, _ in PAGES])
def test_page_sends_the_same_statements_for_40_actions_as_for_5(statement_counts, endpoint):
    small, large = statement_counts
    assert isinstance(small[endpoint], int), f"{endpoint} {small[endpoint]}"
    assert small[endpoint] == large[endpoint], (
        f"{endpoint} sends {small[endpoint]} statements with {SMALL} actions and {large[endpoint]} with {LARGE}:"
        " a query per row; load related rows with selectinload/joinedload or one grouped query"
    )
