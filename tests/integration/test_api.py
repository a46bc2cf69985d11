"""The read-only API: tokens, revocation, audit, and answers that match the OpenAPI document."""

from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from tests.visible import banners
from tracker.api import tokens
from tracker.api.models import ApiToken
from tracker.audit.models import AuditEvent
from tracker.common.types import utcnow


@pytest.fixture()
def plan(make):
    home = make.department("Contact Management")
    lead = make.user("lead", name="Jordan Blake", department=home)
    today = date.today()
    actions = [
        make.action(owner=lead, reference="VV-001", due=today - timedelta(days=3), rights=[3, 6], priorities=[1]),
        make.action(owner=lead, reference="VV-002", status="complete", progress=100, rights=[4], priorities=[2]),
        make.action(owner=lead, reference="VV-003", status="blocked", rights=[3], priorities=[2]),
    ]
    return lead, actions


@pytest.fixture()
def token(db, make):
    user = make.user("viewer", name="Robin Ellis")
    _, secret = tokens.create_token(user, "Power BI", 90)
    db.session.commit()
    return user, secret


def _get(client, url, secret):
    return client.get(url, headers={"Authorization": f"Bearer {secret}"})


def _document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _validator(document, schema_name):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _documented_schema(document, path):
    response = document["paths"][path]["get"]["responses"]["200"]
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_openapi_document_is_valid_and_public(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate_spec(document)
    assert document["openapi"] == "3.1.0" and document["servers"][0]["url"].endswith("/api/v1")


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/actions", "/actions"),
        ("/api/v1/actions?per_page=2&page=2", "/actions"),
        ("/api/v1/actions?status=blocked&rag=red", "/actions"),
        ("/api/v1/actions/VV-001", "/actions/{reference}"),
        ("/api/v1/rights", "/rights"),
        ("/api/v1/summary", "/summary"),
        ("/api/v1/summary?status=blocked", "/summary"),
    ],
)
def test_answers_match_the_documented_schemas(client, plan, token, url, path):
    document = _document(client)
    response = _get(client, url, token[1])
    assert response.status_code == 200
    errors = list(_validator(document, _documented_schema(document, path)).iter_errors(response.get_json()))
    assert not errors, [error.message for error in errors]


def test_documented_errors_match_too(client, plan, token):
    document = _document(client)
    for url, status in (("/api/v1/actions/VV-999", 404), ("/api/v1/actions?page=0", 400), ("/api/v1/rights", 401)):
        response = _get(client, url, token[1] if status != 401 else "vct_wrong")
        assert response.status_code == status
        assert not list(_validator(document, "Error").iter_errors(response.get_json()))
        assert (
            str(status)
            in document["paths"]["/actions/{reference}" if status == 404 else "/actions"]["get"]["responses"]
        )


def test_actions_are_paginated_with_links(client, plan, token):
    body = _get(client, "/api/v1/actions?per_page=2", token[1]).get_json()
    assert body["meta"]["total"] == 3 and body["meta"]["pages"] == 2
    assert [a["reference"] for a in body["data"]] == ["VV-001", "VV-002"]
    assert body["links"]["prev"] is None and "page=2" in body["links"]["next"]
    second = _get(client, body["links"]["next"], token[1]).get_json()
    assert [a["reference"] for a in second["data"]] == ["VV-003"] and second["links"]["next"] is None


def test_actions_carry_brag_with_reasons_and_filters_apply(client, plan, token):
    body = _get(client, "/api/v1/actions?rag=red", token[1]).get_json()
    found = {a["reference"]: a for a in body["data"]}
    assert set(found) == {"VV-001", "VV-003"}
    assert "3 days past due date" in found["VV-001"]["rule_rag_reasons"][0]
    assert found["VV-001"]["rights"] == [3, 6] and found["VV-001"]["owner"]["name"] == "Jordan Blake"


def test_summary_counts_by_brag_department_priority_and_right(client, plan, token):
    data = _get(client, "/api/v1/summary", token[1]).get_json()["data"]
    assert data["counts"] == {"blue": 1, "red": 2, "amber": 0, "green": 0, "not_rated": 0, "total": 3}
    [department] = data["by_department"]
    assert department["name"] == "Contact Management" and department["counts"]["total"] == 3
    by_right = {item["number"]: item["counts"] for item in data["by_right"]}
    assert by_right[3] == {"blue": 0, "red": 2, "amber": 0, "green": 0, "not_rated": 0, "total": 2}
    assert by_right[4]["blue"] == 1
    by_priority = {item["number"]: item["counts"]["total"] for item in data["by_priority"]}
    assert by_priority == {1: 1, 2: 2}


def test_rights_list_the_code_with_open_action_counts(client, plan, token):
    rights = {r["number"]: r for r in _get(client, "/api/v1/rights", token[1]).get_json()["data"]}
    assert len(rights) == 12 and rights[7]["title"] == "To make a Victim Personal Statement"
    assert rights[3]["open_actions"] == 2 and rights[4]["open_actions"] == 0


def test_no_token_or_a_session_alone_is_refused(client, auth, plan):
    response = client.get("/api/v1/actions")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.get_json()["error"]
    auth.sign_in("chair")
    assert client.get("/api/v1/actions").status_code == 401, "a browser session is not an API credential"


def test_revoked_expired_and_deactivated_tokens_stop_working(client, db, plan, token):
    user, secret = token
    assert _get(client, "/api/v1/rights", secret).status_code == 200
    record = db.session.scalar(select(ApiToken))
    tokens.revoke_token(record, user)
    db.session.commit()
    assert _get(client, "/api/v1/rights", secret).status_code == 401
    _, fresh = tokens.create_token(user, "Another", 30)
    db.session.commit()
    newest = db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None)))
    newest.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert _get(client, "/api/v1/rights", fresh).status_code == 401
    _, third = tokens.create_token(user, "Third", 30)
    user.active = False
    db.session.commit()
    assert _get(client, "/api/v1/rights", third).status_code == 401


def test_every_use_is_audited_and_only_the_hash_is_stored(client, db, plan, token):
    user, secret = token
    _get(client, "/api/v1/actions?status=blocked", secret)
    _get(client, "/api/v1/rights", secret)
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "api.read").order_by(AuditEvent.id)).all()
    assert [event.summary for event in reads] == [
        "GET /api/v1/actions?status=blocked with token 'Power BI'",
        "GET /api/v1/rights with token 'Power BI'",
    ]
    assert all(event.actor_id == user.id for event in reads)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == tokens.token_hash(secret) and secret not in (stored.token_hash, stored.prefix)
    assert stored.last_used_at is not None


def test_the_api_is_read_only(client, plan, token):
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/api/v1/actions", headers={"Authorization": f"Bearer {token[1]}"})
        assert response.status_code == 405 and response.get_json()["status"] == 405


def test_users_create_see_once_and_revoke_their_tokens(client, auth, db):
    user = auth.sign_in("lead")
    page = client.post("/account/api-tokens/new", data={"name": "Power BI dashboard", "expires": "30"})
    html = page.get_data(as_text=True)
    assert "Copy the token now. You will not be able to see it again." in html
    secret = next(part for part in html.split('"') if part.startswith("vct_"))
    assert _get(client, "/api/v1/rights", secret).status_code == 200
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Power BI dashboard" in listing and secret not in listing and secret[:12] in listing
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    revoked = client.post(f"/account/api-tokens/{token.id}/revoke", follow_redirects=True)
    assert banners(revoked.get_data(as_text=True)) == ["The token 'Power BI dashboard' no longer works."]
    assert _get(client, "/api/v1/rights", secret).status_code == 401


def test_token_form_errors_keep_what_was_typed(client, auth, db):
    auth.sign_in("viewer")
    response = client.post("/account/api-tokens/new", data={"name": "x" * 81, "expires": "90"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Name must be 80 characters or fewer" in html and "x" * 81 in html


def test_someone_elses_token_cannot_be_revoked_except_by_an_admin(client, auth, make, db):
    owner = make.user("lead")
    token, secret = tokens.create_token(owner, "Theirs", 90)
    db.session.commit()
    auth.sign_in("lead")
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 403
    assert _get(client, "/api/v1/rights", secret).status_code == 200
    auth.sign_out()
    auth.sign_in("admin")
    assert "Theirs" in client.get("/account/api-tokens").get_data(as_text=True)
    client.post(f"/account/api-tokens/{token.id}/revoke")
    assert _get(client, "/api/v1/rights", secret).status_code == 401
