"""A real OpenID provider (tests/oidc/provider.js, the `oidc-provider` package) run on the loopback.

The provider is started as a subprocess on a free port and stopped afterwards. `Person` is a
person's browser in miniature: it follows the provider's redirects and fills in its own sign-in
and consent pages over real HTTP, and hands back the callback address the provider sends them to.
"""

import json
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

PROVIDER_DIR = Path(__file__).parent / "oidc"
CALLBACK_PATH = "/sign-in/organisation/callback"


def free_port():
    """A port nothing listens on now, on the loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_provider(redirect_uris):
    """Start the provider for these callback addresses; yield its issuer URL; stop it."""
    assert (PROVIDER_DIR / "node_modules" / "oidc-provider").exists(), "run `npm ci` in tests/oidc (make setup)"
    port = free_port()
    env = dict(os.environ, PORT=str(port), REDIRECT_URIS=",".join(redirect_uris), NODE_ENV="test")
    process = subprocess.Popen(
        ["node", "provider.js"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        issuer = _wait_for(process)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("listening "):
            return line.split()[1]
        if not line and process.poll() is not None:
            raise RuntimeError("the OpenID provider stopped before it started listening")
    raise RuntimeError("the OpenID provider did not start in 30 seconds")


def set_account(issuer, login, **claims):
    """Set the claims the provider puts in this person's ID token."""
    response = requests.put(f"{issuer}/test-accounts/{login}", data=json.dumps(claims), timeout=5)
    assert response.status_code == 204


class Person:
    """Signs in at the provider's own pages as `login` and returns where the provider sends them."""

    def __init__(self, issuer, login):
        self.issuer = issuer
        self.login = login
        self.http = requests.Session()

    def _follow(self, url):
        response = None
        while url.startswith(self.issuer):
            response = self.http.get(url, allow_redirects=False, timeout=10)
            location = response.headers.get("Location")
            if location is None:
                break
            url = urljoin(url, location)
        return url, response

    def sign_in(self, authorisation_url, refuse=False):
        """Go through the provider's sign-in and consent pages; return the callback path and query."""
        url, response = self._follow(authorisation_url)
        while url.startswith(self.issuer):
            form = BeautifulSoup(response.text, "html.parser").find("form")
            assert form is not None, f"the provider showed no form at {url}: {response.text[:300]}"
            prompt = form.find("input", attrs={"name": "prompt"})["value"]
            if refuse and prompt == "login":
                url, response = self._follow(url.rstrip("/") + "/abort")
                continue
            fields = {"prompt": prompt, "login": self.login, "password": "any"}
            posted = self.http.post(urljoin(url, form["action"]), data=fields, allow_redirects=False, timeout=10)
            url, response = self._follow(urljoin(url, posted.headers["Location"]))
        parts = urlsplit(url)
        assert parts.path == CALLBACK_PATH, f"the provider sent the person to {url}"
        return f"{parts.path}?{parts.query}"

    def end_session(self, url):
        """Confirm sign-out at the provider's own page; return where the provider sends the person."""
        page = self.http.get(url, allow_redirects=False, timeout=10)
        form = BeautifulSoup(page.text, "html.parser").find("form")
        fields = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
        fields["logout"] = "yes"
        posted = self.http.post(urljoin(url, form["action"]), data=fields, allow_redirects=False, timeout=10)
        url, _ = self._follow(urljoin(url, posted.headers["Location"]))
        return url


SSO_SETTINGS = (
    "OIDC_ISSUER",
    "OIDC_ENTRA_TENANT_ID",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_SCOPES",
    "OIDC_CREATE_USERS",
    "OIDC_ROLE_GROUPS",
    "OIDC_CLOCK_SKEW_SECONDS",
    "PASSWORD_SIGN_IN",
    "PASSWORD_BREAK_GLASS_EMAILS",
    "BASE_URL",
)


class SingleSignOn:
    """The app set up for single sign-on with the test provider, and helpers to go through it."""

    def __init__(self, app, issuer):
        self.app = app
        self.issuer = issuer
        self.use_client("tracker")

    def use_client(self, client_id):
        """Use one of the provider's clients (tests/oidc/provider.js lists the test switches)."""
        self.app.config.update(OIDC_CLIENT_ID=client_id, OIDC_CLIENT_SECRET=f"secret-{client_id}")

    def account(self, login, **claims):
        """Set the claims of a person at the provider."""
        set_account(self.issuer, login, **claims)

    def start(self, client):
        """Press "Sign in with your organisation account"; return the provider's authorisation URL."""
        response = client.get("/sign-in/organisation")
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def callback(self, client, login, refuse=False):
        """Sign in at the provider as `login`; return the callback address it sends the person to."""
        return Person(self.issuer, login).sign_in(self.start(client), refuse=refuse)

    def sign_in(self, client, login, refuse=False):
        """Go the whole way: tracker, provider's pages, back to the tracker's callback."""
        return client.get(self.callback(client, login, refuse=refuse))


@contextmanager
def single_sign_on(app, issuer, base_url=None):
    """Turn single sign-on on for one test and put the settings back afterwards."""
    from tracker.auth import oidc

    saved = {name: app.config[name] for name in SSO_SETTINGS}
    app.config.update(
        OIDC_ISSUER=issuer,
        OIDC_ENTRA_TENANT_ID="",
        OIDC_SCOPES="openid email profile",
        OIDC_CREATE_USERS=False,
        OIDC_ROLE_GROUPS={},
        OIDC_CLOCK_SKEW_SECONDS=120,
        PASSWORD_SIGN_IN=True,
        PASSWORD_BREAK_GLASS_EMAILS=[],
        BASE_URL=base_url or app.config["BASE_URL"],
    )
    oidc._cache.clear()
    try:
        yield SingleSignOn(app, issuer)
    finally:
        app.config.update(saved)
        oidc._cache.clear()
