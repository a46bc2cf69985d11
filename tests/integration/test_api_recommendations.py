"""Recommendations, their sources and links in the read-only API, answered as the OpenAPI document says."""

from datetime import date, timedelta

import pytest

from tests.integration.test_api import _document, _documented_schema, _get, _validator, token  # noqa: F401
from tracker.audit.models import AuditEvent


@pytest.fixture()
def recommendations(db, make):
    lead = make.user("lead", name="Jordan Blake")
    first = make.action(owner=lead, reference="VV-001")
    second = make.action(owner=lead, reference="VV-002")
    today = date.today()
    peel = make.source(title="PEEL 2027", published_on=today - timedelta(days=60))
    audit = make.source(
        title="Audit of victim contact",
        body="internal_audit",
        published_on=today - timedelta(days=5),
        response_days=None,
    )
    one = make.recommendation(source=peel, reference="Recommendation 1", lead=lead, actions=[first, second])
    one.rights = [make.right(3)]
    make.recommendation(
        source=peel, reference="AFI 1", lead=lead, status="not_accepted", status_reason="No budget this year."
    )
    make.recommendation(source=audit, reference="Finding 1", lead=lead, actions=[second], addressed_to="pcc")
    db.session.commit()
    return peel, audit, one


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/recommendation-sources", "/recommendation-sources"),
        ("/api/v1/recommendations", "/recommendations"),
        ("/api/v1/recommendations?status=not_accepted&status=complete", "/recommendations"),
    ],
)
def test_answers_match_the_documented_schemas(client, recommendations, token, url, path):  # noqa: F811
    document = _document(client)
    response = _get(client, url, token[1])
    assert response.status_code == 200
    errors = list(_validator(document, _documented_schema(document, path)).iter_errors(response.get_json()))
    assert not errors, [error.message for error in errors]


def test_one_recommendation_and_its_errors_match_the_document(client, recommendations, token):  # noqa: F811
    _, _, one = recommendations
    document = _document(client)
    response = _get(client, f"/api/v1/recommendations/{one.id}", token[1])
    assert not list(_validator(document, "RecommendationDetail").iter_errors(response.get_json()))
    for url, status in (
        (f"/api/v1/recommendations/{one.id + 100}", 404),
        ("/api/v1/recommendations?source=x", 400),
        ("/api/v1/recommendations?status=done", 400),
    ):
        answer = _get(client, url, token[1])
        assert answer.status_code == status
        assert not list(_validator(document, "Error").iter_errors(answer.get_json()))
    assert "404" in document["paths"]["/recommendations/{id}"]["get"]["responses"]
    assert "400" in document["paths"]["/recommendations"]["get"]["responses"]


def test_sources_carry_their_clocks_and_recommendations_their_links(client, recommendations, token):  # noqa: F811
    peel, audit, one = recommendations
    today = date.today()
    sources = _get(client, "/api/v1/recommendation-sources", token[1]).get_json()
    assert sources["meta"] == {"date": today.isoformat()}
    assert sources["data"] == [
        {
            "id": audit.id,
            "body": "internal_audit",
            "body_label": "Internal audit",
            "title": "Audit of victim contact",
            "published_on": (today - timedelta(days=5)).isoformat(),
            "link": None,
            "response_days": None,
            "response_due_on": None,
            "responded_on": None,
            "response_days_left": None,
            "response_overdue": False,
            "recommendations": 1,
            "by_status": {"awaiting_review": 1, "being_progressed": 0, "complete": 0, "not_accepted": 0},
        },
        {
            "id": peel.id,
            "body": "hmicfrs",
            "body_label": "HMICFRS",
            "title": "PEEL 2027",
            "published_on": (today - timedelta(days=60)).isoformat(),
            "link": None,
            "response_days": 56,
            "response_due_on": (today - timedelta(days=4)).isoformat(),
            "responded_on": None,
            "response_days_left": -4,
            "response_overdue": True,
            "recommendations": 2,
            "by_status": {"awaiting_review": 1, "being_progressed": 0, "complete": 0, "not_accepted": 1},
        },
    ]
    found = _get(client, f"/api/v1/recommendations?source={peel.id}", token[1]).get_json()["data"]
    assert [(r["reference"], r["actions"], r["status"]) for r in found] == [
        ("Recommendation 1", ["VV-001", "VV-002"], "awaiting_review"),
        ("AFI 1", [], "not_accepted"),
    ]
    assert found[1]["status_reason"] == "No budget this year."
    assert found[0]["source"] == {"id": peel.id, "body": "hmicfrs", "title": "PEEL 2027"}
    assert found[0]["lead"]["name"] == "Jordan Blake"
    assert found[0]["rights"] == [3]
    by_status = _get(client, "/api/v1/recommendations?status=awaiting_review", token[1]).get_json()["data"]
    assert [(r["reference"], r["addressed_to"]) for r in by_status] == [
        ("Finding 1", "pcc"),
        ("Recommendation 1", "force"),
    ]


def test_a_token_is_needed_and_each_read_is_audited(client, db, recommendations, token):  # noqa: F811
    assert client.get("/api/v1/recommendations").status_code == 401
    _get(client, "/api/v1/recommendation-sources", token[1])
    event = db.session.query(AuditEvent).filter_by(verb="api.read").order_by(AuditEvent.id.desc()).first()
    assert event.summary == "GET /api/v1/recommendation-sources with token 'Power BI'"
