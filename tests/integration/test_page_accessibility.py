"""What axe found on pages, checked in the HTML a person is sent: link text and landmarks."""

from bs4 import BeautifulSoup

from tests.visible import error_messages, texts


def test_a_wrong_password_gives_one_error_whose_link_has_words(client, make):
    user = make.user("lead")
    page = client.post("/sign-in", data={"email": user.email, "password": "not the password"}).text
    assert error_messages(page) == ["Enter a correct email address and password"]
    soup = BeautifulSoup(page, "html.parser")
    links = soup.select(".govuk-error-summary a")
    assert [(link["href"], link.get_text(strip=True)) for link in links] == [
        ("#email", "Enter a correct email address and password")
    ]
    assert texts(page, ".govuk-error-message") == ["Error: Enter a correct email address and password"]


def test_a_back_link_is_the_first_thing_inside_main(client, auth, make):
    chair = auth.sign_in("chair")
    action = make.action(owner=make.user("lead"))
    for url in [f"/actions/{action.reference}/edit", "/actions/new"]:
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        back = soup.select(".govuk-back-link")
        assert len(back) == 1, url
        main = back[0].find_parent("main")
        assert main is not None and main["id"] == "main-content", url
        assert main.find("a") is back[0], f"{url}: the back link is not the first link in main"
    assert chair.role == "chair"


def test_a_page_without_a_back_link_has_no_empty_wrapper(client, auth):
    auth.sign_in("chair")
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    assert soup.select(".app-back") == [] and soup.select(".govuk-back-link") == []
    assert soup.select_one("main")["class"] == ["govuk-main-wrapper"]
