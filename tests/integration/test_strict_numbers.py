"""Numbers in URLs and forms are ASCII digits of a size a database can hold, or refused without a 500."""

import pytest

from tests.visible import visible_text
from tracker.api import tokens
from tracker.common.input import is_whole_number


@pytest.mark.parametrize("text", ["²", "①", "١٢", "1" * 30, "", "-1", "1.5", " 1"])
def test_only_plain_digits_of_a_database_size_are_whole_numbers(text):
    assert not is_whole_number(text)


def test_plain_digits_are_whole_numbers():
    assert is_whole_number("7") and is_whole_number("123456789")


@pytest.mark.parametrize("page", ["²", "①", "9" * 30])
def test_the_api_refuses_a_page_number_it_cannot_read(client, make, db, page):
    _, secret = tokens.create_token(make.user("viewer"), "Power BI", 90)
    db.session.commit()
    response = client.get("/api/v1/actions", query_string={"page": page}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "page must be a whole number of 1 or more"


@pytest.mark.parametrize("owner", ["²", "①", "9" * 30])
def test_the_action_list_ignores_an_owner_it_cannot_read(client, auth, make, owner):
    action = make.action()
    auth.sign_in("viewer")
    response = client.get("/actions", query_string={"owner": owner})
    assert response.status_code == 200
    assert action.reference in visible_text(response.text, "main").split()
