"""Fixtures for the single sign-on tests: the real provider for the session, settings per test."""

import pytest

from tests.oidc_provider import CALLBACK_PATH, running_provider, single_sign_on


@pytest.fixture(scope="session")
def provider(app):
    """The test OpenID provider, its one callback on the tests' base URL."""
    with running_provider([app.config["BASE_URL"].rstrip("/") + CALLBACK_PATH]) as issuer:
        yield issuer


@pytest.fixture()
def sso(app, db, provider):
    """Single sign-on turned on for this test."""
    with single_sign_on(app, provider) as settings:
        yield settings
