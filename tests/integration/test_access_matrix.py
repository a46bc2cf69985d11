"""Every URL rule of the app, for every role and signed out, answers as designed."""

import pytest
from flask import url_for
from sqlalchemy import select

from tests.access import ROLES, all_rules, kept_world
from tests.factories import PASSWORD
from tracker import create_app
from tracker.audit.models import AuditEvent

RULES = all_rules()


def _endpoints():
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


ENDPOINTS = _endpoints()


def test_every_route_has_access_rules():
    """A new route cannot escape the matrix: each one must say who may reach it."""
    missing = [endpoint for endpoint in ENDPOINTS if endpoint not in RULES]
    assert not missing, f"add access rules in tests/access/ for: {missing}"
    stale = [endpoint for endpoint in RULES if endpoint not in ENDPOINTS]
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture()
def world(make):
    """Users of every role, two departments and records for the routes to act on."""
    # Features add their own records through tests/access/<feature>.py SETUP hooks.
    return kept_world(make, __name__)


def _refusals(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "access.denied")).all()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_role_reaches_route_as_designed(app, client, db, world, endpoint, role):
    rule = RULES[endpoint]
    expected = rule["expect"][role if role in rule["expect"] else "lead"]
    if role != "anon":
        response = client.post("/sign-in", data={"email": world.users[role].email, "password": PASSWORD})
        assert response.status_code == 302
    with app.test_request_context():
        url = url_for(endpoint, **rule["args"](world))
    headers = rule["headers"](world, role) if "headers" in rule else {}
    response = client.open(url, method=rule["method"], data=rule.get("data", {}), headers=headers)
    if expected == "ok":
        # A missing page or a wrong method would mean the route was never really exercised.
        assert response.status_code < 500 and response.status_code not in (401, 403, 404, 405), (
            f"{role} {rule['method']} {url} answered {response.status_code}"
        )
    else:
        assert response.status_code == expected, f"{role} {rule['method']} {url} answered {response.status_code}"
        if expected == 302 and role == "anon":
            assert "/sign-in" in response.location
    if response.status_code == 403:
        refusal = _refusals(db)[-1]
        assert refusal.actor_id == world.users[role].id and url.split("?")[0] in refusal.summary


def test_refusals_are_audited(client, world, db):
    client.post("/sign-in", data={"email": world.viewer.email, "password": PASSWORD})
    assert client.get("/admin/users").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "access.denied"))
    assert event is not None and event.actor_id == world.viewer.id
    assert "/admin/users" in event.summary
    assert event.address == "127.0.0.1" and event.changes["endpoint"] == [None, "admin.users"]


def test_the_matrix_refuses_every_role_that_a_route_s_permission_refuses(app):
    """Each route guarded by a named permission (tracker.auth.permissions) expects, in its rules,
    a refusal for every role the permission refuses, and the sign-in page for anyone signed out."""
    from types import SimpleNamespace

    from tracker.auth.models import Role

    people = {role: SimpleNamespace(role=Role(role), is_authenticated=True) for role in Role}
    role_of = {
        "viewer": Role.VIEWER,
        "lead": Role.LEAD,
        "other_lead": Role.LEAD,
        "chair": Role.CHAIR,
        "admin": Role.ADMIN,
    }
    guarded = {
        endpoint: view.permission for endpoint, view in app.view_functions.items() if hasattr(view, "permission")
    }
    assert len(guarded) > 50
    wrong = []
    for endpoint, permission in guarded.items():
        expect = RULES[endpoint]["expect"]
        if expect.get("anon", 302) != 302:
            wrong.append(f"{endpoint}: anon expects {expect['anon']}")
        for role, kind in role_of.items():
            outcome = expect.get(role, expect.get("lead"))
            if not permission(people[kind]) and outcome != 403:
                wrong.append(f"{endpoint}: {permission.__name__} refuses {role}, the rules expect {outcome}")
    assert wrong == []
