"""The production shape: JSON logs with a request id, friendly errors without tracebacks, a health
check that asks the database, and gunicorn running several workers from gunicorn.conf.py."""

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from tracker import create_app

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-of-forty-characters!"


class CapturedLog:
    """What the tracker logs, one parsed JSON object per line."""

    def __init__(self):
        self.stream = io.StringIO()

    def lines(self):
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture()
def log():
    captured = CapturedLog()
    yield captured
    logging.getLogger("tracker").handlers[0].setStream(sys.stderr)


def live_app(app, log):
    """The app as it runs for real: not in testing mode, JSON logs, exceptions handled."""
    real = create_app("test", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "LOG_JSON": True})
    real.testing = False
    logging.getLogger("tracker").handlers[0].setStream(log.stream)
    return real


def test_each_request_is_one_json_line_carrying_its_request_id(app, db, log):
    real = live_app(app, log)
    client = real.test_client()
    response = client.get("/healthz", headers={"X-Request-Id": "proxy0123456789"})
    assert response.headers["X-Request-Id"] == "proxy0123456789"
    forged = client.get("/healthz", headers={"X-Request-Id": "not an id; <script>"})
    assert len(forged.headers["X-Request-Id"]) == 16 and forged.headers["X-Request-Id"].isalnum()
    first, second = log.lines()
    assert first["request_id"] == "proxy0123456789" and second["request_id"] == forged.headers["X-Request-Id"]
    assert first | {"time": "-", "duration_ms": 0} == {
        "time": "-",
        "level": "INFO",
        "logger": "tracker",
        "request_id": "proxy0123456789",
        "message": f"GET /healthz 200 {first['duration_ms']}ms",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": 0,
        "address": "127.0.0.1",
        "user_id": None,
    }


def test_a_crash_shows_the_friendly_page_and_logs_the_traceback_with_the_request_id(app, db, log):
    real = live_app(app, log)

    def crash():
        raise RuntimeError("secret detail from deep inside")

    real.add_url_rule("/crash", "crash", crash)
    real.add_url_rule("/api/crash", "api_crash", crash)
    response = real.test_client().get("/crash")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "Nothing you saved before this page" in page
    assert "Traceback" not in page and "secret detail" not in page and "RuntimeError" not in page
    api = real.test_client().get("/api/crash")
    assert api.status_code == 500 and api.json == {"error": "Sorry, there is a problem with the service", "status": 500}
    crash_logs = [line for line in log.lines() if line["level"] == "ERROR"]
    assert crash_logs[0]["request_id"] == response.headers["X-Request-Id"]
    assert "Traceback" in crash_logs[0]["exception"] and "secret detail from deep inside" in crash_logs[0]["exception"]


def test_health_check_answers_503_when_the_database_does_not(tmp_path):
    unreachable = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/tracker.sqlite"})
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "error", "database": "unreachable"}


def test_health_check_answers_ok_with_json_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid):
    """Process ids whose parent is pid, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_gunicorn_serves_the_app_with_several_workers_and_json_logs(app, db):
    port = _free_port()
    environment = dict(
        os.environ,
        TRACKER_ENV="production",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=SECRET,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        TRACKER_INSTANCE_PATH=app.instance_path,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = _wait_for_health(port, server)
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        assert len(_children(server.pid)) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    request_lines = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    assert any(line["path"] == "/healthz" and line["status"] == 200 for line in request_lines), errors


def _wait_for_health(port, server):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 seconds")


def test_the_app_never_runs_with_the_debugger_or_testing_flags_in_production():
    production = create_app("production", {"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not production.debug and not production.testing
    assert production.config["RUN_SCHEDULER"] is False, "the scheduler runs as its own process"
