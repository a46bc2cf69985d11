"""The timing floor: a signed-in page with one query of its own, which shows nothing of the plan."""

from tracker.common.statements import counting_statements
from tracker.extensions import db as _db


def _statements(client, path):
    with counting_statements(_db.engine) as log:
        response = client.get(path)
    return response, log


def test_floor_runs_one_query_more_than_a_page_without_data(client, auth, make):
    auth.sign_in("viewer")
    make.action(title="Publish clear information on compensation", reference="VV-900")
    client.get("/_floor")
    floor, floor_log = _statements(client, "/_floor")
    privacy, privacy_log = _statements(client, "/privacy")
    assert floor.status_code == 200 and privacy.status_code == 200
    assert floor_log.count == privacy_log.count + 1
    assert any("FROM action" in statement for statement in floor_log.statements)
    page = floor.get_data(as_text=True)
    assert "<title>Timing floor - Victims Code Action Tracker</title>" in page
    assert "The plan has actions in progress." in page
    assert "VV-900" not in page and "compensation" not in page


def test_floor_asks_visitors_to_sign_in(client):
    response = client.get("/_floor")
    assert response.status_code == 302 and "/sign-in" in response.location
