"""Fixtures the integration tests share."""

import pytest

from tests.integration.notify.conftest import SmtpServer, free_port


@pytest.fixture()
def smtp(app, monkeypatch):
    """A real SMTP server on localhost that the app delivers to; yields its mailbox."""
    port = free_port()
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": "none",
        "MAIL_TIMEOUT_SECONDS": 5,
        "MAIL_FROM": "tracker@opcc.example.org",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    server = SmtpServer(port).start()
    yield server.mailbox
    server.stop()
