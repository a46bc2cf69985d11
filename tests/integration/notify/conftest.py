"""Fixtures for mail tests: a real SMTP server (aiosmtpd) on localhost, and moments in London time."""

import asyncio
import socket
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

LONDON = ZoneInfo("Europe/London")


def london(*args):
    """A moment given in London time, as the scheduler and the CLI see it."""
    return datetime(*args, tzinfo=LONDON)


def free_port():
    """A TCP port nobody listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse on demand."""

    def __init__(self):
        self.envelopes = []
        self.logins = []
        # A function of the envelope returning an SMTP reply such as "451 Try later", or None to accept.
        self.refuse = None
        # A function of the envelope: True to drop the connection once the message has been sent.
        self.drop = None
        # A function of the envelope returning seconds to wait before answering, or 0.
        self.delay = None

    async def handle_DATA(self, server, session, envelope):
        if self.drop and self.drop(envelope):
            server.transport.close()
            return "421 Closing"
        if self.delay and self.delay(envelope):
            await asyncio.sleep(self.delay(envelope))
        reply = self.refuse(envelope) if self.refuse else None
        if reply:
            return reply
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        """The received messages, parsed."""
        return [message_from_bytes(e.original_content or e.content, policy=default_policy) for e in self.envelopes]

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"relay-password")


class SmtpServer:
    """Start and stop a real SMTP server on a fixed localhost port."""

    def __init__(self, port, require_login=False):
        self.port = port
        self.mailbox = Mailbox()
        self.require_login = require_login
        self.controller = None

    def start(self):
        options = {}
        if self.require_login:
            options = {
                "authenticator": self.mailbox.authenticate,
                "auth_require_tls": False,
                "auth_required": True,
            }
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def smtp_port(app, monkeypatch):
    """Point the app at a localhost port with nothing listening yet."""
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    monkeypatch.setitem(app.config, "MAIL_FROM", "tracker@opcc.example.org")
    return port


@pytest.fixture()
def smtp_server(smtp_port):
    """A real SMTP server the app is configured to deliver to; yields its mailbox."""
    server = SmtpServer(smtp_port).start()
    yield server.mailbox
    server.stop()


def body_of(message, subtype):
    """The text or HTML alternative of a parsed message."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None
