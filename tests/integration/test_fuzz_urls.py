"""Every route of the URL map, every argument it reads, sent values no person would type: never a 500.

The arguments are found two ways, so a new one is covered the day it is added: the names the code
reads from `request.args` (read from the source of tracker/), and the fields of the GET forms each
page shows (search and filter forms). Each page is asked for once per hostile value, with that value
in every argument at once, then each part of its path is replaced by each hostile value in turn.
Refusals (400, 404) and redirects are fine; a server error is not.
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from tests.access import acting_user, all_rules, kept_world, url_map
from tests.factories import PASSWORD

RULES = all_rules()
ROUTES = url_map()
GET_ENDPOINTS = sorted(endpoint for endpoint, rule in RULES.items() if "GET" in ROUTES[endpoint][0])
SOURCE = Path(__file__).parents[2] / "tracker"
READ_ARGUMENT = re.compile(r"""(?:args\.(?:get|getlist)|_positive)\(\s*["']([A-Za-z_][\w-]*)["']""")

HOSTILE = [
    "",
    " ",
    "²",
    "①",
    "-1",
    "0",
    "1e12",
    "2147483648",
    "922337203685477580",
    "9" * 30,
    "0000-01-Q1",
    "9999/00 Q4",
    "31 12 9999",
    "NaN",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "🚓",
    "x" * 3000,
]
# Path parts: the same, less the ones that cannot be one part of a path.
HOSTILE_PATH = [value for value in HOSTILE if value.strip() and "/" not in value]


def arguments_the_code_reads():
    """Every name the tracker's code reads from a request's query string."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        names.update(READ_ARGUMENT.findall(path.read_text()))
    return names - {"next"}  # a redirect target: checked by the open-redirect tests, and never followed here


def get_form_fields(html):
    """The names of the fields of the page's search and filter forms."""
    soup = BeautifulSoup(html, "html.parser")
    names = set()
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() == "get":
            names.update(
                control["name"] for control in form.find_all(["input", "select", "textarea"]) if control.get("name")
            )
    return names


@pytest.fixture()
def world(make):
    return kept_world(make, __name__)


def _sign_in(client, user):
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302


def _is_file(url):
    return url.split("?")[0].rsplit("/", 1)[-1].count(".") == 1


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_no_argument_or_path_part_gives_a_server_error(app, client, world, endpoint):
    rule = RULES[endpoint]
    user = acting_user(rule, world)
    if rule["expect"].get("admin") != 302 or endpoint.startswith("auth."):
        _sign_in(client, user)
    role = next(key for key, person in world.users.items() if person is user)
    headers = rule.get("headers", lambda d, role: {})(world, role)
    with app.test_request_context():
        args = rule["args"](world)
        url = url_for(endpoint, **args)
    page = client.get(url, headers=headers)
    names = arguments_the_code_reads()
    if page.mimetype == "text/html":
        names |= get_form_fields(page.get_data(as_text=True))
    failures = []
    if not _is_file(url):  # a file (a PDF, a workbook) is made from the same arguments as its page
        for value in HOSTILE:
            answer = client.get(url.split("?")[0], query_string={name: value for name in names}, headers=headers)
            if answer.status_code >= 500:
                failures.append(f"?{'&'.join(sorted(names))} = {value[:40]!r}: {answer.status_code}")
    for name, real in args.items():
        for value in HOSTILE_PATH:
            hostile = re.sub(rf"(?<=/){re.escape(str(getattr(real, 'slug', real)))}(?=/|$|\.)", value, url, count=1)
            answer = client.get(hostile, headers=headers)
            if answer.status_code >= 500:
                failures.append(f"{name} = {value[:40]!r} ({hostile[:80]}): {answer.status_code}")
    assert not failures, f"{endpoint} as {user.role}:\n" + "\n".join(failures)
