"""Secrets stay out of logs and caches, and a reset request answers alike whether the address has an account."""

import io
import json
import logging

from sqlalchemy import event, select
from werkzeug.test import EnvironBuilder

from tests.visible import visible_text
from tracker.extensions import db as _db
from tracker.notify.models import OutboundEmail


def _statements_before_the_answer(app, email):
    """Send POST /forgot-password straight to the app; return the SQL it ran before its answer was sent."""
    seen = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    environ = EnvironBuilder(path="/forgot-password", method="POST", data={"email": email}).get_environ()
    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        body = app(environ, lambda status, headers: None)
        page = b"".join(body).decode()
        before = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    body.close()
    return before, page


def test_a_reset_request_does_the_same_work_before_answering_whether_or_not_the_account_exists(app, make, db):
    user = make.user("viewer")
    known, known_page = _statements_before_the_answer(app, user.email)
    unknown, unknown_page = _statements_before_the_answer(app, "nobody-here@example.org")
    assert known == unknown
    assert visible_text(known_page, "main").replace(user.email, "X") == visible_text(unknown_page, "main").replace(
        "nobody-here@example.org", "X"
    )
    [mail] = db.session.scalars(select(OutboundEmail)).all()
    assert mail.to_address == user.email and mail.kind == "password_reset"


def _logged_paths(app, client, url):
    stream = io.StringIO()
    handler = logging.getLogger("tracker").handlers[0]
    old_stream, old_testing = handler.setStream(stream), app.testing
    app.testing = False
    try:
        client.get(url)
    finally:
        app.testing = old_testing
        handler.setStream(old_stream)
    return [json.loads(line)["path"] if line.startswith("{") else line for line in stream.getvalue().splitlines()]


def test_the_access_log_never_holds_a_reset_token_or_a_calendar_secret(app, client):
    for url, shown in [
        ("/reset-password/abcdefghijklmnop1234", "/reset-password/[secret]"),
        ("/calendar/zyxwvutsrqponmlk9876.ics", "/calendar/[secret].ics"),
    ]:
        [line] = _logged_paths(app, client, url)
        assert shown in line and url.split("/")[2].split(".")[0] not in line


def test_exports_and_the_import_template_are_never_kept(client, auth, make):
    make.action()
    auth.sign_in("admin")
    for url in ["/exports/actions.xlsx", "/exports/actions.csv", "/imports/template.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
